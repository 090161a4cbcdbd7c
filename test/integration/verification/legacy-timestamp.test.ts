import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { runMwb as mwb } from '../../helpers/cli';
import { verifyFile } from '../../../main/verification/verify-file';
import { loadTrust, type TrustStore } from '../../../main/verification/trust';
import { issue, writePki, type Issued } from '../../helpers/test-pki';
import { startFakeLegacyTsa, type FakeLegacyTsaOptions } from '../../helpers/fake-legacy-tsa';
import { tinyPe } from '../../helpers/tiny-pe';

/*
 * Legacy Authenticode timestamps (PKCS#9 countersignature, unsigned attribute 1.2.840.113549.1.9.6): the real signer
 * (`osslsigncode sign -t URL`, 2.9) asks a HAND-WRITTEN FAKE legacy TSA on 127.0.0.1 (no packaged server speaks this
 * protocol) and embeds its answer; `osslsigncode verify -TSA-CAfile` cross-checks every verdict.
 */
const run = promisify(execFile);

let dir = '';
let trust: TrustStore;
let root: Issued;
let expiredLeaf: { cert: string; key: string };
let currentLeaf: { cert: string; key: string };
let tsa: Issued;
const f = (n: string) => path.join(dir, n);
const SIGNED_AT = new Date('2020-07-01T00:00:00Z'); // the expired leaf was valid 2020-01-01 … 2021-01-01

async function ossl(file: string): Promise<'ok' | 'fail'> {
  return run('osslsigncode', ['verify', '-in', file, '-CAfile', f('root.pem'), '-TSA-CAfile', f('root.pem'), '-ignore-cdp'], { timeout: 30_000 }).then(
    () => 'ok',
    () => 'fail',
  );
}

