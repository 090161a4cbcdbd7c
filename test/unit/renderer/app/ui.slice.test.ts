// Notices and the unsaved-changes question, against a small fake of the workbench bridge.
import { beforeEach, describe, expect, it } from 'vitest';

let dirty = false;
const calls: string[] = [];
const meta = () => ({ path: null, name: 'T', fileName: 'T', dirty, revision: 1, canUndo: false, canRedo: false, isDemo: false, lastSavedAt: null, autosavedAt: null, migratedFrom: null });
(globalThis as unknown as { window: unknown }).window = {
  workbench: {
    shell: 'browser' as const,
    async invoke(channel: string) {
      calls.push(channel);
      if (channel === 'project.new' || channel === 'project.openDemo') return { ok: true, value: meta() };
      if (channel === 'files.pick') return { ok: true, value: { supported: false, paths: [] } };
      return { ok: false, error: { code: 'not-found', message: channel } };
    },
    on: () => () => undefined,
    pathForFile: async () => '',
  },
};
const { useWorkbench } = await import('../../../../renderer/store');

beforeEach(() => {
  calls.length = 0;
  useWorkbench.setState({ notices: [], area: 'verify', dialog: null, meta: meta() });
});

describe('notices', () => {
  it('a newer notice on the same topic replaces the older one (the passed re-check removes the old error)', () => {
    const s = useWorkbench.getState();
    s.noticeShown('error', 'script.ps1 does not match its signature');
    s.noticeShown('success', '1 file(s) verified.');
    expect(useWorkbench.getState().notices.map((n) => n.message)).toEqual(['1 file(s) verified.']);
    s.noticeShown('error', 'Disk full', { topic: 'project', global: true });
    expect(useWorkbench.getState().notices).toHaveLength(2);
  });
  it('a screen’s notices stay on that screen; project notices follow the user', () => {
    const s = useWorkbench.getState();
    s.noticeShown('error', 'verification failed');
    s.noticeShown('success', 'Saved t.mwb.json.', { topic: 'project', global: true });
    s.areaSelected('inventory');
    expect(useWorkbench.getState().notices.map((n) => n.message)).toEqual(['Saved t.mwb.json.']);
  });
  it('shows at most three notices, newest last', () => {
    for (let i = 0; i < 5; i++) useWorkbench.getState().noticeShown('warning', `w${i}`, { topic: `t${i}` });
    expect(useWorkbench.getState().notices.map((n) => n.message)).toEqual(['w2', 'w3', 'w4']);
  });
});

describe('unsaved changes', () => {
  it('New asks first when the project has unsaved changes, then goes to the inventory', async () => {
    dirty = true;
    useWorkbench.setState({ meta: meta() });
    await useWorkbench.getState().newProjectRequested();
    expect(useWorkbench.getState().dialog).toEqual({ kind: 'unsaved', then: 'new' });
    expect(calls).not.toContain('project.new');
    await useWorkbench.getState().newProjectRequested(true);
    expect(calls).toContain('project.new');
    expect(useWorkbench.getState().area).toBe('inventory');
  });
  it('Demo and Open ask too; nothing is asked when everything is saved', async () => {
    dirty = true;
    useWorkbench.setState({ meta: meta() });
    await useWorkbench.getState().demoRequested();
    expect(useWorkbench.getState().dialog).toEqual({ kind: 'unsaved', then: 'demo' });
    await useWorkbench.getState().openDialogRequested();
    expect(useWorkbench.getState().dialog).toEqual({ kind: 'unsaved', then: 'open' });
    dirty = false;
    useWorkbench.setState({ meta: meta(), dialog: null });
    await useWorkbench.getState().openDialogRequested();
    expect(useWorkbench.getState().dialog).toEqual({ kind: 'open' });
  });
});
