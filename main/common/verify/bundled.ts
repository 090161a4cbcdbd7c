import { z } from 'zod';

/** Purposes Microsoft's Trusted Root Program enables a root for that matter to Authenticode. */
export const ROOT_PURPOSES = ['codeSigning', 'timeStamping'] as const;
export const ROOT_PURPOSE_LABEL: Record<(typeof ROOT_PURPOSES)[number], string> = { codeSigning: 'code signing', timeStamping: 'time stamping' };

/** One line of assets/data/code-signing-roots/roots.json (its provenance is in PROVENANCE.md next to it). */
export const BundledRootEntrySchema = z
  .object({
    file: z.string().regex(/^[a-z0-9-]+\.pem$/),
    name: z.string().min(1),
    sha256: z.string().regex(/^[0-9A-F]{64}$/),
    purposes: z.array(z.enum(ROOT_PURPOSES)).min(1),
    /** Where the certificate bytes were taken from (see PROVENANCE.md). */
    bytesFrom: z.string().min(1),
  })
  .strict();
export const BundledRootsManifestSchema = z.object({ listedBy: z.string().min(1), listDate: z.string().min(1), roots: z.array(BundledRootEntrySchema).min(1) }).strict();
export type BundledRootsManifest = z.infer<typeof BundledRootsManifestSchema>;

/** A bundled root as the Verify screen lists it. */
export const BundledRootInfoSchema = z.object({
  name: z.string(),
  subject: z.string(),
  thumbprintSha1: z.string(),
  thumbprintSha256: z.string(),
  notAfter: z.string(),
  purposes: z.array(z.enum(ROOT_PURPOSES)),
});
export type BundledRootInfo = z.infer<typeof BundledRootInfoSchema>;
