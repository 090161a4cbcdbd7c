import type { VerifierKind } from '../common/verify/report';
import type { Verifier } from './verifier';
import { powershellVerifier } from './powershell.verifier';
import { plainFileVerifier } from './plain-file.verifier';
import { peVerifier } from './pe.verifier';
import { ovaVerifier } from './ova.verifier';
import { msiVerifier } from './msi.verifier';

/** Every verifier kind has exactly one implementation; a new kind without one does not compile. */
export const verifiers = {
  powershell: powershellVerifier,
  pe: peVerifier,
  msi: msiVerifier,
  ova: ovaVerifier,
  file: plainFileVerifier,
} satisfies Record<VerifierKind, Verifier>;

/** The first specific verifier that claims the file, else checksums only. */
export function verifierFor(fileName: string): Verifier {
  const specific = Object.values(verifiers).find((v) => v.kind !== 'file' && v.matches(fileName));
  return specific ?? verifiers.file;
}
