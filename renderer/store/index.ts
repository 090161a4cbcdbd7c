import { create } from 'zustand';
import { useShallow } from 'zustand/react/shallow';
import type { WorkbenchState } from './types';
import { createProjectSlice } from '../features/project/project.slice';
import { createUiSlice } from '../app/ui.slice';
import { createInventorySlice } from '../features/inventory/inventory.slice';
import { createVerifySlice } from '../features/verify/verify.slice';
import { createPlanningSlice } from '../features/applications/planning.slice';
import { createExportSlice } from '../features/export/export.slice';
import { createAssessmentSlice } from '../features/assessment/assessment.slice';
import { createDiscoverySlice } from '../features/discovery/discovery.slice';
import { createWavesSlice } from '../features/waves/waves.slice';
import { createReplicationSlice } from '../features/replication/replication.slice';
import { createDashboardSlice } from '../features/dashboard/dashboard.slice';

/** One store, built from per-feature slices. Only slice actions call the IPC client. */
export const useWorkbench = create<WorkbenchState>()((...a) => ({
  ...createUiSlice(...a),
  ...createProjectSlice(...a),
  ...createInventorySlice(...a),
  ...createVerifySlice(...a),
  ...createPlanningSlice(...a),
  ...createExportSlice(...a),
  ...createAssessmentSlice(...a),
  ...createDiscoverySlice(...a),
  ...createWavesSlice(...a),
  ...createReplicationSlice(...a),
  ...createDashboardSlice(...a),
}));

/** Selector hook that re-renders only when the picked fields change (shallow). */
export function useWorkbenchShallow<T>(selector: (s: WorkbenchState) => T): T {
  return useWorkbench(useShallow(selector));
}

export type { WorkbenchState } from './types';
