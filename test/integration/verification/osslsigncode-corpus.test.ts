import { beforeAll, afterAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { parseScript } from '../../../main/verification/powershell-script';
import { verifyAuthenticode } from '../../../main/verification/authenticode';
import { verifyFile } from '../../../main/verification/verify-file';
import { loadTrust, type TrustStore } from '../../../main/verification/trust';

/*
 * Runs against osslsigncode 2.9 (the real signer): ../shared/authenticode/make-corpus.sh builds signed scripts
 * and a manifest of expected verdicts; we must agree with every entry (following the manifest where it records
 * a deliberate `divergence` from `osslsigncode verify`), and we cross-check some verdicts with osslsigncode itself.
 */
const run = promisify(execFile);
import { CORPUS_SCRIPT } from '../../helpers/authenticode-corpus';

interface Entry {
  file: string;
  expect: 'valid' | 'invalid' | 'unsigned';
  reason: string;
  osslsigncode: 'ok' | 'fail';
  divergence?: string;
  needs?: string[];
  warnings?: string[];
  without_crl?: { expect: string; reason: string; warnings: string[] };
  md5?: string;
  sha256?: string;
  md5_file?: string;
  sha256_file?: string;
  timestamp_time?: string;
}

let dir = '';
let entries: Entry[] = [];
let withCrl: TrustStore;
let noCrl: TrustStore;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'mwb-corpus-'));
  await run('bash', [CORPUS_SCRIPT, dir], { timeout: 120_000 });
  entries = (JSON.parse(await readFile(path.join(dir, 'manifest.json'), 'utf8')) as { entries: Entry[] }).entries;
  withCrl = await loadTrust({ trust: [path.join(dir, 'root.pem')], crl: [path.join(dir, 'crl.pem')] });
  noCrl = await loadTrust({ trust: [path.join(dir, 'root.pem')] });
}, 180_000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

const verdictOf = (r: { status: string; reasons: string[] }) => (r.status === 'Valid' ? 'valid' : r.reasons[0] === 'unsigned' ? 'unsigned' : 'invalid');

