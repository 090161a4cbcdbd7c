import type { ReplicationJobView } from '../../../main/common/ipc/channels/replication.channels';
import type { ChannelArgs, ChannelResult } from '../../../main/common/ipc/contract';
import { invoke, onEvent } from '../../ipc/client';
import type { SliceCreator } from '../../store/types';

export type ReplicationPrefsView = ChannelResult<'replication.prefs.get'>;
export type ReplicationPrefsPatch = ChannelArgs<'replication.prefs.set'>;
export type ImageInfo = ChannelResult<'replication.inspectImage'>;
export type JobAction = 'runNow' | 'pause' | 'resume' | 'cancel';

export interface ReplicationSlice {
  /** The open project's jobs by id, kept live by `replication.job` and `replication.progress` events. */
  replicationJobs: Record<string, ReplicationJobView>;
  replicationPrefs: ReplicationPrefsView | null;
  /** The last failed request of the screen (a refused start, a lost connection), shown with Retry. */
  replicationError: string | null;
  /** Loads the jobs and preferences and follows the push events (once per session). */
  replicationOpened(): Promise<void>;
  replicationStartRequested(kind: 'server' | 'application', id: string): Promise<void>;
  replicationJobActionRequested(jobId: string, action: JobAction): Promise<void>;
  /** Maps a disk to an image file in the project; resolves to an error message, or null when saved. */
  replicationDiskMapped(serverId: string, disk: string, image: string): Promise<string | null>;
  replicationScheduleChanged(serverId: string, everyHours: number | null): Promise<void>;
  replicationPrefsSaved(patch: ReplicationPrefsPatch): Promise<string | null>;
  replicationImageInspected(path: string): Promise<ImageInfo | { error: string }>;
  /** The native file dialog where the shell has one; null = use the in-app browser. */
  replicationImagePicked(): Promise<string | null | undefined>;
}

export const DISK_IMAGE_SUFFIXES = ['.raw', '.img', '.vmdk', '.vhd', '.vhdx', '.qcow2', '.ova', '.bin'];

let following = false;
let refreshTimer: ReturnType<typeof setTimeout> | null = null;

const messageOf = (err: unknown) => (err instanceof Error ? err.message : 'The request failed.').slice(0, 400);

export const createReplicationSlice: SliceCreator<ReplicationSlice> = (set, get) => {
  const refresh = async () => {
    const jobs = await invoke('replication.jobs', {});
    set({ replicationJobs: Object.fromEntries(jobs.map((j) => [j.id, j])) });
  };
  const keep = (job: ReplicationJobView) => set((s) => ({ replicationJobs: { ...s.replicationJobs, [job.id]: job } }));
  return {
    replicationJobs: {},
    replicationPrefs: null,
    replicationError: null,

    async replicationOpened() {
      if (!following) {
        following = true;
        onEvent('replication.job', () => {
          // States change a few times per run: one list request after a burst of them.
          if (refreshTimer) return;
          refreshTimer = setTimeout(() => {
            refreshTimer = null;
            void refresh().catch(() => undefined);
          }, 100);
        });
        onEvent('replication.progress', (p) => {
          const job = get().replicationJobs[p.jobId];
          if (!job) return;
          const servers = job.servers.map((s) => {
            if (s.serverId !== p.serverId) return s;
            const disk = { disk: p.disk, stage: p.stage, bytesRead: p.bytesRead, bytesTotal: p.bytesTotal, blocksChanged: p.blocksChanged, bytesSent: p.bytesSent, rate: p.rate, etaSeconds: p.etaSeconds };
            const disks = s.disks.some((d) => d.disk === p.disk) ? s.disks.map((d) => (d.disk === p.disk ? disk : d)) : [...s.disks, disk];
            return { ...s, disks };
          });
          keep({ ...job, servers });
        });
      }
      try {
        const [prefs] = await Promise.all([invoke('replication.prefs.get', {}), refresh()]);
        set({ replicationPrefs: prefs, replicationError: null });
      } catch (err) {
        set({ replicationError: messageOf(err) });
      }
    },

    async replicationStartRequested(kind, id) {
      try {
        keep(await invoke('replication.start', { kind, id }));
        set({ replicationError: null });
      } catch (err) {
        set({ replicationError: messageOf(err) });
      }
    },

    async replicationJobActionRequested(jobId, action) {
      try {
        const channel = ({ runNow: 'replication.runNow', pause: 'replication.pause', resume: 'replication.resume', cancel: 'replication.cancel' } as const)[action];
        keep(await invoke(channel, { jobId }));
        set({ replicationError: null });
      } catch (err) {
        set({ replicationError: messageOf(err) });
      }
    },

    async replicationDiskMapped(serverId, disk, image) {
      try {
        await invoke('replication.configure', { serverId, disks: [{ disk, image }] });
        return null;
      } catch (err) {
        return messageOf(err);
      }
    },

    async replicationScheduleChanged(serverId, everyHours) {
      try {
        await invoke('replication.configure', { serverId, everyHours });
        set({ replicationError: null });
      } catch (err) {
        set({ replicationError: messageOf(err) });
      }
    },

    async replicationPrefsSaved(patch) {
      try {
        set({ replicationPrefs: await invoke('replication.prefs.set', patch) });
        return null;
      } catch (err) {
        return messageOf(err);
      }
    },

    async replicationImageInspected(path) {
      try {
        return await invoke('replication.inspectImage', { path });
      } catch (err) {
        return { error: messageOf(err) };
      }
    },

    async replicationImagePicked() {
      const picked = await invoke('files.pick', { mode: 'open', title: 'Choose the disk image', suffixes: DISK_IMAGE_SUFFIXES }).catch(() => ({ supported: false, paths: [] as string[] }));
      return picked.supported ? (picked.paths[0] ?? undefined) : null;
    },
  };
};
