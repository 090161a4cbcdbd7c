import { z } from 'zod';
import { channel } from '../define';
import { VerificationReportSchema } from '../../verify/report';
import { BundledRootInfoSchema } from '../../verify/bundled';

const path = z.string().min(1).max(4096);

/** Trust the user configured for a run: files with roots/CRLs, and pinned publisher thumbprints. */
export const VerifyTrustSchema = z
  .object({
    roots: z.array(path).max(50).default([]),
    crls: z.array(path).max(50).default([]),
    publishers: z.array(z.string().regex(/^[0-9A-Fa-f:\s]{40,100}$/, 'a certificate thumbprint in hex')).max(50).default([]),
  })
  .strict();
export type VerifyTrust = z.infer<typeof VerifyTrustSchema>;

const thumbprint = z.string().regex(/^[0-9A-Fa-f:\s]{40,100}$/, 'a certificate thumbprint in hex');

/** Changes to the project's trust settings (each one undoable). Files are read by main and kept as PEM. */
export const TrustEditSchema = z.discriminatedUnion('op', [
  z.object({ op: z.literal('addFile'), path, as: z.enum(['root', 'crl']) }).strict(),
  z.object({ op: z.literal('removeRoot'), thumbprintSha1: thumbprint }).strict(),
  z.object({ op: z.literal('removeCrl'), id: z.string().regex(/^[0-9a-f]{64}$/) }).strict(),
  z.object({ op: z.literal('pinPublisher'), thumbprint }).strict(),
  z.object({ op: z.literal('unpinPublisher'), thumbprint }).strict(),
  /** Stop trusting a bundled root in this project, or trust it again (SHA-256 thumbprint). */
  z.object({ op: z.literal('distrustBundled'), thumbprintSha256: z.string().regex(/^[0-9A-Fa-f]{64}$/) }).strict(),
  z.object({ op: z.literal('trustBundled'), thumbprintSha256: z.string().regex(/^[0-9A-Fa-f]{64}$/) }).strict(),
]);
export type TrustEdit = z.infer<typeof TrustEditSchema>;

export const VerifyFailureSchema = z.object({ file: z.string(), code: z.string(), message: z.string() });
export type VerifyFailure = z.infer<typeof VerifyFailureSchema>;

export const verifyChannels = {
  /**
   * Verifies files (hashes in one read, sidecars, Authenticode, OVA) as one cancellable task and records the results
   * in the project as one undoable change. Checksum files in `paths` are used as sidecars for the others; folders
   * stand for their files. Trust = the project's trust plus the optional extra files in `trust`.
   */
  'verify.files': channel(
    z
      .object({
        paths: z.array(path).min(1).max(200),
        sidecars: z.array(path).max(200).optional(),
        trust: VerifyTrustSchema.optional(),
        taskId: z.string().min(1).max(100).optional(),
        /** Keep the results in the project (default true); re-checks after a trust change pass false. */
        record: z.boolean().optional(),
      })
      .strict(),
    z.object({ reports: z.array(VerificationReportSchema), failures: z.array(VerifyFailureSchema) }),
  ),
  /** The roots shipped with the app (Microsoft Trusted Root Program roots for code signing and time stamping). */
  'verify.trust.bundled': channel(z.object({}).strict(), z.object({ roots: z.array(BundledRootInfoSchema) })),
  /** Edits the trust kept in the project (roots, CRLs, pinned publishers); answers with a summary of the change. */
  'verify.trust.edit': channel(z.object({ edit: TrustEditSchema }).strict(), z.object({ message: z.string() })),
  /** Writes a verification report (JSON or Markdown) for the given reports. */
  'verify.saveReport': channel(
    z.object({ path, format: z.enum(['json', 'markdown']), reports: z.array(VerificationReportSchema).min(1).max(500) }).strict(),
    z.object({ path: z.string(), bytes: z.number() }),
  ),
} as const;
