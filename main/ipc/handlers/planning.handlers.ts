import type { planningChannels } from '../../common/ipc/channels/planning.channels';
import type { Services } from '../../services/container';
import type { HandlersFor } from './types';

export function planningHandlers(_services: Services): HandlersFor<typeof planningChannels> {
  return {};
}
