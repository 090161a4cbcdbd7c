import type { ReplicationJobEvent, ReplicationProgressEvent } from '../../../main/common/ipc/events';
import type { MgnStatus } from '../../../main/common/model/mgn';
import { ThroughputRing } from '../../../main/common/dashboard/summary';
import { runNotice } from '../../../main/common/dashboard/run-notice';
import { invoke, onEvent, pathForFile, shellKind, type ClientError } from '../../ipc/client';
import type { DroppedFile } from '../../../main/common/ipc/contract';
import type { SliceCreator } from '../../store/types';
import { browserNotificationApi, createWebNotifier, type WebNotifier } from './web-notifier';

/** A workbench replication job as its newest `replication.job` event left it. */
export type LiveJob = Omit<ReplicationJobEvent, 'at'> & { at: string };
/** One disk of a running job as its newest `replication.progress` event left it. */
export type LiveDisk = ReplicationProgressEvent;

/** Samples of the throughput chart kept (one a second at most): five minutes. */
export const THROUGHPUT_SAMPLES = 300;

export interface DashboardSlice {
  /** By job id: the jobs of this session (live; the project keeps the finished runs). */
  liveJobs: Record<string, LiveJob>;
  /** By `jobId disk`. */
  liveDisks: Record<string, LiveDisk>;
  /** Total logical bytes per second of the running disks over time, oldest first (bounded ring). */
  throughput: { t: number; bytesPerSecond: number }[];
  mgnStatus: MgnStatus | null;
  mgnBusy: boolean;
  mgnError: string | null;
  /** Desktop notifications in the browser shell: the Notification API's permission ('app' in Electron: main shows them). */
  desktopNotifications: 'app' | 'unsupported' | 'default' | 'granted' | 'denied';
  dashboardEventsSubscribed(): void;
  replicationProgressReceived(p: ReplicationProgressEvent): void;
  replicationJobReceived(e: ReplicationJobEvent): void;
  /** Saved MGN / SMS responses picked or dropped in the page (uploaded first in the browser shell). */
  mgnFilesChosen(files: DroppedFile[]): Promise<void>;
  /** Saved responses by path on the workbench machine. */
  mgnPathsRequested(paths: string[]): Promise<void>;
  mgnAwsRequested(o: { region: string; profile?: string }): Promise<void>;
  desktopNotificationsRequested(): Promise<void>;
}

const ACTIVE: ReadonlySet<LiveJob['state']> = new Set(['queued', 'running', 'paused']);

export const createDashboardSlice: SliceCreator<DashboardSlice> = (set, get) => {
  const ring = new ThroughputRing(THROUGHPUT_SAMPLES);
  let subscribed = false;
  let web: WebNotifier | null = null;
  const notifier = () =>
    (web ??= createWebNotifier(browserNotificationApi(), (n) => get().noticeShown(n.level, `${n.title}: ${n.body}`, { global: true, topic: 'replication-run' })));

  /** The sum of the latest rates of disks whose job is still running, sampled now. */
  const sample = (t: number) => {
    const { liveDisks, liveJobs } = get();
    let total = 0;
    for (const d of Object.values(liveDisks)) {
      const job = liveJobs[d.jobId];
      if (d.stage === 'done' || (job && !ACTIVE.has(job.state))) continue;
      total += d.rate;
    }
    ring.push(t, total);
    set({ throughput: ring.toArray() });
  };
  const when = (iso: string) => {
    const t = Date.parse(iso);
    return Number.isFinite(t) ? t : Date.now();
  };

  return {
    liveJobs: {},
    liveDisks: {},
    throughput: [],
    mgnStatus: null,
    mgnBusy: false,
    mgnError: null,
    desktopNotifications: 'unsupported',

    dashboardEventsSubscribed() {
      if (subscribed) return;
      subscribed = true;
      onEvent('replication.progress', (p) => get().replicationProgressReceived(p));
      onEvent('replication.job', (e) => get().replicationJobReceived(e));
      set({ desktopNotifications: shellKind() === 'electron' ? 'app' : notifier().state() });
      // An MGN status read earlier in this session (another window, the browser reloaded) shows again.
      void invoke('mgn.latest', {}).then((st) => st && !get().mgnStatus && set({ mgnStatus: st }), () => undefined);
    },

    replicationProgressReceived(p) {
      set((s) => ({
        liveDisks: { ...s.liveDisks, [`${p.jobId} ${p.disk}`]: p },
        liveJobs: s.liveJobs[p.jobId] ? s.liveJobs : { ...s.liveJobs, [p.jobId]: { jobId: p.jobId, serverId: p.serverId, state: 'running', at: p.at } },
      }));
      sample(when(p.at));
    },

    replicationJobReceived(e) {
      set((s) => ({ liveJobs: { ...s.liveJobs, [e.jobId]: { ...e } } }));
      if (!ACTIVE.has(e.state)) sample(when(e.at));
      const name = get().document?.inventory.servers.find((x) => x.id === e.serverId)?.name ?? e.serverId;
      const n = runNotice(e, name);
      if (!n) return;
      if (get().desktopNotifications === 'app') get().noticeShown(n.level, `${n.title}: ${n.body}`, { global: true, topic: 'replication-run' });
      else void notifier().notify(n).then(() => set({ desktopNotifications: notifier().state() }));
    },

    async mgnFilesChosen(files) {
      set({ mgnBusy: true, mgnError: null });
      try {
        const paths: string[] = [];
        for (const f of files) paths.push(await pathForFile(f));
        await get().mgnPathsRequested(paths);
      } catch (err) {
        set({ mgnBusy: false, mgnError: (err as Error).message });
      }
    },

    async mgnPathsRequested(paths) {
      set({ mgnBusy: true, mgnError: null });
      try {
        const st = await invoke('mgn.readFiles', { paths });
        set({ mgnStatus: st });
        get().noticeShown('success', `MGN: ${st.servers.length} source servers read, ${st.matched} matched to the inventory.`);
      } catch (err) {
        set({ mgnError: (err as ClientError).message });
      } finally {
        set({ mgnBusy: false });
      }
    },

    async mgnAwsRequested({ region, profile }) {
      set({ mgnBusy: true, mgnError: null });
      try {
        const st = await invoke('mgn.readAws', { region, ...(profile ? { profile } : {}) });
        set({ mgnStatus: st });
        get().noticeShown('success', `MGN in ${region}: ${st.servers.length} source servers, ${st.matched} matched to the inventory.`);
      } catch (err) {
        set({ mgnError: (err as ClientError).message });
      } finally {
        set({ mgnBusy: false });
      }
    },

    async desktopNotificationsRequested() {
      if (get().desktopNotifications === 'app') return;
      set({ desktopNotifications: await notifier().requestPermission() });
    },
  };
};
