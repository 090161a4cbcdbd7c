import { failed } from './outcome';
import type { Verifier } from './verifier';

/** Any other file: no signature format, so only its checksum files can vouch for it. */
export const plainFileVerifier: Verifier = {
  kind: 'file',
  label: 'File (checksums only)',
  matches: () => true,
  verify() {
    return Promise.resolve(failed('no-signature-format', undefined, ['signature: this file type carries no signature the workbench checks']));
  },
};
