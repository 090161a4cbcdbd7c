import type { inventoryChannels } from '../../common/ipc/channels/inventory.channels';
import type { Services } from '../../services/container';
import type { HandlersFor } from './types';

export function inventoryHandlers(_services: Services): HandlersFor<typeof inventoryChannels> {
  return {};
}
