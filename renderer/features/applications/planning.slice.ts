import type { SliceCreator } from '../../store/types';

/** Planning state (filled by the applications feature). */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface PlanningSlice {}

export const createPlanningSlice: SliceCreator<PlanningSlice> = () => ({});
