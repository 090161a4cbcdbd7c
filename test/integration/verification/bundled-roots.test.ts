import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFile, rm, writeFile } from 'node:fs/promises';
import { X509Certificate, createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { createNodeServices, type NodeServices } from '../../../main/shell/node-runtime';
import { silentLogger } from '../../../main/platform/logger';
import { VerificationService } from '../../../main/services/verification.service';
import { isWorkbenchError } from '../../../main/common/model/errors';
import { leadCause } from '../../../main/common/verify/cause';
import { reportMarkdown } from '../../../main/common/verify/report-format';
import { makeCorpus, type Corpus } from '../../helpers/authenticode-corpus';
import { tempDir } from '../../helpers/temp-dir';

/*
 * Trust out of the box: the corpus' test root is injected as a "bundled" root through the same loader and manifest
 * format the app ships (assets/data/code-signing-roots). A script signed by a since-expired certificate with an
 * RFC 3161 timestamp whose TSA chains to that root verifies with no trust configured; reports name the anchor's
 * store; distrusting the bundled root turns it into UnknownError led by the untrusted root.
 */
let c: Corpus;
let tmp: string;
let services: NodeServices;
let verification: VerificationService;
let rootSha256: string;
const SCRIPT = 'scripts/valid-expired-leaf-timestamped.ps1';

beforeAll(async () => {
  c = await makeCorpus();
  tmp = await tempDir('mwb-bundled-');
  const bundle = path.join(tmp, 'bundle');
  await import('node:fs/promises').then((f) => f.mkdir(bundle));
  await copyFile(c.root, path.join(bundle, 'corpus-test-root.pem'));
  rootSha256 = createHash('sha256').update(new X509Certificate(await readFile(c.root)).raw).digest('hex').toUpperCase();
  await writeFile(
    path.join(bundle, 'roots.json'),
    JSON.stringify({ listedBy: 'test PKI', listDate: '2026-11-29', roots: [{ file: 'corpus-test-root.pem', name: 'Corpus Test Root CA', sha256: rootSha256, purposes: ['codeSigning', 'timeStamping'], bytesFrom: 'make-corpus.sh' }] }),
  );
  services = createNodeServices({ shell: 'browser', logger: silentLogger, dataDir: path.join(tmp, 'appdata') });
  verification = new VerificationService({ project: services.project, tasks: services.tasks, logger: silentLogger, bundledRootsDir: bundle });
}, 180_000);
afterAll(async () => {
  await services?.dispose();
  await c?.dispose();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

async function check(trust?: { roots: string[] }) {
  const { reports } = await verification.verify({ paths: [path.join(c.dir, SCRIPT)], record: false, ...(trust ? { trust } : {}) });
  return reports[0]!;
}

describe('bundled roots', () => {
  it('a timestamp chain to a bundled root is trusted out of the box, and the report names the store', async () => {
    const r = await check();
    expect(r).toMatchObject({ status: 'Valid', ok: true, reasons: ['ok'] });
    expect(r.timestamp).toMatchObject({ kind: 'rfc3161', verified: true, anchorStore: 'bundled', time: '2020-07-01T00:00:00.000Z' });
    expect(r.chain.at(-1)).toMatchObject({ subject: expect.stringContaining('Corpus Test Root CA'), trustAnchor: true, anchorStore: 'bundled' });
    expect(reportMarkdown([r], '2026-11-29T00:00:00Z')).toContain('- Trusted root: signature: Corpus Test Root CA, from bundled roots');
    expect((await verification.bundledRootList()).roots).toEqual([expect.objectContaining({ name: 'Corpus Test Root CA', thumbprintSha256: rootSha256 })]);
  });

  it("a root the user gives wins over the bundled copy, so the report names the user's store", async () => {
    expect((await check({ roots: [c.root] })).chain.at(-1)?.anchorStore).toBe('run');
    await verification.editTrust({ op: 'addFile', path: c.root, as: 'root' });
    expect((await check()).chain.at(-1)?.anchorStore).toBe('project');
    services.project.undo();
    expect((await check()).chain.at(-1)?.anchorStore).toBe('bundled');
  });

  it('distrusting the bundled root makes the file UnknownError, led by that root; trusting it again restores Valid', async () => {
    const revision = services.project.meta().revision;
    await expect(verification.editTrust({ op: 'distrustBundled', thumbprintSha256: 'AB'.repeat(32) })).rejects.toSatisfy((e) => isWorkbenchError(e, 'not-found'));
    expect(services.project.meta().revision).toBe(revision);

    expect((await verification.editTrust({ op: 'distrustBundled', thumbprintSha256: rootSha256.toLowerCase() })).message).toBe('Corpus Test Root CA is no longer trusted in this project.');
    expect(services.project.document.verification.trust?.distrusted).toEqual([rootSha256]);
    const r = await check();
    expect(r.status).toBe('UnknownError');
    expect(r.reasons).toContain('cert-expired');
    expect(r.timestamp).toMatchObject({ verified: false, chainProblem: 'chain-incomplete', rootNeeded: expect.stringContaining('CN=Corpus Test Root CA') });
    const bundled = [{ subject: r.timestamp!.rootNeeded!, thumbprintSha256: rootSha256, distrusted: true }];
    const cause = leadCause(r, bundled)!;
    expect(cause.title).toMatch(/ends at "Corpus Test Root CA", a root that is not trusted here/);
    expect(cause.consequence).toMatch(/checked at today’s date/);
    expect(cause.roots).toEqual([expect.objectContaining({ name: 'Corpus Test Root CA', action: 'trust-again', thumbprintSha256: rootSha256 })]);
    expect(cause.fix).toMatch(/bundled root you distrusted: trust it again/);
    expect(cause.fix).not.toMatch(/--/);

    await verification.editTrust({ op: 'trustBundled', thumbprintSha256: rootSha256 });
    expect((await check()).status).toBe('Valid');
    services.project.undo();
    expect((await check()).status).toBe('UnknownError');
    services.project.undo();
    expect((await check()).status).toBe('Valid');
  });
});
