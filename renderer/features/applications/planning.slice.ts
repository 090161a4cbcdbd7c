import type { InstanceTypeInfo } from '../../../main/common/model/instance-types';
import type { ProjectEdit } from '../../../main/common/model/edits';
import type { ApplicationPatch, LaunchSettingsPatch } from '../../../main/common/model/planning-edits';
import type { KnownNetwork } from '../../../main/common/model/planning';
import type { GroupingSuggestion } from '../../../main/common/assess/grouping-suggestions';
import { cheapestFit } from '../../../main/common/assess/right-size';
import { placementsByServer } from '../../../main/common/model/planning';
import type { PlanIssue } from '../../../main/common/assess/plan-validation';
import { effectiveApplication } from '../../../main/common/assess/project-defaults';
import { invoke } from '../../ipc/client';
import type { SliceCreator } from '../../store/types';

function newId(prefix: string): string {
  return `${prefix}-${crypto.randomUUID().slice(0, 8)}`;
}

export interface PlanningSlice {
  instanceTypes: InstanceTypeInfo[];
  activeApplicationId: string | null;
  /** Selected servers (catalog or groups), in selection order. */
  selectedServerIds: string[];
  /** The row a shift-click extends from. */
  selectionAnchor: string | null;
  /** A problem the user opened: the form that owns its field focuses it, then clears this. */
  problemFocus: ProblemFocus | null;
  instanceTypesRequested(): Promise<void>;
  /** Planning is under way: start the validator now so the first export does not wait for it. */
  validatorWarmUpRequested(): void;
  applicationSelected(applicationId: string | null): void;
  serverSelectionChanged(ids: string[], anchor?: string | null): void;
  /** Every planning edit goes through here: applied at once locally (the same pure edit), then in main. */
  planEdited(edit: ProjectEdit): Promise<boolean>;
  serversDroppedOnGroup(serverIds: string[], applicationId: string, groupId: string, index?: number): Promise<boolean>;
  serversDroppedOnCatalog(serverIds: string[]): Promise<boolean>;
  groupReordered(applicationId: string, groupId: string, toIndex: number): Promise<boolean>;
  groupAdded(applicationId: string, name: string): Promise<boolean>;
  groupRenamed(applicationId: string, groupId: string, name: string): Promise<boolean>;
  groupDeleted(applicationId: string, groupId: string): Promise<boolean>;
  applicationAdded(name: string): Promise<boolean>;
  applicationDeleted(applicationId: string): Promise<boolean>;
  applicationSettingsSaved(applicationId: string, patch: ApplicationPatch): Promise<boolean>;
  launchSettingsApplied(serverIds: string[], patch: LaunchSettingsPatch): Promise<boolean>;
  /** Gives each server the cheapest catalog type that fits its vCPUs and memory (one undoable edit). */
  serversSizedToFit(serverIds: string[]): Promise<boolean>;
  suggestionsAccepted(suggestions: GroupingSuggestion[]): Promise<boolean>;
  /** Creates a wave and returns its id (null when refused). */
  waveAdded(name: string): Promise<string | null>;
  knownNetworkSaved(network: KnownNetwork): Promise<boolean>;
  /** Opens where a problem is fixed: the server's launch settings at the field, or the project defaults. */
  problemOpened(issue: PlanIssue): void;
  problemFocused(): void;
}

export interface ProblemFocus {
  target: 'launch' | 'defaults' | 'application';
  field: string;
  /** Distinguishes two clicks on the same problem. */
  seq: number;
}

/** Fields of the project defaults form (Export screen). */
const DEFAULT_FIELDS = new Set(['awsAccountId', 'awsRegion', 'vpcId', 'subnetId', 'securityGroupIds', 'testSubnetId', 'testSecurityGroupIds']);
let focusSeq = 0;

