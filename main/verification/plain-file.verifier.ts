import { failed } from './outcome';
import type { Verifier } from './verifier';
import { VERIFIER_KINDS } from './kinds';

/** Any other file: no signature format, so only its checksum files can vouch for it. */
export const plainFileVerifier: Verifier = {
  kind: 'file',
  label: VERIFIER_KINDS.file.label,
  matches: VERIFIER_KINDS.file.matches,
  verify() {
    return Promise.resolve(failed('no-signature-format', undefined, ['signature: this file type carries no signature the workbench checks']));
  },
};
