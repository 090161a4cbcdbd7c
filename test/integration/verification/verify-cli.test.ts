import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createNodeServices } from '../../../main/shell/node-runtime';
import { silentLogger } from '../../../main/platform/logger';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { makeCorpus, type Corpus } from '../../helpers/authenticode-corpus';
import { mwbProcess } from '../../helpers/mwb-process';

/* `mwb verify` run as a user runs it (a child process: the built CLI when it is current, else the sources through tsx), against the osslsigncode corpus. */
const mwb = (args: string[]) => mwbProcess(args, {}, 60_000);

let c: Corpus;
beforeAll(async () => {
  c = await makeCorpus();
}, 180_000);
afterAll(async () => c?.dispose());

describe('mwb verify (CLI)', () => {
  it('exits 0 when every file is valid, printing signer and chain', async () => {
    const r = await mwb(['verify', path.join(c.dir, 'scripts/valid-timestamped.ps1'), path.join(c.dir, 'sidecars/bsd-tag/aws-sms-azure-setup.ps1'), '--trust', c.root, '--crl', c.crl]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^OK {3}.*valid-timestamped\.ps1 {2}Valid/m);
    expect(r.stdout).toContain('Corpus Signer -> Corpus Test Code Signing CA -> Corpus Test Root CA (trusted)');
    expect(r.stdout).toContain('trusted root: signature: Corpus Test Root CA, from roots given for this run');
    expect(r.stdout).toMatch(/sidecar aws-sms-azure-setup\.ps1\.sha256: match/);
  }, 60_000);

  it('exits 1 when any file is not valid; --json prints one object per file', async () => {
    const r = await mwb(['verify', '--json', '--trust', c.root, path.join(c.dir, 'scripts/valid-utf16le-crlf.ps1'), path.join(c.dir, 'scripts/tampered-body-byte.ps1'), path.join(c.dir, 'scripts/unsigned.ps1')]);
    expect(r.code).toBe(1);
    const objs = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(objs.map((o) => [path.basename(o.file as string), o.status, (o.reasons as string[])[0]])).toEqual([
      ['valid-utf16le-crlf.ps1', 'Valid', 'ok'],
      ['tampered-body-byte.ps1', 'HashMismatch', 'hash-mismatch'],
      ['unsigned.ps1', 'NotSigned', 'unsigned'],
    ]);
    for (const o of objs) for (const k of ['file', 'kind', 'status', 'reasons', 'signer', 'hashes', 'sidecars']) expect(o).toHaveProperty(k);
    expect((objs[0]!.signer as { subject: string }).subject).toContain('Corpus Signer');
    // By default MD5 and SHA-256 (what AWS publishes); SHA-1/SHA-512 only when asked or named by a checksum file.
    expect(Object.keys(objs[0]!.hashes as Record<string, string>)).toEqual(['md5', 'sha256']);
  }, 60_000);

  it('a mismatching sidecar fails the file; a pinned other publisher is NotTrusted', async () => {
    const r = await mwb(['verify', '--json', '--trust', c.root, path.join(c.dir, 'sidecars/wrong-hash/aws-sms-azure-setup.ps1')]);
    expect(r.code).toBe(1);
    const o = JSON.parse(r.stdout) as { status: string; reasons: string[]; sidecars: Array<{ verdict: string }> };
    expect(o.status).toBe('Valid');
    expect(o.reasons).toContain('sidecar-mismatch');
    expect(o.sidecars.map((s) => s.verdict)).toEqual(['mismatch', 'mismatch']);
    const p = await mwb(['verify', '--json', '--trust', c.root, '--publisher', 'AA'.repeat(20), path.join(c.dir, 'scripts/valid-utf8-crlf.ps1')]);
    expect(p.code).toBe(1);
    expect(JSON.parse(p.stdout)).toMatchObject({ status: 'NotTrusted', reasons: ['publisher-not-pinned'] });
  }, 60_000);

  it('plain files are verified by their checksum files: found next to them, or named on the command line', async () => {
    const dir = path.join(c.dir, 'appliance');
    await mkdir(dir, { recursive: true });
    const blob = path.join(dir, 'connector.iso');
    await writeFile(blob, 'not really an appliance\n');
    const sha = createHash('sha256').update('not really an appliance\n').digest('hex');
    const alone = await mwb(['verify', '--json', blob]);
    expect(alone.code).toBe(1);
    expect(JSON.parse(alone.stdout)).toMatchObject({ kind: 'file', status: 'NotSupportedFileFormat', reasons: ['no-signature-format', 'nothing-to-compare'] });
    await writeFile(path.join(dir, 'SHA256SUMS'), `${'0'.repeat(64)}  other.vmdk\n${sha}  connector.iso\n`);
    const found = await mwb(['verify', '--json', blob]);
    expect(found.code).toBe(0);
    expect(JSON.parse(found.stdout)).toMatchObject({ ok: true, sidecars: [{ sidecar: 'SHA256SUMS', verdict: 'match', line: 2 }] });
    const elsewhere = path.join(c.dir, 'connector.iso.sha256');
    await writeFile(elsewhere, `SHA256 (connector.iso) = ${'1'.repeat(64)}\n`);
    const named = await mwb(['verify', '--json', blob, elsewhere]);
    expect(named.code).toBe(1);
    expect((JSON.parse(named.stdout) as { sidecars: Array<{ sidecar: string; verdict: string }> }).sidecars).toEqual(
      expect.arrayContaining([expect.objectContaining({ sidecar: 'connector.iso.sha256', verdict: 'mismatch' })]),
    );
  }, 60_000);

  it('exits 2 on usage errors: no file, bad thumbprint, unreadable trust file', async () => {
    expect((await mwb(['verify'])).code).toBe(2);
    const bad = await mwb(['verify', '--publisher', 'xyz', path.join(c.dir, 'scripts/unsigned.ps1')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/not a certificate thumbprint/);
    expect((await mwb(['verify', '--trust', path.join(c.dir, 'nope.pem'), path.join(c.dir, 'scripts/unsigned.ps1')])).code).toBe(2);
    expect((await mwb(['verify', '--trust', path.join(c.dir, 'manifest.json'), path.join(c.dir, 'scripts/unsigned.ps1')])).code).toBe(2);
  }, 60_000);

  it('a missing file is reported and fails the run (exit 1)', async () => {
    const r = await mwb(['verify', '--trust', c.root, path.join(c.dir, 'missing.ps1'), path.join(c.dir, 'scripts/valid-sha512.ps1')]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/FAIL .*missing\.ps1 {2}No file at/);
    expect(r.stdout).toMatch(/OK {3}.*valid-sha512\.ps1/);
  }, 60_000);

  it('--project uses the project\'s trust and keeps the results in it', async () => {
    const project = path.join(c.dir, 'engagement.mwb.json');
    const services = createNodeServices({ shell: 'browser', logger: silentLogger, dataDir: path.join(c.dir, 'appdata') });
    services.project.newProject('Engagement');
    await services.verification.editTrust({ op: 'addFile', path: c.root, as: 'root' });
    await services.project.saveAs(project);
    await services.dispose();
    const r = await mwb(['verify', '--json', '--project', project, path.join(c.dir, 'scripts/valid-sha384.ps1')]);
    expect(r.code).toBe(0);
    const saved = JSON.parse(await readFile(project, 'utf8')) as { verification: { records: Array<{ name: string; status: string }> } };
    expect(saved.verification.records).toEqual([expect.objectContaining({ name: 'valid-sha384.ps1', status: 'Valid' })]);
    expect((await mwb(['verify', '--project', path.join(c.dir, 'nope.mwb.json'), path.join(c.dir, 'scripts/valid-sha384.ps1')])).code).toBe(2);
  }, 60_000);
});