export const createPlanningSlice: SliceCreator<PlanningSlice> = (set, get) => {
  return {
    instanceTypes: [],
    activeApplicationId: null,
    selectedServerIds: [],
    selectionAnchor: null,
    problemFocus: null,

    async instanceTypesRequested() {
      if (get().instanceTypes.length) return;
      try {
        set({ instanceTypes: await invoke('planning.instanceTypes', {}) });
      } catch (err) {
        get().noticeShown('error', `The EC2 catalog could not be loaded: ${(err as Error).message}`);
      }
    },

    validatorWarmUpRequested() {
      // Best effort: a failure here shows up, with its message, on the first export.
      void invoke('export.warmUp', {}).catch(() => undefined);
    },

    applicationSelected(applicationId) {
      set({ activeApplicationId: applicationId });
    },

    serverSelectionChanged(ids, anchor) {
      set({ selectedServerIds: ids, ...(anchor !== undefined ? { selectionAnchor: anchor } : {}) });
    },

    planEdited(edit) {
      // Optimistic: the UI shows the result at once; main applies the same pure edit and confirms.
      return get().editRequested(edit, { optimistic: true });
    },

    serversDroppedOnGroup(serverIds, applicationId, groupId, index) {
      return get().planEdited({ type: 'servers.move', serverIds, target: { applicationId, groupId, ...(index !== undefined ? { index } : {}) } });
    },
    serversDroppedOnCatalog(serverIds) {
      return get().planEdited({ type: 'servers.move', serverIds, target: null });
    },
    groupReordered(applicationId, groupId, toIndex) {
      return get().planEdited({ type: 'group.move', applicationId, groupId, toIndex });
    },
    groupAdded(applicationId, name) {
      return get().planEdited({ type: 'group.create', applicationId, groupId: newId('grp'), name });
    },
    groupRenamed(applicationId, groupId, name) {
      return get().planEdited({ type: 'group.rename', applicationId, groupId, name });
    },
    groupDeleted(applicationId, groupId) {
      return get().planEdited({ type: 'group.delete', applicationId, groupId });
    },
    async applicationAdded(name) {
      const applicationId = newId('app');
      const ok = await get().planEdited({ type: 'application.create', applicationId, name, groups: [{ id: newId('grp'), name: 'Group 1', serverIds: [] }] });
      if (ok) set({ activeApplicationId: applicationId });
      return ok;
    },
    async applicationDeleted(applicationId) {
      const ok = await get().planEdited({ type: 'application.delete', applicationId });
      if (ok && get().activeApplicationId === applicationId) set({ activeApplicationId: null });
      return ok;
    },
    applicationSettingsSaved(applicationId, patch) {
      return get().planEdited({ type: 'application.update', applicationId, patch });
    },
    async launchSettingsApplied(serverIds, patch) {
      const ok = await get().planEdited({ type: 'launchSettings.set', serverIds, patch });
      if (ok) get().noticeShown('success', `Launch settings applied to ${serverIds.length} server${serverIds.length === 1 ? '' : 's'}.`);
      return ok;
    },
    async serversSizedToFit(serverIds) {
      const doc = get().document;
      const catalog = get().instanceTypes;
      if (!doc || !catalog.length) return false;
      const placements = placementsByServer(doc.planning);
      const byId = new Map(doc.inventory.servers.map((x) => [x.id, x]));
      const entries: { serverId: string; patch: LaunchSettingsPatch }[] = [];
      let unsized = 0;
      for (const id of serverIds) {
        const server = byId.get(id);
        const app = doc.planning.applications.find((a) => a.id === placements.get(id)?.applicationId);
        // Priced in the Region the server will run in: the application's, else the project default.
        const region = app ? effectiveApplication(app, doc.planning.defaults).awsRegion : doc.planning.defaults?.awsRegion;
        const fit = server ? cheapestFit(server, catalog, region) : undefined;
        if (fit) entries.push({ serverId: id, patch: { instanceType: fit.type } });
        else unsized++;
      }
      if (!entries.length) {
        get().noticeShown('warning', 'No catalog type fits the selected servers (vCPU, memory and architecture).');
        return false;
      }
      const ok = await get().planEdited({ type: 'launchSettings.setEach', entries });
      if (ok) get().noticeShown(unsized ? 'warning' : 'success', `Sized ${entries.length} server${entries.length === 1 ? '' : 's'} to the cheapest fitting type${unsized ? `; ${unsized} had no fitting type` : ''}.`);
      return ok;
    },
    async suggestionsAccepted(suggestions) {
      let first: string | null = null;
      for (const s of suggestions) {
        const applicationId = newId('app');
        first ??= applicationId;
        const ok = await get().planEdited({ type: 'application.create', applicationId, name: s.name, groups: s.groups.map((g) => ({ id: newId('grp'), name: g.name, serverIds: g.serverIds })) });
        if (!ok) return false;
      }
      if (first) set({ activeApplicationId: first });
      get().noticeShown('success', `Created ${suggestions.length} application${suggestions.length === 1 ? '' : 's'} (Undo removes them one by one).`);
      return true;
    },

    async waveAdded(name) {
      const waveId = newId('wave');
      return (await get().planEdited({ type: 'wave.create', waveId, name })) ? waveId : null;
    },
    knownNetworkSaved(network) {
      return get().planEdited({ type: 'network.set', network });
    },

    problemOpened(issue) {
      const field = issue.field ?? 'application';
      const seq = ++focusSeq;
      if (issue.fromDefaults && DEFAULT_FIELDS.has(field)) {
        set({ problemFocus: { target: 'defaults', field, seq } });
        get().areaSelected('export');
        return;
      }
      set({ activeApplicationId: issue.applicationId });
      if (issue.serverId) {
        set({ selectedServerIds: [issue.serverId], selectionAnchor: issue.serverId, problemFocus: { target: 'launch', field, seq } });
      } else {
        set({ selectedServerIds: [], selectionAnchor: null, problemFocus: { target: 'application', field, seq } });
      }
      get().areaSelected('applications');
    },
    problemFocused() {
      set({ problemFocus: null });
    },
  };
};
