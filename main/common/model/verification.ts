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
});
export type VerificationRecord = z.infer<typeof VerificationRecordSchema>;
