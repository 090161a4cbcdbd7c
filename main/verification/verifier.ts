import type { VerifierKind } from '../common/verify/report';
import type { AuthenticodeOutcome } from './authenticode';
import type { TrustStore } from './trust';

/** What a verifier gets: the file, its bytes when it asked for them, and the trust the user configured. */
export interface VerifierInput {
  file: string;
  /** The whole file (only read for verifiers whose `maxBytes` allows it). */
  bytes: Buffer;
  trust: TrustStore;
}

/** One kind of signed (or unsigned) file. Registered in registry.ts. */
export interface Verifier {
  readonly kind: VerifierKind;
  readonly label: string;
  /** Whether this verifier handles a file of this name. */
  matches(fileName: string): boolean;
  /** Files larger than this are refused (their signature format cannot be that large). */
  readonly maxBytes: number;
  verify(input: VerifierInput): Promise<AuthenticodeOutcome & { notSigned?: boolean }>;
}
