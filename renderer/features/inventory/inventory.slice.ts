import type { SliceCreator } from '../../store/types';

/** Inventory state (filled by the inventory feature). */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface InventorySlice {}

export const createInventorySlice: SliceCreator<InventorySlice> = () => ({});
