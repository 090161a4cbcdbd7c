import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { appendFile, copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { verifyFile } from '../../../main/verification/verify-file';
import { loadTrust, type TrustStore } from '../../../main/verification/trust';
import { tinyPe } from '../../helpers/tiny-pe';
import { sharedPath } from '../../helpers/shared';

/* PE Authenticode against osslsigncode 2.9 (via ../shared/peers/sign-ps1.sh, which signs any file type it knows). */
const run = promisify(execFile);
const SIGN = sharedPath('peers', 'sign-ps1.sh');

let dir = '';
let trust: TrustStore;
const f = (n: string) => path.join(dir, n);

async function ossl(file: string): Promise<'ok' | 'fail'> {
  return run('osslsigncode', ['verify', '-in', file, '-CAfile', f('ca/root.crt'), '-TSA-CAfile', f('ca/root.crt'), '-ignore-cdp'], { timeout: 30_000 }).then(
    () => 'ok',
    () => 'fail',
  );
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'mwb-pe-'));
  await writeFile(f('agent.exe'), tinyPe('migration agent installer'));
  await run('bash', [SIGN, 'ca', f('ca')], { timeout: 60_000 });
  await run('bash', [SIGN, 'sign', f('ca'), f('agent.exe'), f('signed.exe')], { timeout: 60_000 });
  await run('bash', [SIGN, 'sign', f('ca'), f('agent.exe'), f('signed-ts.dll'), 'ts'], { timeout: 60_000 });
  trust = await loadTrust({ trust: [f('ca/root.crt')] });
}, 120_000);
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('PE Authenticode (osslsigncode-signed images)', () => {
  it('a signed executable is Valid, with signer, chain and (when stamped) the timestamp', async () => {
    const r = await verifyFile(f('signed.exe'), { trust });
    expect(r).toMatchObject({ kind: 'pe', status: 'Valid', reasons: ['ok'], digestAlgorithm: 'sha256' });
    expect(r.chain.map((c) => /CN=([^,]+)/.exec(c.subject)?.[1])).toEqual(['Workbench Test Publisher', 'Test Code Signing CA', 'Test Root CA']);
    const ts = await verifyFile(f('signed-ts.dll'), { trust });
    expect(ts.status).toBe('Valid');
    expect(ts.timestamp).toMatchObject({ kind: 'rfc3161', verified: true });
    expect(await ossl(f('signed.exe'))).toBe('ok');
  });

  it('a changed code byte is a HashMismatch (osslsigncode agrees)', async () => {
    const b = await readFile(f('signed.exe'));
    b[0x210] = b[0x210]! ^ 0x20;
    await writeFile(f('tampered.exe'), b);
    const r = await verifyFile(f('tampered.exe'), { trust });
    expect(r).toMatchObject({ status: 'HashMismatch', reasons: ['hash-mismatch'] });
    expect(await ossl(f('tampered.exe'))).toBe('fail');
  });

  it('the CheckSum field is not part of the image hash', async () => {
    const b = await readFile(f('signed.exe'));
    b.writeUInt32LE(0xdeadbeef, 0x58 + 64);
    await writeFile(f('checksum.exe'), b);
    expect((await verifyFile(f('checksum.exe'), { trust })).status).toBe('Valid');
  });

  it('bytes appended after the certificate table are refused', async () => {
    await copyFile(f('signed.exe'), f('appended.exe'));
    await appendFile(f('appended.exe'), Buffer.from('MALWARE PAYLOAD'));
    const r = await verifyFile(f('appended.exe'), { trust });
    expect(r.status).toBe('HashMismatch');
    expect(r.reasons[0]).toBe('trailing-data-after-signature');
  });

  it('unsigned, untrusted and not-a-PE files are told apart', async () => {
    expect(await verifyFile(f('agent.exe'), { trust })).toMatchObject({ status: 'NotSigned', reasons: ['unsigned'] });
    expect(await verifyFile(f('signed.exe'), { trust: { anchors: [], crls: [], publishers: [] } })).toMatchObject({ status: 'UnknownError', ok: false });
    await writeFile(f('readme.exe'), 'this is text, not an executable\n');
    expect(await verifyFile(f('readme.exe'), { trust })).toMatchObject({ status: 'NotSupportedFileFormat', reasons: ['not-a-pe-file'] });
    const b = await readFile(f('signed.exe'));
    b.writeUInt32LE(0x7fffff00, 0x58 + 96 + 32); // security directory points past the end
    await writeFile(f('badtable.exe'), b);
    expect((await verifyFile(f('badtable.exe'), { trust })).reasons[0]).toBe('malformed-signature-block');
  });
});
