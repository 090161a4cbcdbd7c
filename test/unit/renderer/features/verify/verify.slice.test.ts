// The Verify slice against a hand-written fake of the workbench bridge: a file verifies when the project trusts
// the root "R" (as main would decide), so the test can change trust and watch the listed files being re-checked.
import { beforeEach, describe, expect, it } from 'vitest';
import { WorkbenchError, serializeError } from '../../../../../main/common/model/errors';
import { EMPTY_TRUST, type VerificationTrust } from '../../../../../main/common/model/verification';
import type { VerificationReport } from '../../../../../main/common/verify/report';
import { docWithServers } from '../../../../helpers/plan-fixtures';

interface Call {
  paths: string[];
  record?: boolean;
}
let calls: Call[] = [];
let missing = new Set<string>();

function report(file: string, ok: boolean): VerificationReport {
  return {
    file,
    name: file.slice(1),
    size: 1,
    kind: 'powershell',
    status: ok ? 'Valid' : 'UnknownError',
    ok,
    reasons: [ok ? 'ok' : 'chain-incomplete'],
    warnings: [],
    notChecked: [],
    details: [],
    signer: null,
    chain: [],
    timestamp: null,
    digestAlgorithm: 'sha256',
    hashes: {},
    sidecars: [],
    verifiedAt: '2026-11-29T00:00:00.000Z',
    elapsedMs: 1,
  };
}

const trusted = () => (useWorkbench.getState().document?.verification.trust?.roots ?? []).some((r) => r.subject === 'CN=R');

const fakeBridge = {
  shell: 'browser' as const,
  invoke(channel: string, args: Call) {
    if (channel === 'verify.files') {
      calls.push({ paths: args.paths, ...(args.record === false ? { record: false } : {}) });
      const files = args.paths.filter((p) => !missing.has(p));
      return Promise.resolve({ ok: true, value: { reports: files.map((f) => report(f, trusted())), failures: args.paths.filter((p) => missing.has(p)).map((file) => ({ file, code: 'not-found', message: 'gone' })) } });
    }
    return Promise.resolve({ ok: false, error: serializeError(new WorkbenchError('not-found', channel)) });
  },
  on: () => () => undefined,
  pathForFile: () => Promise.resolve(''),
};
(globalThis as unknown as { window: unknown }).window = { workbench: fakeBridge };

const { useWorkbench } = await import('../../../../../renderer/store');

function setTrust(trust: VerificationTrust) {
  const doc = useWorkbench.getState().document!;
  useWorkbench.setState({ document: { ...doc, verification: { ...doc.verification, trust } } });
}
const withRoot: VerificationTrust = { ...EMPTY_TRUST, roots: [{ pem: '', subject: 'CN=R', thumbprintSha1: 'A'.repeat(40), notAfter: '2040-01-01T00:00:00.000Z', addedAt: '2026-11-29T00:00:00.000Z' }] };

beforeEach(() => {
  calls = [];
  missing = new Set();
  useWorkbench.setState({ document: docWithServers(3), notices: [], verifyReports: [], verifyFailures: [], verifyJudgedUnder: {}, verifyRun: null });
  setTrust(EMPTY_TRUST);
});

describe('verify slice', () => {
  it('a trust change re-checks the listed files (not recorded) and the superseded warning goes away', async () => {
    const s = () => useWorkbench.getState();
    await s().verifyFilesRequested(['/a.ps1', '/b.ps1']);
    expect(s().notices.map((n) => n.message)).toEqual(['2 of 2 file(s) could not be verified.']);
    expect(calls).toEqual([{ paths: ['/a.ps1', '/b.ps1'] }]);

    await s().verifyStaleRechecked();
    expect(calls).toHaveLength(1); // nothing changed: nothing re-checked

    setTrust(withRoot);
    await s().verifyStaleRechecked();
    expect(calls.at(-1)).toEqual({ paths: ['/a.ps1', '/b.ps1'], record: false });
    expect(s().verifyReports.map((r) => r.status)).toEqual(['Valid', 'Valid']);
    expect(s().notices.map((n) => n.message)).toEqual(['2 file(s) verified.']);

    // Undo of the trust change: judged again.
    setTrust(EMPTY_TRUST);
    await s().verifyStaleRechecked();
    expect(s().verifyReports.map((r) => r.status)).toEqual(['UnknownError', 'UnknownError']);
    expect(calls).toHaveLength(3);
  });

  it('a file that disappeared is reported once, not re-checked for ever', async () => {
    const s = () => useWorkbench.getState();
    await s().verifyFilesRequested(['/a.ps1']);
    missing.add('/a.ps1');
    setTrust(withRoot);
    await s().verifyStaleRechecked();
    expect(s().verifyFailures).toEqual([expect.objectContaining({ file: '/a.ps1', code: 'not-found' })]);
    await s().verifyStaleRechecked();
    expect(calls).toHaveLength(2);
  });
});
