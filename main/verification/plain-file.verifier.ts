import type { Verifier } from './verifier';

/** Any other file: no signature format, so only its checksum files can vouch for it. */
export const plainFileVerifier: Verifier = {
  kind: 'file',
  label: 'File (checksums only)',
  matches: () => true,
  verify() {
    return Promise.resolve({ reasons: ['no-signature-format'], warnings: [], notChecked: ['signature: this file type carries no signature the workbench checks'], details: [], signer: null, chain: [], timestamp: null, digestAlgorithm: null });
  },
};
