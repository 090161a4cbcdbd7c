// The Export screen's slice against a fake of the workbench bridge that answers like main: edits go through
// the same pure function, saves and sheet reads answer as the export service does.
import { beforeEach, describe, expect, it } from 'vitest';
import { applyEdit, type ProjectEdit } from '../../../../../main/common/model/edits';
import type { ProjectDocument } from '../../../../../main/common/model/project';
import { WorkbenchError, serializeError } from '../../../../../main/common/model/errors';
import { docWithServers } from '../../../../helpers/plan-fixtures';

let mainDoc: ProjectDocument;
let revision = 0;
const edits: ProjectEdit[] = [];

function meta() {
  return { path: null, name: 'T', fileName: 'T', dirty: true, revision, canUndo: true, canRedo: false, isDemo: false, lastSavedAt: null, autosavedAt: null, migratedFrom: null };
}
const preview = { applicationId: 'a', applicationName: 'A', templates: [], planIssues: [], reports: [], blockedBy: null, buildError: null };

const fakeBridge = {
  shell: 'browser' as const,
  async invoke(channel: string, args: { edit?: ProjectEdit; path?: string }) {
    if (channel === 'project.document') return { ok: true, value: { meta: meta(), document: mainDoc } };
    if (channel === 'project.edit') {
      try {
        mainDoc = applyEdit(mainDoc, args.edit!);
        edits.push(args.edit!);
        revision++;
        return { ok: true, value: meta() };
      } catch (err) {
        return { ok: false, error: serializeError(err) };
      }
    }
    if (channel === 'export.saveBundle') return { ok: true, value: { written: [args.path], preview } };
    if (channel === 'export.saveTemplate') return args.path?.includes('readonly') ? { ok: false, error: serializeError(new WorkbenchError('file-io', `Could not write ${args.path}: EACCES`)) } : { ok: true, value: { written: [args.path], preview } };
    if (channel === 'export.readLaunchSettings') {
      return { ok: true, value: { file: args.path, rows: 2, unchanged: 0, problems: [], changes: [{ serverId: 's1', serverName: 'S1', field: 'Instance type', before: '', after: 'm6i.large' }, { serverId: 's2', serverName: 'S2', field: 'Instance type', before: '', after: 'm6i.xlarge' }], entries: [{ serverId: 's1', patch: { instanceType: 'm6i.large' } }, { serverId: 's2', patch: { instanceType: 'm6i.xlarge' } }] } };
    }
    return { ok: false, error: serializeError(new WorkbenchError('not-found', channel)) };
  },
  on: () => () => undefined,
  pathForFile: async () => '',
};
(globalThis as unknown as { window: unknown }).window = { workbench: fakeBridge };

const { useWorkbench } = await import('../../../../../renderer/store');
const request = { applicationId: 'a', format: 'yaml' as const, waitStrategy: 'depends-on' as const };

beforeEach(() => {
  mainDoc = applyEdit(docWithServers(3), { type: 'application.create', applicationId: 'a', name: 'A', groups: [{ id: 'g', name: 'G', serverIds: ['s1', 's2'] }] });
  edits.length = 0;
  useWorkbench.setState({ document: mainDoc, notices: [], exportPathDrafts: {}, sheetImport: null });
});

describe('export slice', () => {
  it('typed paths are kept per application without touching the project; a successful save writes them into it', async () => {
    const st = useWorkbench.getState();
    st.exportPathsTyped('a', { bundlePath: '/work/out/bundle', bundleZip: false });
    st.exportPathsTyped('a', { bundleZip: true, bundlePath: '/work/out/bundle.zip' });
    expect(useWorkbench.getState().exportPathDrafts.a).toEqual({ bundlePath: '/work/out/bundle.zip', bundleZip: true });
    expect(edits).toHaveLength(0);
    expect(await st.bundleSaveRequested(request, '/work/out/bundle.zip', true)).toBe(true);
    await new Promise((r) => setTimeout(r, 0));
    expect(mainDoc.planning.applications[0]!.exportPaths).toEqual({ bundlePath: '/work/out/bundle.zip', bundleZip: true });
    // Saving to the same place again changes nothing in the project.
    await st.bundleSaveRequested(request, '/work/out/bundle.zip', true);
    await new Promise((r) => setTimeout(r, 0));
    expect(edits).toHaveLength(1);
  });

  it('a failed save keeps the project as it was and shows why', async () => {
    expect(await useWorkbench.getState().templateSaveRequested(request, '/readonly/x.yaml')).toBe(false);
    expect(useWorkbench.getState().exportError).toMatch(/Could not write \/readonly\/x\.yaml/);
    expect(mainDoc.planning.applications[0]!.exportPaths).toBeUndefined();
  });

  it('an edited sheet is shown first; applying it is one edit for every server', async () => {
    const st = useWorkbench.getState();
    expect(await st.launchSettingsSheetReadRequested('/work/launch.xlsx')).toBe(true);
    expect(useWorkbench.getState().sheetImport?.changes).toHaveLength(2);
    expect(edits).toHaveLength(0);
    expect(await useWorkbench.getState().launchSettingsSheetApplied()).toBe(true);
    expect(edits).toEqual([{ type: 'launchSettings.setEach', entries: [{ serverId: 's1', patch: { instanceType: 'm6i.large' } }, { serverId: 's2', patch: { instanceType: 'm6i.xlarge' } }] }]);
    expect(mainDoc.planning.launchSettings.s2?.instanceType).toBe('m6i.xlarge');
    expect(useWorkbench.getState().sheetImport).toBeNull();
  });

  it('project defaults are one edit; a problem from the defaults opens the Export screen at the field', async () => {
    expect(await useWorkbench.getState().projectDefaultsSaved({ awsAccountId: '111122223333' })).toBe(true);
    expect(mainDoc.planning.defaults).toEqual({ awsAccountId: '111122223333' });
    useWorkbench.getState().problemOpened({ severity: 'error', code: 'missing-region', message: '', fix: '', applicationId: 'a', field: 'awsRegion', fromDefaults: true });
    expect(useWorkbench.getState()).toMatchObject({ area: 'export', problemFocus: { target: 'defaults', field: 'awsRegion' } });
    useWorkbench.getState().problemOpened({ severity: 'error', code: 'missing-subnet', message: '', fix: '', applicationId: 'a', serverId: 's2', field: 'subnetId' });
    expect(useWorkbench.getState()).toMatchObject({ area: 'applications', activeApplicationId: 'a', selectedServerIds: ['s2'], problemFocus: { target: 'launch', field: 'subnetId' } });
  });
});
