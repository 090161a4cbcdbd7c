import { stat } from 'node:fs/promises';
import path from 'node:path';
import { WorkbenchError } from '../common/model/errors';
import { statusForReason, type ReasonCode, type VerificationReport } from '../common/verify/report';
import { DEFAULT_VERIFY_HASHES, HASH_ALGORITHMS, type HashAlgorithm } from '../common/verify/hashes';
import { hashFile } from './parallel-hasher';
import { checkSidecars, findSidecars } from './sidecar.finder';
import { verifierFor } from './registry';
import type { TrustStore } from './trust';

export interface VerifyFileOptions {
  /** The trust store, or how to build it: it is built only for a file with a signature format (not for checksums only). */
  trust: TrustStore | (() => Promise<TrustStore>);
  /** Sidecars chosen by the user; when absent, the ones found next to the file. */
  sidecars?: string[];
  /** Digests to compute (default DEFAULT_VERIFY_HASHES); every algorithm a sidecar names is computed as well. */
  algorithms?: readonly HashAlgorithm[];
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
  now?: () => Date;
}

/** What the checksums-only verifier gets: it reads no certificate. */
const NO_TRUST: TrustStore = { anchors: [], crls: [], publishers: [] };

/** Hashes (one read), sidecars and the file kind's signature check, folded into one report. */
export async function verifyFile(file: string, opts: VerifyFileOptions): Promise<VerificationReport> {
  const started = Date.now();
  const abs = path.resolve(file);
  let st;
  try {
    st = await stat(abs);
  } catch {
    throw new WorkbenchError('not-found', `No file at ${abs}.`);
  }
  if (!st.isFile()) throw new WorkbenchError('invalid-input', `${abs} is not a file.`);
  const verifier = verifierFor(path.basename(abs));
  // Appliances are read twice (whole-file hashes for sidecars, then the archive pass): progress covers both.
  const passes = verifier.kind === 'ova' ? 2 : 1;
  const progress = opts.onProgress;
  const sidecarPaths = opts.sidecars ?? (await findSidecars(abs));
  // The sidecars are read first (small files) to learn which digests they name: only those and the asked ones are computed.
  const named = (await checkSidecars(abs, {}, sidecarPaths)).map((s) => s.algorithm);
  const wanted = new Set<HashAlgorithm | null>([...(opts.algorithms ?? DEFAULT_VERIFY_HASHES), ...named]);
  const algorithms = HASH_ALGORITHMS.filter((a) => wanted.has(a));
  const hashed = await hashFile(abs, { algorithms, ...(opts.signal ? { signal: opts.signal } : {}), ...(progress ? { onProgress: (d: number) => progress(Math.round(d / passes), st.size) } : {}) });
  const sidecars = await checkSidecars(abs, hashed.hashes, sidecarPaths);

  const trust = verifier.kind === 'file' ? NO_TRUST : typeof opts.trust === 'function' ? await opts.trust() : opts.trust;
  const outcome = await verifier.verify({
    file: abs,
    size: st.size,
    trust,
    ...(opts.signal ? { signal: opts.signal } : {}),
    ...(progress && passes > 1 ? { onProgress: (d: number) => progress(Math.round(st.size / 2 + d / 2), st.size) } : {}),
  });
  const reasons: ReasonCode[] = outcome.reasons.length > 0 ? [...outcome.reasons] : [outcome.warnings.includes('weak-digest-sha1') ? 'ok-weak-digest' : 'ok'];
  // An appliance without a .cert is intact per its manifest; that counts when a checksum file vouches for it.
  const unsignedButIntact = verifier.kind === 'ova' && reasons.length === 1 && reasons[0] === 'unsigned';
  const status = statusForReason(reasons[0]!);
  if (sidecars.some((s) => s.verdict === 'mismatch')) reasons.push('sidecar-mismatch');
  if (sidecars.some((s) => s.verdict === 'name-mismatch')) reasons.push('sidecar-name-mismatch');
  if (sidecars.some((s) => s.verdict === 'malformed')) reasons.push('sidecar-malformed');
  const sidecarsOk = sidecars.every((s) => s.verdict === 'match');
  const notChecked = [...outcome.notChecked];
  if (sidecars.length === 0) notChecked.push('checksums: no checksum file next to the file (.md5, .sha256, SHA256SUMS, *.mf)');
  let ok: boolean;
  if (verifier.kind === 'file') {
    ok = sidecars.length > 0 && sidecarsOk;
    if (sidecars.length === 0) reasons.push('nothing-to-compare');
  } else {
    ok = (status === 'Valid' || (unsignedButIntact && sidecars.length > 0)) && sidecarsOk;
  }
  return {
    file: abs,
    name: path.basename(abs),
    size: hashed.size,
    kind: verifier.kind,
    status,
    ok,
    reasons,
    warnings: outcome.warnings,
    notChecked,
    details: outcome.details,
    signer: outcome.signer,
    chain: outcome.chain,
    timestamp: outcome.timestamp,
    digestAlgorithm: outcome.digestAlgorithm,
    hashes: hashed.hashes,
    sidecars,
    verifiedAt: (opts.now?.() ?? new Date()).toISOString(),
    elapsedMs: Date.now() - started,
  };
}
