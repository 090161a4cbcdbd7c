import { z } from 'zod';

/** A verification result kept in the project: what was checked, by whom it was signed, when. */
export const VerificationRecordSchema = z.object({
  id: z.string().min(1),
  file: z.string(),
  kind: z.string(),
  status: z.string(),
  reasons: z.array(z.string()).default([]),
  signer: z.string().optional(),
  sha256: z.string().optional(),
  verifiedAt: z.string(),
  // Added by the verify feature; optional so that older project files still load.
  name: z.string().optional(),
  ok: z.boolean().optional(),
  signerThumbprint: z.string().optional(),
  issuer: z.string().optional(),
  timestamp: z.string().optional(),
  md5: z.string().optional(),
  sidecars: z.array(z.object({ sidecar: z.string(), verdict: z.string() })).optional(),
  warnings: z.array(z.string()).optional(),
});
export type VerificationRecord = z.infer<typeof VerificationRecordSchema>;

/** Most records kept per project; the oldest go first. */
export const MAX_VERIFICATION_RECORDS = 1000;

/** A certificate the user trusts for this project (public data: kept as PEM so the project travels with it). */
export const TrustedCertificateSchema = z.object({
  pem: z.string().max(64 * 1024),
  subject: z.string(),
  thumbprintSha1: z.string(),
  notAfter: z.string(),
  addedAt: z.string(),
});
export type TrustedCertificate = z.infer<typeof TrustedCertificateSchema>;

export const TrustedCrlSchema = z.object({
  /** SHA-256 of the PEM text. */
  id: z.string(),
  pem: z.string().max(8 * 1024 * 1024),
  issuer: z.string(),
  nextUpdate: z.string().optional(),
  addedAt: z.string(),
});
export type TrustedCrl = z.infer<typeof TrustedCrlSchema>;

export const VerificationTrustSchema = z.object({
  roots: z.array(TrustedCertificateSchema).default([]),
  crls: z.array(TrustedCrlSchema).default([]),
  /** Pinned publisher thumbprints (upper-case hex); empty = any signer that chains to a root. */
  publishers: z.array(z.string()).default([]),
  /** SHA-256 thumbprints of bundled roots this project does not trust (added by the verify feature; older files have none). */
  distrusted: z.array(z.string()).default([]),
});
export type VerificationTrust = z.infer<typeof VerificationTrustSchema>;

export const EMPTY_TRUST: VerificationTrust = { roots: [], crls: [], publishers: [], distrusted: [] };

/** The project's verification section: results kept, and the trust they were judged against. */
export const VerificationStateSchema = z.object({
  records: z.array(VerificationRecordSchema).default([]),
  trust: VerificationTrustSchema.optional(),
});
