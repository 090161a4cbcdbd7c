import type { inventoryChannels } from '../../common/ipc/channels/inventory.channels';
import type { Services } from '../../services/container';
import type { HandlersFor } from './types';

export function inventoryHandlers({ inventory }: Services): HandlersFor<typeof inventoryChannels> {
  return {
    'inventory.import': ({ paths, kind, removeGone, taskId }) => inventory.import({ paths, ...(kind ? { kind } : {}), ...(removeGone ? { removeGone } : {}), ...(taskId ? { taskId } : {}) }),
    'inventory.catalog': () => inventory.catalog(),
    'inventory.server': ({ id }) => inventory.server(id),
    'inventory.export': ({ format, path, ids, overwrite }) => inventory.export(format, path, ids, overwrite ? { overwrite } : {}),
  };
}
