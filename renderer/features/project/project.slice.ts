import type { ProjectDocument } from '../../../main/common/model/project';
import { ProjectEditSchema, type ProjectEdit } from '../../../main/common/model/edits';
import type { ProjectMeta, RecentFile } from '../../../main/common/ipc/channels/project.channels';
import type { ProjectChanged } from '../../../main/common/ipc/events';
import { DocumentSync } from './document-sync';
import type { AppInfo } from '../../../main/common/ipc/channels/app.channels';
import { ClientError, invoke, onEvent } from '../../ipc/client';
import type { ChannelResult } from '../../../main/common/ipc/contract';
import type { SliceCreator } from '../../store/types';

export interface ProjectSlice {
  appInfo: AppInfo | null;
  connection: 'connecting' | 'ready' | 'failed';
  connectionError: string | null;
  meta: ProjectMeta | null;
  document: ProjectDocument | null;
  recent: RecentFile[];
  recoveries: ChannelResult<'project.recoveries'>;
  busy: string | null;
  appStarted(): Promise<void>;
  /** A change event from main: replays the edit it carries when it can, else reloads the document. */
  projectChanged(changed: ProjectChanged): Promise<void>;
  /** New, Demo and Open ask first when the project has unsaved changes (`discard` answers that question). */
  newProjectRequested(discard?: boolean): Promise<void>;
  demoRequested(discard?: boolean): Promise<void>;
  openRequested(path: string): Promise<boolean>;
  saveRequested(force?: boolean): Promise<boolean>;
  saveAsRequested(path: string, force?: boolean): Promise<boolean>;
  /**
   * Sends an edit to main. `optimistic` shows it at once (the same pure edit applied locally), and
   * reloads main's document if main refuses it.
   */
  editRequested(edit: ProjectEdit, opts?: { optimistic?: boolean }): Promise<boolean>;
  undoRequested(): Promise<void>;
  redoRequested(): Promise<void>;
  recentRequested(): Promise<void>;
  recoveryRequested(id: string): Promise<boolean>;
  /** File → Open: the native dialog where the shell has one, else the in-app dialog. */
  openDialogRequested(discard?: boolean): Promise<void>;
  saveAsDialogRequested(): Promise<void>;
}

/** Project file notices (open, save, recover) replace each other and follow the user across screens. */
const PROJECT_NOTICE = { topic: 'project', global: true };

