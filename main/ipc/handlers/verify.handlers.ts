import type { verifyChannels } from '../../common/ipc/channels/verify.channels';
import type { Services } from '../../services/container';
import type { HandlersFor } from './types';

export function verifyHandlers(_services: Services): HandlersFor<typeof verifyChannels> {
  return {};
}
