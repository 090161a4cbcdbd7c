import { describe, expect, it } from 'vitest';
import { leadCause } from '../../../../../main/common/verify/cause';
import { thumbprintHex, trustFileKind } from '../../../../../main/common/verify/trust-rules';
import { VerificationReportSchema, type VerificationReport } from '../../../../../main/common/verify/report';

const MS2010 = 'C=US, ST=Washington, L=Redmond, O=Microsoft Corporation, CN=Microsoft Root Certificate Authority 2010';
const cert = (subject: string, issuer: string, extra: object = {}) => ({
  subject,
  issuer,
  serialNumber: '01',
  thumbprintSha1: 'A'.repeat(40),
  thumbprintSha256: 'B'.repeat(64),
  notBefore: '2020-01-01T00:00:00.000Z',
  notAfter: '2021-01-01T00:00:00.000Z',
  ...extra,
});

function report(over: Partial<VerificationReport>): VerificationReport {
  return VerificationReportSchema.parse({
    file: '/x/Module.psm1',
    name: 'Module.psm1',
    size: 10,
    kind: 'powershell',
    status: 'UnknownError',
    ok: false,
    reasons: ['cert-expired'],
    warnings: ['timestamp-not-verified'],
    notChecked: [],
    details: [],
    signer: null,
    chain: [],
    timestamp: null,
    digestAlgorithm: 'sha256',
    hashes: {},
    sidecars: [],
    verifiedAt: '2026-01-01T00:00:00.000Z',
    elapsedMs: 3,
    ...over,
  });
}

describe('leadCause', () => {
  it('a signature whose only trust problem is its timestamp root leads with that root, not "cert-expired"', () => {
    const r = report({
      chain: [cert('CN=Microsoft Corporation', 'CN=Microsoft Code Signing PCA 2011'), cert('CN=Microsoft Root Certificate Authority 2011', 'CN=Microsoft Root Certificate Authority 2011', { trustAnchor: true, anchorStore: 'project' })],
      timestamp: { kind: 'rfc3161', time: '2020-06-01T00:00:00.000Z', verified: false, problem: 'TSA chain: …', chainProblem: 'chain-incomplete', rootNeeded: MS2010 },
    });
    const c = leadCause(r)!;
    expect(c.reason).toBe('chain-incomplete');
    expect(c.title).toBe(`The timestamp's certificate chain ends at "Microsoft Root Certificate Authority 2010", a root that is not trusted here, so the signing time cannot be proven.`);
    expect(c.consequence).toMatch(/today’s date/);
    expect(c.fix).toMatch(/^Add "Microsoft Root Certificate Authority 2010" to the trusted roots \(Trust settings\)/);
    expect(c.roots).toEqual([expect.objectContaining({ for: 'timestamp', action: 'add' })]);
  });

  it('names a distrusted bundled root as the one to trust again; a genuine file problem leads as it is', () => {
    const r = report({ reasons: ['untrusted-root'], chain: [cert('CN=Leaf', 'CN=Vendor Root'), cert('CN=Vendor Root', 'CN=Vendor Root')] });
    expect(leadCause(r, [{ subject: 'CN=Vendor Root', thumbprintSha256: 'C'.repeat(64), distrusted: true }])!.roots[0]).toMatchObject({ action: 'trust-again', thumbprintSha256: 'C'.repeat(64), for: 'signature' });
    expect(leadCause(report({ reasons: ['hash-mismatch', 'chain-incomplete'], chain: [cert('CN=Leaf', 'CN=X')] }))).toEqual({ reason: 'hash-mismatch', title: 'The file was changed after it was signed.', roots: [] });
    expect(leadCause(report({ ok: true, status: 'Valid', reasons: ['ok'] }))).toBeNull();
  });
});

describe('trust rules shared with the screen', () => {
  it('thumbprints: SHA-1 or SHA-256 hex, spaces and colons allowed', () => {
    expect(thumbprintHex('ab:'.repeat(19) + 'ab')).toBe('AB'.repeat(20));
    expect(thumbprintHex('c'.repeat(64))).toBe('C'.repeat(64));
    expect(thumbprintHex('c'.repeat(50))).toBeNull();
    expect(thumbprintHex('zz'.repeat(20))).toBeNull();
  });
  it('dropped files: CRL by label or name, certificates by name, anything else is verified', () => {
    expect(trustFileKind('vendor.pem', '-----BEGIN X509 CRL-----')).toBe('crl');
    expect(trustFileKind('vendor.crl', '')).toBe('crl');
    expect(trustFileKind('root.cer', '-----BEGIN CERTIFICATE-----')).toBe('root');
    expect(trustFileKind('setup.ps1', '-----BEGIN CERTIFICATE-----')).toBeNull();
  });
});
