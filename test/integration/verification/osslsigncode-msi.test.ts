import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { runMwb as mwb } from '../../helpers/cli';
import { verifyFile } from '../../../main/verification/verify-file';
import { loadTrust, type TrustStore } from '../../../main/verification/trust';
import { issue, writePki } from '../../helpers/test-pki';
import { startFakeLegacyTsa } from '../../helpers/fake-legacy-tsa';
import { buildAgentMsi, osslSign } from '../../helpers/msi-fixtures';

/*
 * Windows Installer packages built by wixl (msitools) and signed by osslsigncode 2.9, the real tools; every verdict
 * is cross-checked with `osslsigncode verify`.
 */
const run = promisify(execFile);

let dir = '';
let trust: TrustStore;
let leaf: { cert: string; key: string };
let expired: { cert: string; key: string };
let tsaFor: Parameters<typeof startFakeLegacyTsa>[0]['tsa'];
const f = (n: string) => path.join(dir, n);


async function ossl(file: string): Promise<'ok' | 'fail'> {
  return run('osslsigncode', ['verify', '-in', file, '-CAfile', f('root.pem'), '-TSA-CAfile', f('root.pem'), '-ignore-cdp'], { timeout: 30_000 }).then(
    () => 'ok',
    () => 'fail',
  );
}

