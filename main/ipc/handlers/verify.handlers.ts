import type { verifyChannels } from '../../common/ipc/channels/verify.channels';
import type { Services } from '../../services/container';
import type { HandlersFor } from './types';

export function verifyHandlers({ verification }: Services): HandlersFor<typeof verifyChannels> {
  return {
    'verify.files': ({ paths, sidecars, trust, taskId, record }) =>
      verification.verify({ paths, ...(sidecars ? { sidecars } : {}), ...(trust ? { trust } : {}), ...(taskId ? { taskId } : {}), ...(record === false ? { record } : {}) }),
    'verify.trust.bundled': () => verification.bundledRootList(),
    'verify.trust.edit': ({ edit }) => verification.editTrust(edit),
    'verify.saveReport': ({ path, format, reports }) => verification.saveReport(path, format, reports),
  };
}
