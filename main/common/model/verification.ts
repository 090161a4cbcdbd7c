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
