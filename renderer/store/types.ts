import type { StateCreator } from 'zustand';
import type { ProjectSlice } from '../features/project/project.slice';
import type { UiSlice } from '../app/ui.slice';
import type { InventorySlice } from '../features/inventory/inventory.slice';
import type { VerifySlice } from '../features/verify/verify.slice';
import type { PlanningSlice } from '../features/applications/planning.slice';
import type { ExportSlice } from '../features/export/export.slice';
import type { AssessmentSlice } from '../features/assessment/assessment.slice';
import type { DiscoverySlice } from '../features/discovery/discovery.slice';
import type { WavesSlice } from '../features/waves/waves.slice';
import type { ReplicationSlice } from '../features/replication/replication.slice';
import type { DashboardSlice } from '../features/dashboard/dashboard.slice';

export type WorkbenchState = ProjectSlice & UiSlice & InventorySlice & VerifySlice & PlanningSlice & ExportSlice & AssessmentSlice & DiscoverySlice & WavesSlice & ReplicationSlice & DashboardSlice;
export type SliceCreator<T> = StateCreator<WorkbenchState, [], [], T>;
