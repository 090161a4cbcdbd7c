// The renderer's planning actions against a hand-written fake of the workbench bridge
// (window.workbench), which answers like main does: edits are applied with the same pure function.
import { beforeEach, describe, expect, it } from 'vitest';
import { applyEdit, type ProjectEdit } from '../../../../../main/common/model/edits';
import type { ProjectDocument } from '../../../../../main/common/model/project';
import { WorkbenchError, serializeError } from '../../../../../main/common/model/errors';
import { docWithServers } from '../../../../helpers/plan-fixtures';

let mainDoc: ProjectDocument;
let revision = 0;
let editsSeen = 0;
let resolveEdit: (() => void) | null = null;

function meta() {
  return { path: null, name: 'T', fileName: 'T', dirty: true, revision, canUndo: true, canRedo: false, isDemo: false, lastSavedAt: null, autosavedAt: null, migratedFrom: null };
}

const fakeBridge = {
  shell: 'browser' as const,
  async invoke(channel: string, args: { edit?: ProjectEdit }) {
    if (channel === 'project.document') return { ok: true, value: { meta: meta(), document: mainDoc } };
    if (channel === 'project.edit') {
      editsSeen++;
      await new Promise<void>((r) => (resolveEdit = r));
      try {
        mainDoc = applyEdit(mainDoc, args.edit!);
        revision++;
        return { ok: true, value: meta() };
      } catch (err) {
        return { ok: false, error: serializeError(err) };
      }
    }
    return { ok: false, error: serializeError(new WorkbenchError('not-found', channel)) };
  },
  on: () => () => undefined,
  pathForFile: async () => '',
};
(globalThis as unknown as { window: unknown }).window = { workbench: fakeBridge };

const { useWorkbench } = await import('../../../../../renderer/store');

beforeEach(() => {
  mainDoc = applyEdit(docWithServers(600), { type: 'application.create', applicationId: 'a', name: 'A', groups: [{ id: 'g', name: 'G', serverIds: [] }] });
  useWorkbench.setState({ document: mainDoc, notices: [] });
});

describe('planning slice', () => {
  it('shows a drop of hundreds of servers at once, before main has answered', async () => {
    const ids = mainDoc.inventory.servers.slice(0, 500).map((s) => s.id);
    const done = useWorkbench.getState().serversDroppedOnGroup(ids, 'a', 'g');
    expect(useWorkbench.getState().document!.planning.applications[0]!.groups[0]!.serverIds).toHaveLength(500);
    expect(editsSeen).toBeGreaterThan(0);
    resolveEdit!();
    expect(await done).toBe(true);
    expect(mainDoc.planning.applications[0]!.groups[0]!.serverIds).toEqual(ids);
  });

  it('an edit main refuses is not shown: the document is reloaded from main', async () => {
    // Main's document lost the group meanwhile (say another window deleted it): main refuses the move.
    const local = useWorkbench.getState().document!;
    mainDoc = applyEdit(mainDoc, { type: 'group.delete', applicationId: 'a', groupId: 'g' });
    const done = useWorkbench.getState().serversDroppedOnGroup(['s1'], 'a', 'g');
    expect(useWorkbench.getState().document).not.toBe(local);
    resolveEdit!();
    expect(await done).toBe(false);
    expect(useWorkbench.getState().document).toBe(mainDoc);
    expect(useWorkbench.getState().notices.at(-1)).toMatchObject({ level: 'error' });
  });

  it('an edit that cannot apply locally never reaches main', async () => {
    const before = editsSeen;
    expect(await useWorkbench.getState().serversDroppedOnGroup(['nope'], 'a', 'g')).toBe(false);
    expect(editsSeen).toBe(before);
    expect(useWorkbench.getState().notices.at(-1)?.message).toMatch(/not in the inventory/);
  });
});
