import { z } from 'zod';
import { HASH_ALGORITHMS } from './hashes';

/** Named like Get-AuthenticodeSignature's Status so that Windows people read them the same way. */
export const SIGNATURE_STATUSES = ['Valid', 'NotSigned', 'HashMismatch', 'NotTrusted', 'UnknownError', 'NotSupportedFileFormat', 'Incompatible'] as const;
export const SignatureStatusSchema = z.enum(SIGNATURE_STATUSES);
export type SignatureStatus = z.infer<typeof SignatureStatusSchema>;

/** What kind of file a verifier understood it as (registry key of main/verification/registry.ts). */
export const VERIFIER_KINDS = ['powershell', 'pe', 'msi', 'ova', 'file'] as const;
export const VerifierKindSchema = z.enum(VERIFIER_KINDS);
export type VerifierKind = z.infer<typeof VerifierKindSchema>;

/**
 * Machine-readable reasons (first = the decisive one). The Authenticode ones follow the corpus manifest
 * (../shared/authenticode/make-corpus.sh); sidecar-* ones come from checksum files.
 */
export const REASON_TEXT = {
  ok: 'signature verified',
  'ok-weak-digest': 'signature verified, but with a SHA-1 digest',
  unsigned: 'no signature block',
  'hash-mismatch': 'the file was changed after it was signed',
  'malformed-signature-block': 'the signature block is damaged or not in the form Windows recognises',
  'bad-pkcs7': 'the signature data is not valid PKCS#7',
  'bad-signer-signature': "the signer's signature does not verify",
  'message-digest-mismatch': 'the signed attributes do not cover the signed content',
  'untrusted-root': 'the certificate chain ends in a root that is not trusted',
  'chain-incomplete': 'the certificate chain cannot be built offline (issuer missing)',
  'eku-not-codesigning': 'the signing certificate is not allowed for code signing',
  'cert-expired': 'a certificate in the chain was not valid at signing time',
  revoked: 'a certificate in the chain is revoked',
  'weak-digest-md5': 'signed with MD5, which is refused',
  'trailing-data-after-signature': 'data follows the signature block and is not covered by it',
  'publisher-not-pinned': 'the signer is not one of the pinned publishers',
  'unsupported-algorithm': 'the signature uses an algorithm the workbench cannot check',
  'wrong-subject-type': 'the signature was made for another kind of file',
  'sidecar-mismatch': 'a checksum file does not match',
  'sidecar-name-mismatch': 'a checksum file names a different file',
  'sidecar-malformed': 'a checksum file is empty or unreadable',
  'no-signature-format': 'this file type carries no signature the workbench checks',
  'not-a-pe-file': 'the file is named like a Windows executable but is not one',
  'not-an-msi-file': 'the file is named like a Windows Installer package but is not a readable one',
  'unsafe-archive-entry': 'the archive holds an entry that could escape its folder or point elsewhere (refused)',
  'oversized-entry': 'an archive entry is larger than the archive or than its kind allows (refused)',
  'bad-archive': 'the file is not a readable OVA (tar) archive',
  'no-manifest': 'the appliance has no .mf manifest',
  'manifest-mismatch': 'a file in the appliance does not match its manifest',
  'manifest-incomplete': 'the appliance holds files its manifest does not list',
  'nothing-to-compare': 'no signature and no checksum file: nothing proves the file is intact',
} as const satisfies Record<string, string>;

/** Every reason a verifier can give: one typed union, from the reason texts. */
export type ReasonCode = keyof typeof REASON_TEXT;
export const REASON_CODES = Object.keys(REASON_TEXT) as [ReasonCode, ...ReasonCode[]];
export const ReasonCodeSchema = z.enum(REASON_CODES);

/** Warnings: the file may still verify, but the user should know. Human texts for the screen and reports. */
export const WARNING_TEXT = {
  'weak-digest-sha1': 'signed with a SHA-1 digest (weak, still accepted by Windows)',
  'timestamp-not-verified': 'the timestamp could not be verified, so the certificates were checked at the current time',
  'leaf-has-no-eku-extension': 'the signing certificate names no intended purposes',
  'crl-out-of-date': 'a CRL used for the revocation check is past its next update',
  'revocation-not-checked': 'revocation was not checked for every certificate (no CRL for its issuer)',
  'manifest-has-unreadable-lines': 'the manifest has lines the workbench cannot read',
} as const satisfies Record<string, string>;
export type WarningCode = keyof typeof WARNING_TEXT;
export const WARNING_CODES = Object.keys(WARNING_TEXT) as [WarningCode, ...WarningCode[]];
export const WarningCodeSchema = z.enum(WARNING_CODES);

