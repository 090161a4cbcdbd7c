import { describe, expect, it } from 'vitest';
import { REASON_CODES, REASON_TEXT, statusForReason, VerificationReportSchema, type VerificationReport } from '../../../../../main/common/verify/report';
import { reportJson, reportMarkdown } from '../../../../../main/common/verify/report-format';

const report: VerificationReport = VerificationReportSchema.parse({
  file: '/x/setup.ps1',
  name: 'setup.ps1',
  size: 10,
  kind: 'powershell',
  status: 'HashMismatch',
  ok: false,
  reasons: ['hash-mismatch', 'sidecar-mismatch'],
  warnings: ['revocation-not-checked'],
  notChecked: ['revocation not checked for "CN=A"'],
  details: [],
  signer: { subject: 'CN=Vendor, O=V', issuer: 'CN=CA', serialNumber: '01', thumbprintSha1: 'A'.repeat(40), thumbprintSha256: 'B'.repeat(64), notBefore: '2024-01-01T00:00:00.000Z', notAfter: '2030-01-01T00:00:00.000Z' },
  chain: [],
  timestamp: null,
  digestAlgorithm: 'sha256',
  hashes: { sha256: 'c'.repeat(64) },
  sidecars: [{ sidecar: 'setup.ps1.sha256', verdict: 'mismatch', algorithm: 'sha256', reason: 'SHA-256 differs' }],
  verifiedAt: '2026-01-01T00:00:00.000Z',
  elapsedMs: 3,
});

describe('verification report', () => {
  it('maps every reason to a Get-AuthenticodeSignature status and explains it', () => {
    expect(statusForReason('ok')).toBe('Valid');
    expect(statusForReason('unsigned')).toBe('NotSigned');
    expect(statusForReason('hash-mismatch')).toBe('HashMismatch');
    expect(statusForReason('untrusted-root')).toBe('UnknownError');
    expect(statusForReason('publisher-not-pinned')).toBe('NotTrusted');
    expect(statusForReason('weak-digest-md5')).toBe('Incompatible');
    for (const r of REASON_CODES) expect(REASON_TEXT[r].length).toBeGreaterThan(5);
  });

  it('renders Markdown and the --json object', () => {
    const md = reportMarkdown([report], '2026-01-01T00:00:00Z');
    expect(md).toContain('| setup.ps1 | NOT verified | HashMismatch | Vendor |');
    expect(md).toContain('- Sidecar setup.ps1.sha256: mismatch — SHA-256 differs');
    expect(md).toContain('hash-mismatch (the file was changed after it was signed)');
    expect(Object.keys(reportJson(report))).toEqual(expect.arrayContaining(['file', 'kind', 'status', 'reasons', 'signer', 'hashes', 'sidecars']));
  });
});
