import type { VerifierKind } from '../common/verify/report';
import type { VerifierOutcome } from './outcome';
import type { TrustStore } from './trust';

/** What a verifier gets: the file (it reads what it needs) and the trust the user configured. */
export interface VerifierInput {
  file: string;
  size: number;
  trust: TrustStore;
  signal?: AbortSignal;
  /** Bytes of the verifier's own pass over the file (verifiers that stream the whole file report it). */
  onProgress?: (done: number) => void;
}

/** One kind of signed (or unsigned) file. Registered in registry.ts. */
export interface Verifier {
  readonly kind: VerifierKind;
  readonly label: string;
  /** Whether this verifier handles a file of this name. */
  matches(fileName: string): boolean;
  verify(input: VerifierInput): Promise<VerifierOutcome>;
}