/** Signs IN into OUT with osslsigncode, timestamped by a fake legacy TSA started with OPTS; returns what the TSA saw. */
async function signWithLegacyTsa(input: string, out: string, leaf: { cert: string; key: string }, opts: FakeLegacyTsaOptions) {
  const server = await startFakeLegacyTsa(opts);
  try {
    await run('osslsigncode', ['sign', '-certs', leaf.cert, '-key', leaf.key, '-h', 'sha256', '-t', server.url, '-in', input, '-out', out], { timeout: 30_000 });
    return { requests: [...server.requests], signatures: [...server.signatures] };
  } finally {
    await server.close();
  }
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'mwb-legacy-ts-'));
  root = await issue('Legacy Test Root CA', 'root', new Date('2019-01-01Z'), new Date('2049-01-01Z'));
  await writePki(dir, 'root', root);
  expiredLeaf = await writePki(dir, 'expired', await issue('Expired Publisher', 'codeSigning', new Date('2020-01-01Z'), new Date('2021-01-01Z'), root));
  currentLeaf = await writePki(dir, 'current', await issue('Current Publisher', 'codeSigning', new Date('2024-01-01Z'), new Date('2044-01-01Z'), root));
  tsa = await issue('Fake Legacy TSA', 'timeStamping', new Date('2019-06-01Z'), new Date('2045-01-01Z'), root);
  await writeFile(f('agent.exe'), tinyPe('legacy timestamp agent'));
  await writeFile(f('setup.ps1'), '# setup fixture\r\nWrite-Host "configuring connector"\r\n');
  trust = await loadTrust({ trust: [f('root.pem')] });
}, 60_000);
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('legacy countersignature timestamps from osslsigncode -t (fake legacy TSA)', () => {
  it('an expired publisher certificate that signed while valid is Valid, for a script and for a PE file', async () => {
    for (const file of ['setup.ps1', 'agent.exe']) {
      const out = f(`stamped-${file}`);
      const seen = await signWithLegacyTsa(f(file), out, expiredLeaf, { tsa, time: SIGNED_AT });
      expect(seen.requests).toHaveLength(1); // osslsigncode really asked our server
      const r = await verifyFile(out, { trust });
      expect(r, r.details.join('; ')).toMatchObject({ status: 'Valid', reasons: ['ok'] });
      expect(r.timestamp).toEqual({ kind: 'legacy', time: SIGNED_AT.toISOString(), verified: true, authority: expect.stringContaining('Fake Legacy TSA'), anchorStore: 'run' });
      expect(r.warnings).not.toContain('timestamp-not-verified');
      expect(await ossl(out)).toBe('ok');
    }
    const cli = await mwb(['verify', f('stamped-setup.ps1'), '--trust', f('root.pem')]);
    expect(cli.code).toBe(0);
    expect(cli.stdout).toContain('timestamp: legacy 2020-07-01T00:00:00.000Z verified');
  });

  it('without the timestamp the same expired certificate is judged now and fails (the timestamp is what made it valid)', async () => {
    await run('osslsigncode', ['sign', '-certs', expiredLeaf.cert, '-key', expiredLeaf.key, '-h', 'sha256', '-in', f('agent.exe'), '-out', f('plain.exe')], { timeout: 30_000 });
    const r = await verifyFile(f('plain.exe'), { trust });
    expect(r.ok).toBe(false);
    expect(r.reasons).toContain('cert-expired');
    expect(r.timestamp).toBeNull();
    expect(await ossl(f('plain.exe'))).toBe('fail');
  });

  it('a tampered countersignature is not a verified timestamp, so the chain is checked now', async () => {
    const seen = await signWithLegacyTsa(f('agent.exe'), f('stamped-for-tamper.exe'), expiredLeaf, { tsa, time: SIGNED_AT });
    const bytes = await readFile(f('stamped-for-tamper.exe'));
    const sig = Buffer.from(seen.signatures[0]!, 'hex');
    const at = bytes.indexOf(sig);
    expect(at).toBeGreaterThan(0);
    bytes[at + 40] = bytes[at + 40]! ^ 0x01; // one bit of the TSA's RSA signature; the PE image hash excludes the certificate table
    await writeFile(f('tampered-ts.exe'), bytes);
    const r = await verifyFile(f('tampered-ts.exe'), { trust });
    expect(r.timestamp).toMatchObject({ kind: 'legacy', verified: false, problem: expect.stringContaining('TSA signature') });
    expect(r.warnings).toContain('timestamp-not-verified');
    expect(r.reasons).toContain('cert-expired');
    expect(r.ok).toBe(false);
    expect(await ossl(f('tampered-ts.exe'))).toBe('fail');
  });

  it('a countersignature over another signature does not count', async () => {
    await signWithLegacyTsa(f('agent.exe'), f('other-digest.exe'), expiredLeaf, { tsa, time: SIGNED_AT, countersignOther: true });
    const r = await verifyFile(f('other-digest.exe'), { trust });
    expect(r.timestamp).toMatchObject({ kind: 'legacy', verified: false, problem: expect.stringContaining('messageDigest') });
    expect(r.reasons).toContain('cert-expired');
    expect(await ossl(f('other-digest.exe'))).toBe('fail');
  });

  it('a TSA under an untrusted root is not trusted: expired signer fails, current signer stays Valid with a warning', async () => {
    const otherRoot = await issue('Untrusted TSA Root', 'root', new Date('2019-01-01Z'), new Date('2049-01-01Z'));
    const rogue = await issue('Rogue Legacy TSA', 'timeStamping', new Date('2019-06-01Z'), new Date('2045-01-01Z'), otherRoot);
    await signWithLegacyTsa(f('setup.ps1'), f('rogue-expired.ps1'), expiredLeaf, { tsa: rogue, chain: [otherRoot], time: SIGNED_AT });
    const r = await verifyFile(f('rogue-expired.ps1'), { trust });
    expect(r.timestamp).toMatchObject({ kind: 'legacy', verified: false, problem: expect.stringContaining('TSA chain') });
    expect(r.reasons).toContain('cert-expired');
    expect(r.ok).toBe(false);
    expect(await ossl(f('rogue-expired.ps1'))).toBe('fail');

    await signWithLegacyTsa(f('setup.ps1'), f('rogue-current.ps1'), currentLeaf, { tsa: rogue, chain: [otherRoot], time: new Date('2025-01-01Z') });
    const c = await verifyFile(f('rogue-current.ps1'), { trust });
    expect(c).toMatchObject({ status: 'Valid', timestamp: { kind: 'legacy', verified: false } });
    expect(c.warnings).toContain('timestamp-not-verified');
  });

  it('a countersigner without the timeStamping EKU is not a TSA (osslsigncode agrees)', async () => {
    const notTsa = await issue('Code Signer posing as TSA', 'codeSigning', new Date('2019-06-01Z'), new Date('2045-01-01Z'), root);
    await signWithLegacyTsa(f('agent.exe'), f('not-tsa.exe'), expiredLeaf, { tsa: notTsa, time: SIGNED_AT });
    const r = await verifyFile(f('not-tsa.exe'), { trust });
    expect(r.timestamp).toMatchObject({ kind: 'legacy', verified: false, problem: expect.stringContaining('time stamping') });
    expect(r.ok).toBe(false);
    expect(await ossl(f('not-tsa.exe'))).toBe('fail');
  });
});