export const createProjectSlice: SliceCreator<ProjectSlice> = (set, get) => {
  /** Runs an action, turning typed errors into notices (or the conflict dialog). */
  async function attempt<T>(label: string, work: () => Promise<T>): Promise<T | undefined> {
    set({ busy: label });
    try {
      return await work();
    } catch (err) {
      if (err instanceof ClientError && err.code === 'file-changed-on-disk') {
        const details = err.details as { path?: string } | undefined;
        get().dialogOpened({ kind: 'conflict', path: details?.path ?? get().meta?.path ?? '', message: err.message });
      } else {
        get().noticeShown('error', err instanceof Error ? err.message : String(err), PROJECT_NOTICE);
      }
      return undefined;
    } finally {
      set({ busy: null });
    }
  }

  const sync = new DocumentSync();
  let editCounter = 0;
  let loads = 0;
  /** The newest revision main has announced, and the whole-document load under way, if any. */
  let newestAnnounced = -1;
  let loading: Promise<void> | null = null;

  async function loadDocument(): Promise<void> {
    const ticket = ++loads;
    const run = (async () => {
      const { meta, document } = await invoke('project.document', {});
      // A newer load, or newer replayed edits, win over an older answer.
      if (ticket !== loads || !sync.loaded(meta, document)) return;
      set({ meta, document });
    })();
    loading = run;
    try {
      await run;
    } finally {
      if (loading === run) loading = null;
    }
    // Changes announced while the first document was on its way were not applied to anything: fetch again.
    if (ticket === loads && newestAnnounced > (get().meta?.revision ?? -1)) await loadDocument();
  }

  return {
    appInfo: null,
    connection: 'connecting',
    connectionError: null,
    meta: null,
    document: null,
    recent: [],
    recoveries: [],
    busy: null,

    async appStarted() {
      try {
        const appInfo = await invoke('app.info', {});
        set({ appInfo });
        onEvent('project.changed', (meta) => void get().projectChanged(meta));
        onEvent('app.notice', (n) => get().noticeShown(n.level, n.message, { topic: `main:${n.message}`, global: true }));
        get().dashboardEventsSubscribed();
        await loadDocument();
        set({ connection: 'ready' });
        await get().recentRequested();
      } catch (err) {
        set({ connection: 'failed', connectionError: err instanceof Error ? err.message : String(err) });
      }
    },

    async projectChanged(changed) {
      newestAnnounced = Math.max(newestAnnounced, changed.revision);
      if (!get().document) {
        // The first document is still on its way (the event stream says hello before it arrives).
        if (!loading) await loadDocument();
        return;
      }
      const outcome = sync.received(changed, get().meta);
      if (outcome.kind === 'reload') await loadDocument();
      else if (outcome.kind === 'meta') set({ meta: outcome.meta });
      else if (outcome.kind === 'apply') set({ meta: outcome.meta, document: outcome.document });
    },


    async newProjectRequested(discard) {
      if (!discard && get().meta?.dirty) return get().dialogOpened({ kind: 'unsaved', then: 'new' });
      // A new project starts where its work starts: the inventory, empty.
      if (await attempt('Creating project', () => invoke('project.new', {}))) get().areaSelected('inventory');
    },
    async demoRequested(discard) {
      if (!discard && get().meta?.dirty) return get().dialogOpened({ kind: 'unsaved', then: 'demo' });
      await attempt('Opening demo estate', () => invoke('project.openDemo', {}));
    },
    async openRequested(path) {
      const ok = await attempt('Opening project', () => invoke('project.open', { path }));
      if (ok) {
        get().noticeShown(ok.migratedFrom ? 'warning' : 'success', ok.migratedFrom ? `Opened ${ok.fileName} (upgraded from file version ${ok.migratedFrom}; save to keep the upgrade).` : `Opened ${ok.fileName}.`, PROJECT_NOTICE);
        await get().recentRequested();
      }
      return ok !== undefined;
    },
    async saveRequested(force) {
      if (!get().meta?.path) {
        await get().saveAsDialogRequested();
        return false;
      }
      const ok = await attempt('Saving', () => invoke('project.save', force ? { force } : {}));
      if (ok) get().noticeShown('success', `Saved ${ok.fileName}.`, PROJECT_NOTICE);
      return ok !== undefined;
    },
    async saveAsRequested(path, force) {
      const ok = await attempt('Saving', () => invoke('project.saveAs', force ? { path, force } : { path }));
      if (ok) {
        get().noticeShown('success', `Saved ${ok.fileName}.`, PROJECT_NOTICE);
        await get().recentRequested();
      }
      return ok !== undefined;
    },
    async editRequested(edit, opts) {
      const editId = `e${++editCounter}`;
      if (opts?.optimistic) {
        const doc = get().document;
        // Parsed as main will parse it (trimmed names, defaults), so that both sides apply the same edit.
        const parsed = ProjectEditSchema.safeParse(edit);
        if (!parsed.success) {
          get().noticeShown('error', `This change is not valid: ${parsed.error.issues[0]?.message ?? 'invalid edit'}.`);
          return false;
        }
        edit = parsed.data;
        if (doc) {
          try {
            set({ document: sync.optimistic(doc, editId, edit) });
          } catch (err) {
            get().noticeShown('error', (err as Error).message);
            return false;
          }
        }
      }
      const ok = (await attempt('Editing', () => invoke('project.edit', { edit, editId }))) !== undefined;
      if (!ok && opts?.optimistic) {
        sync.refused(editId);
        await loadDocument().catch(() => undefined);
      }
      return ok;
    },
    async undoRequested() {
      await attempt('Undo', () => invoke('project.undo', {}));
    },
    async redoRequested() {
      await attempt('Redo', () => invoke('project.redo', {}));
    },
    async openDialogRequested(discard) {
      if (!discard && get().meta?.dirty) return get().dialogOpened({ kind: 'unsaved', then: 'open' });
      const picked = await invoke('files.pick', { mode: 'open', title: 'Open project', suffixes: ['.mwb.json', '.json'] }).catch(() => ({ supported: false, paths: [] as string[] }));
      if (!picked.supported) return get().dialogOpened({ kind: 'open' });
      if (picked.paths[0]) await get().openRequested(picked.paths[0]);
    },
    async saveAsDialogRequested() {
      const picked = await invoke('files.pick', { mode: 'save', title: 'Save project as', suffixes: ['.mwb.json'] }).catch(() => ({ supported: false, paths: [] as string[] }));
      if (!picked.supported) return get().dialogOpened({ kind: 'save-as' });
      if (picked.paths[0]) await get().saveAsRequested(picked.paths[0], true);
    },
    async recentRequested() {
      const [recent, recoveries] = await Promise.all([invoke('project.recent', {}).catch(() => []), invoke('project.recoveries', {}).catch(() => [])]);
      set({ recent, recoveries });
    },
    async recoveryRequested(id) {
      const ok = await attempt('Recovering', () => invoke('project.openRecovery', { id }));
      if (ok) get().noticeShown('warning', `Recovered unsaved work of "${ok.name}". Save it to keep it.`, PROJECT_NOTICE);
      return ok !== undefined;
    },
  };
};
