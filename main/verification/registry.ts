import type { VerifierKind } from '../common/verify/report';
import type { Verifier } from './verifier';
import { VERIFIER_KINDS } from './kinds';
import { plainFileVerifier } from './plain-file.verifier';

/*
 * Every verifier kind has exactly one implementation; a new kind without one does not compile. The signature
 * verifiers (and pkijs, asn1js, cfb with them) load when a file of their kind is verified: checksums of any
 * other file start without them.
 */
const load = {
  powershell: () => import('./powershell.verifier').then((m) => m.powershellVerifier),
  pe: () => import('./pe.verifier').then((m) => m.peVerifier),
  msi: () => import('./msi.verifier').then((m) => m.msiVerifier),
  ova: () => import('./ova.verifier').then((m) => m.ovaVerifier),
  file: () => Promise.resolve(plainFileVerifier),
} satisfies Record<VerifierKind, () => Promise<Verifier>>;

function lazyVerifier(kind: VerifierKind): Verifier {
  return { kind, ...VERIFIER_KINDS[kind], verify: async (input) => (await load[kind]()).verify(input) };
}

/** The verifiers in the order they are asked; `file` (checksums only) takes whatever no other claims. */
export const verifiers: Record<VerifierKind, Verifier> = {
  powershell: lazyVerifier('powershell'),
  pe: lazyVerifier('pe'),
  msi: lazyVerifier('msi'),
  ova: lazyVerifier('ova'),
  file: plainFileVerifier,
};

/** The first specific verifier that claims the file, else checksums only. */
export function verifierFor(fileName: string): Verifier {
  const specific = Object.values(verifiers).find((v) => v.kind !== 'file' && v.matches(fileName));
  return specific ?? verifiers.file;
}