const sign = (input: string, out: string, extra: string[] = [], who = leaf) => osslSign(input, out, who, extra);

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'mwb-msi-'));
  const root = await issue('MSI Test Root CA', 'root', new Date('2019-01-01Z'), new Date('2049-01-01Z'));
  await writePki(dir, 'root', root);
  leaf = await writePki(dir, 'leaf', await issue('Workbench Installer Publisher', 'codeSigning', new Date('2024-01-01Z'), new Date('2044-01-01Z'), root));
  expired = await writePki(dir, 'expired', await issue('Expired Installer Publisher', 'codeSigning', new Date('2020-01-01Z'), new Date('2021-01-01Z'), root));
  tsaFor = await issue('Fake Legacy TSA', 'timeStamping', new Date('2019-06-01Z'), new Date('2045-01-01Z'), root);
  await buildAgentMsi(dir);
  await sign(f('agent.msi'), f('signed.msi'));
  await sign(f('agent.msi'), f('signed-dse.msi'), ['-add-msi-dse']);
  trust = await loadTrust({ trust: [f('root.pem')] });
}, 120_000);
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('Windows Installer (.msi) Authenticode: wixl-built, osslsigncode-signed', () => {
  it('a signed package is Valid, with and without MsiDigitalSignatureEx (osslsigncode agrees)', async () => {
    for (const name of ['signed.msi', 'signed-dse.msi']) {
      const r = await verifyFile(f(name), { trust });
      expect(r, r.details.join('; ')).toMatchObject({ kind: 'msi', status: 'Valid', reasons: ['ok'], digestAlgorithm: 'sha256' });
      expect(r.signer?.subject).toContain('Workbench Installer Publisher');
      expect(r.details.join(' ')).toContain(name === 'signed.msi' ? 'MsiDigitalSignatureEx absent' : 'MsiDigitalSignatureEx present');
      expect(await ossl(f(name))).toBe('ok');
    }
  });

  it('a changed byte in a stream is a HashMismatch (osslsigncode agrees)', async () => {
    for (const name of ['signed.msi', 'signed-dse.msi']) {
      const b = await readFile(f(name));
      const at = b.indexOf(Buffer.from('Workbench Migration Agent', 'latin1')); // in the _StringData stream
      expect(at).toBeGreaterThan(0);
      b[at] = 'X'.charCodeAt(0);
      await writeFile(f(`tampered-${name}`), b);
      const r = await verifyFile(f(`tampered-${name}`), { trust });
      expect(r).toMatchObject({ kind: 'msi', status: 'HashMismatch', reasons: ['hash-mismatch'] });
      expect(await ossl(f(`tampered-${name}`))).toBe('fail');
    }
  });

  it('an unsigned package is NotSigned; a text file named .msi is not a package', async () => {
    expect(await verifyFile(f('agent.msi'), { trust })).toMatchObject({ kind: 'msi', status: 'NotSigned', reasons: ['unsigned'] });
    expect(await ossl(f('agent.msi'))).toBe('fail');
    await writeFile(f('readme.msi'), 'not an installer\n');
    expect(await verifyFile(f('readme.msi'), { trust })).toMatchObject({ status: 'NotSupportedFileFormat', reasons: ['not-an-msi-file'] });
    const b = await readFile(f('signed.msi'));
    await writeFile(f('cut.msi'), b.subarray(0, 1536));
    expect((await verifyFile(f('cut.msi'), { trust })).reasons[0]).toBe('not-an-msi-file');
    const looped = Buffer.from(b);
    const fatSector = looped.readInt32LE(0x4c);
    looped.writeInt32LE(0, (fatSector + 1) * 512); // FAT entry of sector 0 points at itself
    await writeFile(f('fat-loop.msi'), looped);
    const l = await verifyFile(f('fat-loop.msi'), { trust });
    expect(l).toMatchObject({ status: 'NotSupportedFileFormat', reasons: ['not-an-msi-file'] });
    expect(l.details.join(' ')).toMatch(/FAT chain loops/);
  });

  it('a signer under a root the user does not trust is not Valid (osslsigncode agrees)', async () => {
    const other = await issue('Unrelated Root CA', 'root', new Date('2019-01-01Z'), new Date('2049-01-01Z'));
    await writePki(dir, 'other-root', other);
    await writeFile(f('leaf-and-root.pem'), (await readFile(leaf.cert, 'utf8')) + (await readFile(f('root.pem'), 'utf8')));
    await sign(f('agent.msi'), f('with-root.msi'), [], { cert: f('leaf-and-root.pem'), key: leaf.key });
    const untrusted = await loadTrust({ trust: [f('other-root.pem')] });
    const r = await verifyFile(f('with-root.msi'), { trust: untrusted });
    expect(r).toMatchObject({ kind: 'msi', status: 'UnknownError', reasons: ['untrusted-root'] });
    const o = await run('osslsigncode', ['verify', '-in', f('with-root.msi'), '-CAfile', f('other-root.pem'), '-ignore-cdp'], { timeout: 30_000 }).then(() => 'ok', () => 'fail');
    expect(o).toBe('fail');
    expect((await verifyFile(f('with-root.msi'), { trust })).status).toBe('Valid');
  });

  it('an expired publisher with a legacy timestamp (osslsigncode -t, fake legacy TSA) is Valid', async () => {
    const server = await startFakeLegacyTsa({ tsa: tsaFor, time: new Date('2020-07-01T00:00:00Z') });
    try {
      await sign(f('agent.msi'), f('stamped.msi'), ['-t', server.url], expired);
    } finally {
      await server.close();
    }
    const r = await verifyFile(f('stamped.msi'), { trust });
    expect(r).toMatchObject({ status: 'Valid', timestamp: { kind: 'legacy', verified: true, time: '2020-07-01T00:00:00.000Z' } });
    expect(await ossl(f('stamped.msi'))).toBe('ok');
  });

  it('mwb verify handles .msi: exit 0 for a valid package, 1 for a tampered one, kind "msi" in --json', async () => {
    const ok = await mwb(['verify', f('signed.msi'), '--trust', f('root.pem'), '--json']);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout.trim())).toMatchObject({ kind: 'msi', status: 'Valid' });
    const bad = await mwb(['verify', f('tampered-signed.msi'), '--trust', f('root.pem')]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain('HashMismatch');
  });

  it('directory links that loop are refused before cfb follows them (cfb 1.2.2 would abort the process)', async () => {
    const signed = await readFile(f('signed-dse.msi'));
    const refusals: string[] = [];
    // Every 128-byte record that looks like a directory entry: point its right sibling at entry 1 (a fuzz-found crash).
    for (let at = 512; at + 128 <= signed.length; at += 128) {
      const nameLen = signed.readUInt16LE(at + 0x40);
      const type = signed[at + 0x42];
      const right = signed.readInt32LE(at + 0x48);
      if (nameLen < 2 || nameLen > 64 || (type !== 1 && type !== 2) || right === -1 || right === 1) continue;
      const b = Buffer.from(signed);
      b.writeInt32LE(1, at + 0x48);
      await writeFile(f('loop.msi'), b);
      const r = await verifyFile(f('loop.msi'), { trust });
      expect(r.kind).toBe('msi');
      if (r.reasons[0] === 'not-an-msi-file') refusals.push(r.details.join(' '));
    }
    expect(refusals.some((d) => /linked twice|not under the root/.test(d))).toBe(true);
  });

  it('mutated packages give a verdict, never a crash', async () => {
    const signed = await readFile(f('signed-dse.msi'));
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.nat(signed.length - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }), async (edits) => {
        const b = Buffer.from(signed);
        for (const [at, v] of edits) b[at] = v;
        await writeFile(f('fuzz.msi'), b);
        const r = await verifyFile(f('fuzz.msi'), { trust });
        expect(r.kind).toBe('msi');
        expect(r.reasons.length).toBeGreaterThan(0);
      }),
      { numRuns: 40 },
    );
  }, 60_000);
});
