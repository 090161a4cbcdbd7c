import { readFile } from 'node:fs/promises';
import { MSI_SUBJECT, verifyAuthenticode } from './authenticode';
import { MsiFormatError, msiDigest, msiPrehash, readMsi, type MsiPackage } from './msi-package';
import { failed } from './outcome';
import type { Verifier } from './verifier';
import { VERIFIER_KINDS } from './kinds';

/** The compound file is read whole (cfb parses from memory); installers far beyond this are not Windows Installer packages. */
const MAX_MSI_BYTES = 2 ** 31 - 1;

/** Authenticode for Windows Installer packages (.msi, patches .msp, merge modules .msm). */
export const msiVerifier: Verifier = {
  kind: 'msi',
  label: VERIFIER_KINDS.msi.label,
  matches: VERIFIER_KINDS.msi.matches,
  async verify({ file, size, trust }) {
    if (size > MAX_MSI_BYTES) return failed('not-an-msi-file', `${size} bytes is larger than a Windows Installer package can be`);
    let pkg: MsiPackage;
    try {
      pkg = readMsi(await readFile(file));
    } catch (err) {
      if (err instanceof MsiFormatError) return failed('not-an-msi-file', err.message);
      throw err;
    }
    if (!pkg.signature) return failed('unsigned', 'the package has no \\x05DigitalSignature stream', ['signature: the package is not signed']);
    const outcome = await verifyAuthenticode({ der: pkg.signature, contentDigest: (alg) => msiDigest(pkg, alg), subjectType: MSI_SUBJECT, trust });
    if (pkg.signatureEx && outcome.digestAlgorithm) {
      // The stored pre-hash must describe the entries as they are now (names, sizes, times), as Windows checks it.
      const want = msiPrehash(pkg, outcome.digestAlgorithm);
      if (!want.equals(pkg.signatureEx)) {
        if (!outcome.reasons.includes('hash-mismatch')) outcome.reasons.unshift('hash-mismatch');
        outcome.details.push(`MsiDigitalSignatureEx is ${pkg.signatureEx.toString('hex')}; the entries' metadata hashes to ${want.toString('hex')}`);
      }
    }
    outcome.details.push(`Windows Installer package: ${pkg.streamCount} streams, MsiDigitalSignatureEx ${pkg.signatureEx ? 'present (metadata pre-hash included)' : 'absent'}`);
    return outcome;
  },
};
