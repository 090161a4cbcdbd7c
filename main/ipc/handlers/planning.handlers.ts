import type { planningChannels } from '../../common/ipc/channels/planning.channels';
import type { Services } from '../../services/container';
import type { HandlersFor } from './types';

export function planningHandlers({ catalog, exporter, cfnValidator }: Services): HandlersFor<typeof planningChannels> {
  return {
    'planning.instanceTypes': () => catalog.list(),
    'export.warmUp': async () => {
      await cfnValidator.warmUp();
      return { validator: cfnValidator.version };
    },
    'export.preview': (request) => exporter.preview(request),
    'export.saveTemplate': ({ request, path }) => exporter.saveTemplate(request, path),
    'export.saveLaunchSettings': ({ path, format, applicationId }) => exporter.saveLaunchSettings(path, { format, ...(applicationId ? { applicationId } : {}) }),
    'export.readLaunchSettings': ({ path }) => exporter.readLaunchSettings(path),
    'export.saveBundle': ({ request, path, zip }) => exporter.saveBundle(request, path, { zip }),
  };
}