/** Where a trusted root came from: shipped with the app, added to the project by the user, or given for one run (CLI). */
export const ANCHOR_STORES = ['bundled', 'project', 'run'] as const;
export const AnchorStoreSchema = z.enum(ANCHOR_STORES);
export type AnchorStore = z.infer<typeof AnchorStoreSchema>;
export const ANCHOR_STORE_LABEL: Record<AnchorStore, string> = {
  bundled: 'bundled roots (Microsoft Trusted Root Program, code signing and time stamping)',
  project: "this project's trusted roots",
  run: 'roots given for this run',
};

export const CertSummarySchema = z.object({
  subject: z.string(),
  issuer: z.string(),
  serialNumber: z.string(),
  thumbprintSha1: z.string(),
  thumbprintSha256: z.string(),
  notBefore: z.string(),
  notAfter: z.string(),
  /** True for the certificate the chain ended at because the user (or the bundle) trusts it. */
  trustAnchor: z.boolean().optional(),
  /** For the trust anchor: which store trusted it. */
  anchorStore: AnchorStoreSchema.optional(),
});
export type CertSummary = z.infer<typeof CertSummarySchema>;

export const TimestampInfoSchema = z.object({
  kind: z.enum(['rfc3161', 'legacy']),
  time: z.string(),
  verified: z.boolean(),
  authority: z.string().optional(),
  problem: z.string().optional(),
  /** Verified: the store of the root the TSA chain ended at. */
  anchorStore: AnchorStoreSchema.optional(),
  /** Not verified because the TSA chain has no trusted root: the problem and the root (or missing issuer) to trust. */
  chainProblem: z.enum(['untrusted-root', 'chain-incomplete']).optional(),
  rootNeeded: z.string().optional(),
});
export type TimestampInfo = z.infer<typeof TimestampInfoSchema>;

export const SidecarResultSchema = z.object({
  sidecar: z.string(),
  verdict: z.enum(['match', 'mismatch', 'name-mismatch', 'malformed']),
  algorithm: z.enum(HASH_ALGORITHMS).nullable(),
  expected: z.string().optional(),
  actual: z.string().optional(),
  reason: z.string(),
  line: z.number().optional(),
});

export const VerificationReportSchema = z.object({
  file: z.string(),
  name: z.string(),
  size: z.number(),
  kind: VerifierKindSchema,
  status: SignatureStatusSchema,
  /** True when the file is proven intact (and, if signable, validly signed) with every sidecar matching. */
  ok: z.boolean(),
  reasons: z.array(ReasonCodeSchema),
  warnings: z.array(WarningCodeSchema),
  /** What was not checked and why (e.g. revocation without a CRL). */
  notChecked: z.array(z.string()),
  details: z.array(z.string()),
  signer: CertSummarySchema.nullable(),
  chain: z.array(CertSummarySchema),
  timestamp: TimestampInfoSchema.nullable(),
  digestAlgorithm: z.string().nullable(),
  hashes: z.partialRecord(z.enum(HASH_ALGORITHMS), z.string()),
  sidecars: z.array(SidecarResultSchema),
  verifiedAt: z.string(),
  elapsedMs: z.number(),
});
export type VerificationReport = z.infer<typeof VerificationReportSchema>;

/** Status for a reason code, mapped the way PowerShell maps WinVerifyTrust results. */
export function statusForReason(reason: ReasonCode): SignatureStatus {
  switch (reason) {
    case 'ok':
    case 'ok-weak-digest':
      return 'Valid';
    case 'unsigned':
    case 'malformed-signature-block':
    case 'no-manifest':
      return 'NotSigned';
    case 'hash-mismatch':
    case 'message-digest-mismatch':
    case 'bad-signer-signature':
    case 'trailing-data-after-signature':
    case 'manifest-mismatch':
    case 'manifest-incomplete':
      return 'HashMismatch';
    case 'publisher-not-pinned':
      return 'NotTrusted';
    case 'weak-digest-md5':
    case 'unsupported-algorithm':
      return 'Incompatible';
    case 'no-signature-format':
    case 'not-a-pe-file':
    case 'not-an-msi-file':
    case 'bad-archive':
      return 'NotSupportedFileFormat';
    default:
      return 'UnknownError';
  }
}
