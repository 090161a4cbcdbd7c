import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { createNodeServices, type NodeServices } from '../../../main/shell/node-runtime';
import { silentLogger } from '../../../main/platform/logger';
import { isWorkbenchError } from '../../../main/common/model/errors';
import type { TaskProgress } from '../../../main/common/ipc/events';
import { makeCorpus, type Corpus } from '../../helpers/authenticode-corpus';

/* The VerificationService against the osslsigncode corpus: records in the project, undo, cancel, bad input. */
let c: Corpus;
let tmp: string;
let services: NodeServices;
beforeAll(async () => {
  c = await makeCorpus();
  tmp = await mkdtemp(path.join(os.tmpdir(), 'mwb-vsvc-'));
  services = createNodeServices({ shell: 'browser', logger: silentLogger, dataDir: path.join(tmp, 'appdata') });
}, 180_000);
afterAll(async () => {
  await services?.dispose();
  await c?.dispose();
  await rm(tmp, { recursive: true, force: true });
});

describe('VerificationService', () => {
  it('keeps results in the project as one undoable change', async () => {
    const before = services.project.document;
    const { reports, failures } = await services.verification.verify({
      paths: [path.join(c.dir, 'scripts/valid-timestamped.ps1'), path.join(c.dir, 'scripts/tampered-body-byte.ps1'), path.join(c.dir, 'nope.ps1')],
      trust: { roots: [c.root], crls: [c.crl] },
    });
    expect(reports.map((r) => r.status)).toEqual(['Valid', 'HashMismatch']);
    expect(failures).toEqual([expect.objectContaining({ code: 'not-found' })]);
    const records = services.project.document.verification.records;
    expect(records).toHaveLength(before.verification.records.length + 2);
    expect(records.at(-2)).toMatchObject({ name: 'valid-timestamped.ps1', status: 'Valid', ok: true, timestamp: '2025-01-01T00:00:00.000Z', signer: expect.stringContaining('Corpus Signer') });
    expect(records.at(-1)).toMatchObject({ name: 'tampered-body-byte.ps1', ok: false, reasons: ['hash-mismatch'] });
    expect(services.project.meta().dirty).toBe(true);
    services.project.undo();
    expect(services.project.document.verification.records).toEqual(before.verification.records);
  });

  it('a cancelled run changes nothing and reports "cancelled"', async () => {
    const big = path.join(tmp, 'big.bin');
    await writeFile(big, randomBytes(64 * 1024 * 1024));
    const revision = services.project.meta().revision;
    const taskId = 'cancel-me';
    // Cancel on the first progress event that shows hashing under way, so the cancel lands mid-file.
    const progress: TaskProgress[] = [];
    const off = services.events.subscribe('task.progress', (p) => {
      if (p.taskId !== taskId) return;
      progress.push(p);
      if (p.state === 'running' && p.done > 0) services.tasks.cancel(taskId);
    });
    try {
      await expect(services.verification.verify({ paths: [big], taskId })).rejects.toSatisfy((e) => isWorkbenchError(e, 'cancelled'));
    } finally {
      off();
    }
    const underWay = progress.find((p) => p.state === 'running' && p.done > 0);
    expect(underWay, 'no progress event before the end').toBeDefined();
    expect(underWay!.done).toBeLessThan(underWay!.total ?? Infinity);
    expect(progress.at(-1)?.state).toBe('cancelled');
    expect(progress.filter((p) => p.state === 'done')).toEqual([]);
    expect(services.project.meta().revision).toBe(revision);
  });

  it('bad trust input fails before anything is checked or recorded', async () => {
    const revision = services.project.meta().revision;
    await expect(services.verification.verify({ paths: [path.join(c.dir, 'scripts/unsigned.ps1')], trust: { roots: [path.join(c.dir, 'manifest.json')] } })).rejects.toSatisfy((e) =>
      isWorkbenchError(e, 'invalid-input'),
    );
    await expect(services.verification.verify({ paths: [path.join(c.dir, 'sidecars/bare-hex/aws-sms-azure-setup.ps1.md5')] })).rejects.toSatisfy((e) => isWorkbenchError(e, 'invalid-input'));
    expect(services.project.meta().revision).toBe(revision);
  });

  it('writes Markdown and JSON reports', async () => {
    const { reports } = await services.verification.verify({ paths: [path.join(c.dir, 'sidecars/multi-entry/aws-sms-azure-setup.ps1')], trust: { roots: [c.root] }, record: false });
    const md = await services.verification.saveReport(path.join(tmp, 'r.md'), 'markdown', reports);
    const text = await import('node:fs/promises').then((f) => f.readFile(md.path, 'utf8'));
    expect(text).toMatch(/\| aws-sms-azure-setup\.ps1 \| verified \| Valid \| Corpus Signer \|/);
    expect(text).toMatch(/Sidecar aws-sms-azure-setup\.ps1\.sha256: match/);
    const js = await services.verification.saveReport(path.join(tmp, 'r.json'), 'json', reports);
    const obj = JSON.parse(await import('node:fs/promises').then((f) => f.readFile(js.path, 'utf8'))) as { files: Array<{ status: string }> };
    expect(obj.files[0]!.status).toBe('Valid');
    await expect(services.verification.saveReport(path.join(tmp, 'no/such/dir/r.md'), 'markdown', reports)).rejects.toSatisfy((e) => isWorkbenchError(e, 'file-io'));
  });

  it('a folder stands for its files, with the checksum files in it used as sidecars', async () => {
    const { reports } = await services.verification.verify({ paths: [path.join(c.dir, 'sidecars/coreutils')], trust: { roots: [c.root] }, record: false });
    expect(reports.map((r) => [r.name, r.status, r.ok, r.sidecars.map((s) => s.verdict)])).toEqual([['aws-sms-azure-setup.ps1', 'Valid', true, ['match', 'match']]]);
    await mkdir(path.join(tmp, 'empty'), { recursive: true });
    await expect(services.verification.verify({ paths: [path.join(tmp, 'empty')] })).rejects.toSatisfy((e) => isWorkbenchError(e, 'invalid-input'));
  });

  it('keeps trust in the project as PEM: undoable, used by later runs, bad files change nothing', async () => {
    const file = path.join(c.dir, 'scripts/revoked-leaf.ps1');
    expect((await services.verification.verify({ paths: [file], record: false })).reports[0]!.reasons[0]).toBe('chain-incomplete');
    const before = services.project.meta().revision;
    await expect(services.verification.editTrust({ op: 'addFile', path: path.join(c.dir, 'manifest.json'), as: 'root' })).rejects.toSatisfy((e) => isWorkbenchError(e, 'invalid-input'));
    expect(services.project.meta().revision).toBe(before);
    expect((await services.verification.editTrust({ op: 'addFile', path: c.root, as: 'root' })).message).toMatch(/Trusted CN=Corpus Test Root CA/);
    await services.verification.editTrust({ op: 'addFile', path: c.crl, as: 'crl' });
    const trust = services.project.document.verification.trust!;
    expect(trust.roots[0]!.pem).toMatch(/^-----BEGIN CERTIFICATE-----/);
    expect(trust.crls[0]).toMatchObject({ issuer: 'CN=Corpus Test Code Signing CA, O=Authenticode Corpus' });
    expect((await services.verification.verify({ paths: [file], record: false })).reports[0]!.reasons[0]).toBe('revoked');
    services.project.undo();
    expect((await services.verification.verify({ paths: [file], record: false })).reports[0]!.status).toBe('Valid');
    const thumb = (await services.verification.verify({ paths: [file], record: false })).reports[0]!.signer!.thumbprintSha1;
    await services.verification.editTrust({ op: 'pinPublisher', thumbprint: 'AB'.repeat(20) });
    expect((await services.verification.verify({ paths: [file], record: false })).reports[0]!.status).toBe('NotTrusted');
    await services.verification.editTrust({ op: 'pinPublisher', thumbprint: thumb });
    expect((await services.verification.verify({ paths: [file], record: false })).reports[0]!.status).toBe('Valid');
    services.project.undo();
    services.project.undo();
    services.project.undo();
    expect(services.project.document.verification.trust?.roots ?? []).toEqual([]);
  });
});
