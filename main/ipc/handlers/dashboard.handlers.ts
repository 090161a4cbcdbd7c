import type { dashboardChannels } from '../../common/ipc/channels/dashboard.channels';
import type { Services } from '../../services/container';
import type { HandlersFor } from './types';

export function dashboardHandlers({ mgn }: Services): HandlersFor<typeof dashboardChannels> {
  return {
    'mgn.readFiles': ({ paths }) => mgn.fromFiles(paths),
    'mgn.readAws': ({ region, profile, endpointUrl }) => mgn.fromAws({ region, profile, endpointUrl }),
    'mgn.latest': () => mgn.latest(),
  };
}