describe('Authenticode corpus made by osslsigncode', () => {
  it('has the corpus', () => {
    expect(entries.length).toBeGreaterThan(40);
  });

  it('agrees with every manifest entry (verdict, decisive reason, warnings, sidecars)', async () => {
    const disagreements: string[] = [];
    for (const e of entries) {
      const r = await verifyFile(path.join(dir, e.file), { trust: withCrl });
      const got = `${verdictOf(r)}/${r.reasons[0]}`;
      if (got !== `${e.expect}/${e.reason}`) disagreements.push(`${e.file}: expected ${e.expect}/${e.reason}, got ${got} ${r.details.join('; ')}`);
      for (const w of e.warnings ?? []) {
        const ours = w === 'weak-digest-sha1' ? 'weak-digest-sha1' : w;
        if (!(r.warnings as string[]).includes(ours)) disagreements.push(`${e.file}: missing warning ${w} (have ${r.warnings.join(',')})`);
      }
      if (e.timestamp_time) {
        if (!r.timestamp?.verified || r.timestamp.time !== new Date(e.timestamp_time).toISOString()) disagreements.push(`${e.file}: timestamp ${JSON.stringify(r.timestamp)}`);
      }
      for (const alg of ['md5', 'sha256'] as const) {
        const want = e[alg];
        if (!want) continue;
        const sc = r.sidecars.find((s) => s.sidecar === path.basename(e[`${alg}_file`]!));
        if (sc?.verdict !== want) disagreements.push(`${e.file}: ${alg} sidecar expected ${want}, got ${sc?.verdict} (${sc?.reason})`);
      }
    }
    expect(disagreements).toEqual([]);
  }, 120_000);

  it('without the CRL, the revoked signer is valid with "revocation not checked"', async () => {
    const e = entries.find((x) => x.without_crl)!;
    const r = await verifyFile(path.join(dir, e.file), { trust: noCrl });
    expect(verdictOf(r)).toBe(e.without_crl!.expect);
    for (const w of e.without_crl!.warnings) expect(r.warnings).toContain(w);
    expect(r.notChecked.join('\n')).toMatch(/revocation not checked/);
  });

  it('reports signer, chain and hashes for a valid script', async () => {
    const r = await verifyFile(path.join(dir, 'scripts/valid-utf8-crlf.ps1'), { trust: withCrl });
    expect(r).toMatchObject({ kind: 'powershell', status: 'Valid', ok: true, digestAlgorithm: 'sha256' });
    expect(r.signer?.subject).toContain('CN=Corpus Signer');
    expect(r.chain.map((c) => c.subject.match(/CN=([^,]+)/)?.[1])).toEqual(['Corpus Signer', 'Corpus Test Code Signing CA', 'Corpus Test Root CA']);
    expect(r.chain.at(-1)?.trustAnchor).toBe(true);
    const { stdout } = await run('sha256sum', [path.join(dir, 'scripts/valid-utf8-crlf.ps1')]);
    expect(r.hashes.sha256).toBe(stdout.split(' ')[0]);
  });

  it('nothing is trusted without a trust anchor', async () => {
    // The signature embeds leaf + intermediate only, so without root.pem the chain cannot be completed.
    const r = await verifyFile(path.join(dir, 'scripts/valid-utf8-crlf.ps1'), { trust: { anchors: [], crls: [], publishers: [] } });
    expect(r).toMatchObject({ status: 'UnknownError', ok: false, reasons: ['chain-incomplete'] });
    expect(r.notChecked.join('\n')).toMatch(/no root is trusted/);
  });

  it('pins publishers by thumbprint', async () => {
    const good = await verifyFile(path.join(dir, 'scripts/valid-utf8-crlf.ps1'), { trust: withCrl });
    const pinned = await verifyFile(path.join(dir, 'scripts/valid-utf8-crlf.ps1'), { trust: { ...withCrl, publishers: [good.signer!.thumbprintSha1] } });
    expect(pinned.status).toBe('Valid');
    const other = await verifyFile(path.join(dir, 'scripts/valid-utf8-crlf.ps1'), { trust: { ...withCrl, publishers: ['A'.repeat(40)] } });
    expect(other).toMatchObject({ status: 'NotTrusted', reasons: ['publisher-not-pinned'] });
  });

  it('agrees with `osslsigncode verify` where the manifest records no divergence', async () => {
    const sample = entries.filter((e) => e.file.startsWith('scripts/') && !e.divergence).filter((_, i) => i % 4 === 0);
    expect(sample.length).toBeGreaterThan(5);
    for (const e of sample) {
      const ossl = await run('osslsigncode', ['verify', '-in', path.join(dir, e.file), '-CAfile', path.join(dir, 'root.pem'), '-TSA-CAfile', path.join(dir, 'root.pem'), '-CRLfile', path.join(dir, 'crl.pem'), '-ignore-cdp'], { timeout: 30_000 }).then(
        () => 'ok',
        () => 'fail',
      );
      const ours = await verifyFile(path.join(dir, e.file), { trust: withCrl });
      expect({ file: e.file, ok: ours.status === 'Valid' }).toEqual({ file: e.file, ok: ossl === 'ok' });
    }
  }, 120_000);

  it('mutated real signatures give reasons, never exceptions (fuzz)', async () => {
    const p = parseScript(await readFile(path.join(dir, 'scripts/valid-timestamped.ps1')));
    if (p.block.kind !== 'signed') throw new Error('corpus file not signed');
    const der = p.block.der;
    const content = p.block.content;
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.nat(der.length - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 }), async (flips) => {
        const m = Buffer.from(der);
        for (const [pos, v] of flips) m[pos] = v;
        const t0 = performance.now();
        const r = await verifyAuthenticode({ der: m, contentDigest: (a) => createHash(a).update(content).digest(), subjectType: null, trust: withCrl });
        expect(Array.isArray(r.reasons)).toBe(true);
        expect(performance.now() - t0).toBeLessThan(2000);
      }),
      { numRuns: 150 },
    );
  }, 120_000);
});
