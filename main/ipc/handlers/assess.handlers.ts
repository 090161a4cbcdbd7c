import type { assessChannels } from '../../common/ipc/channels/assess.channels';
import type { Services } from '../../services/container';
import type { HandlersFor } from './types';

export function assessHandlers({ assessment }: Services): HandlersFor<typeof assessChannels> {
  return {
    'assess.reference': () => {
      const ref = assessment.reference();
      return { catalog: [...ref.catalog], osSupport: ref.osSupport, ebsPrices: ref.ebsPrices };
    },
    'assess.saveReport': ({ path, assumptions }) => assessment.saveReport(path, assumptions),
  };
}
