import type { ReasonCode, WarningCode } from '../common/verify/report';
import type { CertSummary, TimestampInfo } from '../common/verify/report';

/** What every verifier returns; `verify-file.ts` folds it with hashes and sidecars into a report. */
export interface VerifierOutcome {
  /** Decisive first; empty = verified. */
  reasons: ReasonCode[];
  warnings: WarningCode[];
  notChecked: string[];
  details: string[];
  signer: CertSummary | null;
  chain: CertSummary[];
  timestamp: TimestampInfo | null;
  digestAlgorithm: string | null;
}

/** The one outcome builder the verifiers share: an empty outcome with the given fields filled in. */
export function outcome(init: Partial<VerifierOutcome> = {}): VerifierOutcome {
  return { reasons: [], warnings: [], notChecked: [], details: [], signer: null, chain: [], timestamp: null, digestAlgorithm: null, ...init };
}

/** An outcome decided by one reason before any signature was read (wrong format, unsigned, damaged block). */
export function failed(reason: ReasonCode, detail?: string, notChecked: string[] = []): VerifierOutcome {
  return outcome({ reasons: [reason], details: detail ? [detail] : [], notChecked });
}
