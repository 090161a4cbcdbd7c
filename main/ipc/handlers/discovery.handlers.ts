import type { discoveryChannels } from '../../common/ipc/channels/discovery.channels';
import type { Services } from '../../services/container';
import type { HandlersFor } from './types';

export function discoveryHandlers({ discovery }: Services): HandlersFor<typeof discoveryChannels> {
  return {
    'discovery.sources': () => discovery.sources(),
    'discovery.vcenter': (a) => discovery.vcenter(a),
    'discovery.libvirt': (a) => discovery.libvirt(a),
    'discovery.ssh': (a) => discovery.ssh(a),
    'discovery.connections': () => discovery.savedConnections(),
    'discovery.forgetSecret': async (a) => {
      await discovery.forgetSecret(a.sourceId);
      return {};
    },
    'discovery.hyperv': (a) => discovery.hyperv(a),
    'discovery.virtualbox': (a) => discovery.virtualbox(a),
    'discovery.vmwareWorkstation': (a) => discovery.vmwareWorkstation(a),
    'discovery.azure': (a) => discovery.azure(a),
  };
}
