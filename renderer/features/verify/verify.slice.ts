import type { SliceCreator } from '../../store/types';

/** Verify state (filled by the verify feature). */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface VerifySlice {}

export const createVerifySlice: SliceCreator<VerifySlice> = () => ({});
