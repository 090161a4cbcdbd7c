import type { ChannelResult } from '../../../main/common/ipc/contract';
import { ClientError, invoke, onEvent } from '../../ipc/client';
import type { SliceCreator } from '../../store/types';
import { sourceKind, type RunContext, type SourceValues, type TrustItem, type TrustPrompt } from './discovery-sources';

export type DiscoveryReport = ChannelResult<'discovery.vcenter'>;
export type SavedConnections = ChannelResult<'discovery.connections'>;

/** One run as the user asked for it (the form's values, secrets included, stay in this memory only until the dialog closes). */
export interface DiscoveryRun {
  kind: string;
  values: SourceValues;
  sourceId?: string;
  remember: boolean;
  removeGone: boolean;
  trust: TrustItem[];
}

export type DiscoverState =
  | { phase: 'idle' }
  | { phase: 'running'; taskId: string; done: number; total: number | null; message: string }
  | { phase: 'trust'; prompt: TrustPrompt }
  | { phase: 'done'; report: DiscoveryReport; undone: boolean }
  | { phase: 'failed'; code: string; message: string };

export interface DiscoverySlice {
  discoverDialogOpen: boolean;
  discoverState: DiscoverState;
  discoverRun: DiscoveryRun | null;
  discoverConnections: SavedConnections | null;
  discoverDialogToggled(open: boolean): void;
  discoverConnectionsRequested(): Promise<void>;
  discoverRequested(run: Omit<DiscoveryRun, 'trust'> & { trust?: TrustItem[] }): Promise<void>;
  /** "Trust and continue": runs again with what the prompt showed trusted. */
  discoverTrustAccepted(): Promise<void>;
  discoverCancelled(): Promise<void>;
  /** Undoes the whole discovery (one commit). */
  discoverUndoRequested(): Promise<void>;
  /** Back to the form (the values are kept). */
  discoverReset(): void;
  discoverSecretForgotten(sourceId: string): Promise<void>;
}

let counter = 0;

export const createDiscoverySlice: SliceCreator<DiscoverySlice> = (set, get) => ({
  discoverDialogOpen: false,
  discoverState: { phase: 'idle' },
  discoverRun: null,
  discoverConnections: null,

  discoverDialogToggled(open) {
    if (get().discoverState.phase === 'running') return set({ discoverDialogOpen: true });
    // Closing forgets the form (and any password typed in it).
    set({ discoverDialogOpen: open, discoverState: { phase: 'idle' }, discoverRun: null });
    if (open) void get().discoverConnectionsRequested();
  },
  async discoverConnectionsRequested() {
    try {
      set({ discoverConnections: await invoke('discovery.connections', {}) });
    } catch {
      set({ discoverConnections: { persistent: false, sources: [] } });
    }
  },
  async discoverRequested(req) {
    const def = sourceKind(req.kind);
    if (!def) return;
    const run: DiscoveryRun = { ...req, trust: req.trust ?? [] };
    const taskId = `discover-${Date.now()}-${++counter}`;
    set({ discoverRun: run, discoverState: { phase: 'running', taskId, done: 0, total: null, message: 'Connecting' } });
    const off = onEvent('task.progress', (p) => {
      const st = get().discoverState;
      if (p.taskId !== taskId || st.phase !== 'running' || p.state !== 'running') return;
      set({ discoverState: { ...st, done: p.done, total: p.total, message: p.message ?? st.message } });
    });
    const ctx: RunContext = { trust: run.trust, remember: run.remember, removeGone: run.removeGone, taskId, ...(run.sourceId ? { sourceId: run.sourceId } : {}) };
    try {
      // One place turns the source's form into its channel's arguments; zod checks them in main.
      const report = (await invoke(def.channel, def.toArgs(run.values, ctx) as never)) as DiscoveryReport;
      set({ discoverState: { phase: 'done', report, undone: false }, discoverRun: { ...run, ...(report.source.id ? { sourceId: report.source.id } : {}) } });
      get().noticeShown('success', `Discovered ${report.servers.toLocaleString('en-US')} server${report.servers === 1 ? '' : 's'} from ${report.source.name}: ${report.added} added, ${report.updated} updated, ${report.unchanged} unchanged.`);
      void get().discoverConnectionsRequested();
    } catch (err) {
      const e = err instanceof ClientError ? err : null;
      const prompt = e && def.trustPrompt ? def.trustPrompt(e.code, e.details, ctx) : null;
      if (prompt) set({ discoverState: { phase: 'trust', prompt } });
      else set({ discoverState: { phase: 'failed', code: e?.code ?? 'internal', message: err instanceof Error ? err.message : String(err) } });
    } finally {
      off();
    }
  },
  async discoverTrustAccepted() {
    const st = get().discoverState;
    const run = get().discoverRun;
    if (st.phase !== 'trust' || !run) return;
    await get().discoverRequested({ ...run, trust: [...run.trust, ...st.prompt.trust] });
  },
  async discoverCancelled() {
    const st = get().discoverState;
    if (st.phase === 'running') await invoke('tasks.cancel', { taskId: st.taskId }).catch(() => undefined);
  },
  async discoverUndoRequested() {
    const st = get().discoverState;
    if (st.phase !== 'done' || st.undone) return;
    await get().undoRequested();
    set({ discoverState: { ...st, undone: true } });
  },
  discoverReset() {
    set({ discoverState: { phase: 'idle' } });
  },
  async discoverSecretForgotten(sourceId) {
    await invoke('discovery.forgetSecret', { sourceId }).catch(() => undefined);
    await get().discoverConnectionsRequested();
  },
});
