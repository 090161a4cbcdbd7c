import type { replicationChannels } from '../../common/ipc/channels/replication.channels';
import type { Services } from '../../services/container';
import { WorkbenchError } from '../../common/model/errors';
import { DiskImageError } from '../../services/disk-image.service';
import type { HandlersFor } from './types';

export function replicationHandlers({ replication, replicationJobs, diskImages }: Services): HandlersFor<typeof replicationChannels> {
  return {
    'replication.prefs.get': () => replicationJobs.prefs(),
    'replication.prefs.set': (a) => replicationJobs.setPrefs(a),
    'replication.configure': ({ serverId, ...change }) => replication.configure(serverId, change),
    'replication.jobs': () => replicationJobs.list(),
    'replication.start': (a) => replicationJobs.start(a),
    'replication.runNow': ({ jobId }) => replicationJobs.runNow(jobId),
    'replication.pause': ({ jobId }) => replicationJobs.pause(jobId),
    'replication.resume': ({ jobId }) => replicationJobs.resume(jobId),
    'replication.cancel': ({ jobId }) => replicationJobs.cancel(jobId),
    'replication.inspectImage': async ({ path }) => {
      try {
        const s = await diskImages.inspect({ path });
        return { chain: s.chain.map((l) => ({ path: l.path, format: l.format, ...(l.variant ? { variant: l.variant } : {}), size: l.size })), size: s.size, allocatedBytes: s.allocatedBytes };
      } catch (err) {
        if (err instanceof DiskImageError) throw new WorkbenchError(err.code === 'not-found' ? 'not-found' : 'invalid-input', err.message.slice(0, 300));
        throw err;
      }
    },
  };
}
