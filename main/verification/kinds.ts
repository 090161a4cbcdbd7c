import type { VerifierKind } from '../common/verify/report';

/**
 * Which verifier a file name goes to, and its label: the cheap half of each verifier, kept apart from the
 * parsers and the certificate code (pkijs, asn1js, cfb) so that choosing a verifier loads none of them.
 */
export const VERIFIER_KINDS: Record<VerifierKind, { label: string; matches: (fileName: string) => boolean }> = {
  powershell: { label: 'PowerShell script (Authenticode)', matches: (name) => /\.(ps1|psm1|psd1|ps1xml|psc1)$/i.test(name) },
  pe: { label: 'Windows executable (Authenticode)', matches: (name) => /\.(exe|dll|sys|ocx|cpl|scr|efi|mui)$/i.test(name) },
  msi: { label: 'Windows Installer package (Authenticode)', matches: (name) => /\.(msi|msp|msm)$/i.test(name) },
  ova: { label: 'OVA appliance (manifest and certificate)', matches: (name) => /\.ova$/i.test(name) },
  file: { label: 'File (checksums only)', matches: () => true },
};
