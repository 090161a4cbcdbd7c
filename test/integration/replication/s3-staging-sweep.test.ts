// S3 staging objects do not leak (Ceph radosgw, /work/shared/peers/start-radosgw.sh, the vitest run's one instance
// (helpers/shared-radosgw.ts), in a bucket of this file's own; the strict fake's EC2 imports from it): once an S3 run's
// object is complete, the disk's earlier objects that no pending or future step needs are deleted: a failed import's
// (once the image changed: with the image unchanged the next run imports from it again, uploading nothing), a run's
// whose AMI step never started (killed between s3-complete and ami-start), a no-AMI run's output that the next run
// replaces. Objects of another server, disk or project, of another key form or without our metadata are never touched,
// and the object an AMI step started and not ended names survives. `mwb replicate --ami none` keeps its object as the
// run's output and says what it deleted, and so does a replication job's notice.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { CreateBucketCommand, CreateMultipartUploadCommand, GetObjectCommand, ListMultipartUploadsCommand, ListObjectsV2Command, PutObjectCommand, S3Client, UploadPartCommand } from '@aws-sdk/client-s3';
import { tempDir } from '../../helpers/temp-dir';
import { sharedRadosgw } from '../../helpers/shared-radosgw';
import { testServices } from '../../helpers/services';
import { docWithServers } from '../../helpers/plan-fixtures';
import { mwbProcess } from '../../helpers/mwb-process';
import { startFakeEbs, type FakeEbs } from '../../fakes/ebs-direct.fake';
import { Journal, runReplicationJob, type S3DiskRunResult, type S3TransportOptions } from '../../../main/replication/engine';
import { stagingPrefix } from '../../../main/replication/engine/run-disk-s3';
import type { Services } from '../../../main/services/container';

const MiB = 2 ** 20;
const BUCKET = 'mwb-staging-sweep';
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

let dir: string;
let endpoint: string;
let s3: S3Client;
let fake: FakeEbs;
let services: Services;
let image: string;

async function getObject(key: string): Promise<Buffer> {
  const r = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
  return Buffer.from(await r.Body!.transformToByteArray());
}
async function keys(prefix: string): Promise<string[]> {
  const r = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix }));
  return (r.Contents ?? []).map((o) => o.Key!).sort();
}
const put = (key: string, metadata: Record<string, string> = {}) => s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: Buffer.from('not a disk'), Metadata: metadata }));
/** A disk's staging key prefix (`mwb-staging/<project>/<server>/<disk>-`, names made unique: `Hard disk 1` → `Hard_disk_1.<hash>`). */
const prefixOf = (project: string, server: string, disk: string) => stagingPrefix(undefined, { 'mwb:project': project, 'mwb:server': server }, disk);
const staged = (meta: { project: string; server: string; disk: string }) => {
  const run = randomUUID();
  return { key: `${prefixOf(meta.project, meta.server, meta.disk)}${run}.raw`, metadata: { 'mwb-project': meta.project, 'mwb-server': meta.server, 'mwb-disk': meta.disk, 'mwb-run': run } };
};
async function uploads(prefix: string): Promise<string[]> {
  const r = await s3.send(new ListMultipartUploadsCommand({ Bucket: BUCKET, Prefix: prefix }));
  return (r.Uploads ?? []).map((u) => u.UploadId!).sort();
}
const createUpload = async (key: string, metadata: Record<string, string> = {}) => (await s3.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: key, Metadata: metadata }))).UploadId!;
const transport = (): S3TransportOptions => ({ kind: 's3', bucket: BUCKET, region: 'us-east-1', endpointUrl: fake.url, s3EndpointUrl: endpoint });
const url = (key: string) => `s3://${BUCKET}/${key}`;

beforeAll(async () => {
  dir = await tempDir('mwb-rgw-sweep-');
  endpoint = await sharedRadosgw();
  process.env.AWS_ACCESS_KEY_ID = 'TESTACCESSKEY';
  process.env.AWS_SECRET_ACCESS_KEY = 'TESTSECRETKEY';
  process.env.AWS_EC2_METADATA_DISABLED = 'true';
  s3 = new S3Client({ region: 'us-east-1', endpoint, forcePathStyle: true, requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' });
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  fake = await startFakeEbs({ importSteps: 1, s3Object: (bucket, key) => (bucket === BUCKET ? getObject(key) : Promise.reject(new Error('no such bucket'))) });
  image = path.join(dir, 'disk.raw');
  const content = Buffer.alloc(6 * MiB);
  randomBytes(2 * MiB).copy(content, MiB);
  await fs.writeFile(image, content);
  services = testServices(dir);
  const file = path.join(dir, 'estate.mwb.json');
  await fs.writeFile(file, JSON.stringify(docWithServers(4)));
  await services.project.open(file);
}, 660_000);
afterAll(async () => {
  services?.dispose();
  s3?.destroy();
  await fake?.close();
  await fs.rm(dir, { recursive: true, force: true });
}, 120_000);

describe('S3 staging objects do not leak', () => {
  it("a failed import's object is deleted by the next run of a changed image; objects of another server, disk or project, or not ours, are never touched", async () => {
    const otherServer = staged({ project: 'p1', server: 'S9', disk: 'Hard disk 1' });
    const otherDisk = staged({ project: 'p1', server: 'S1', disk: 'Hard disk 10' });
    const otherProject = staged({ project: 'p2', server: 'S1', disk: 'Hard disk 1' });
    const noMetadata = staged({ project: 'p1', server: 'S1', disk: 'Hard disk 1' });
    const otherForm = `${prefixOf('p1', 'S1', 'Hard disk 1')}notes.raw`;
    // Our metadata but another project's: at this disk's prefix, still not this disk's object.
    const foreignMeta = staged({ project: 'p1', server: 'S1', disk: 'Hard disk 1' });
    for (const o of [otherServer, otherDisk, otherProject]) await put(o.key, o.metadata);
    await put(noMetadata.key);
    await put(otherForm, noMetadata.metadata);
    await put(foreignMeta.key, { ...foreignMeta.metadata, 'mwb-project': 'p2' });
    const untouched = [otherServer.key, otherDisk.key, otherProject.key, noMetadata.key, otherForm, foreignMeta.key];

    services.replication.configure('S1', { disks: [{ disk: 'Hard disk 1', image }] });
    fake.options.importFailure = 'ClientError: Unknown OS / Missing OS files.';
    const failed = await services.replication.replicate({ server: 'S1', transport: transport(), ami: 'import', amiPoll: { initialMs: 5, maxMs: 20 } });
    expect(failed.status).toBe('failed');
    const first = failed.disks[0]!.object!.key;
    expect(failed.staging).toMatchObject({ deleted: [], kept: [url(first)] });
    expect(failed.staging!.message).toContain('no AMI was made');
    expect(first.startsWith(prefixOf('p1', 'S1', 'Hard disk 1'))).toBe(true);
    expect(await keys(prefixOf('p1', 'S1', 'Hard disk 1'))).toContain(first);

    fake.options.importFailure = undefined;
    // The image changed since (its modification time): the disk is staged anew, and the failed import's object swept.
    const later = new Date(Date.now() + 60_000);
    await fs.utimes(image, later, later);
    const done = await services.replication.replicate({ server: 'S1', transport: transport(), ami: 'import', amiPoll: { initialMs: 5, maxMs: 20 } });
    expect(done, done.message).toMatchObject({ status: 'completed', staging: { deleted: [url(first)], kept: [] } });
    expect(done.disks[0]).toMatchObject({ bytesSent: 6 * MiB });
    expect((done.disks[0] as S3DiskRunResult).reusedObject).toBeUndefined();
    expect(done.amiId).toBeTruthy();
    expect(done.staging!.message).toContain(url(first));
    // The failed import's object and this run's (imported, then deleted) are gone; the others are all there.
    expect(await keys('mwb-staging/')).toEqual([...untouched].sort());
  }, 300_000);

  it('after a failed VM Import of an unchanged image, the next run imports from the same staged object without uploading it again; the object goes once the AMI is made', async () => {
    const image2 = path.join(dir, 'disk2.raw');
    await fs.writeFile(image2, randomBytes(5 * MiB));
    const prefix = prefixOf('p1', 'S4', 'Hard disk 1');
    services.replication.configure('S4', { disks: [{ disk: 'Hard disk 1', image: image2 }] });
    const replicate = () => services.replication.replicate({ server: 'S4', transport: transport(), ami: 'import', amiPoll: { initialMs: 5, maxMs: 20 } });
    const imports = () => fake.ec2Calls.filter((c) => c.action === 'ImportImage').map((c) => ({ key: c.params['DiskContainer.1.UserBucket.S3Key'], token: c.params.ClientToken }));
    const before = imports().length;

    fake.options.importFailure = 'ClientError: Unknown OS / Missing OS files.';
    let failed, again;
    // Stray multipart uploads of this disk (a run the journal never recorded) cost storage: the run that reuses the
    // object aborts them too, as an uploading run does; an upload of another key form under the prefix, or of another
    // server, is not ours and stays.
    let strays: string[] = [];
    let kept: string[] = [];
    try {
      failed = await replicate();
      strays = [await createUpload(`${prefix}${randomUUID()}.raw`), await createUpload(`${prefix}${randomUUID()}.raw`)];
      kept = [await createUpload(`${prefix}notes.raw`), await createUpload(`${prefixOf('p1', 'S9', 'Hard disk 1')}${randomUUID()}.raw`)];
      expect(await uploads('mwb-staging/')).toEqual(expect.arrayContaining([...strays, ...kept]));
      again = await replicate();
    } finally {
      fake.options.importFailure = undefined;
    }
    expect(failed.status).toBe('failed');
    const staged = failed.disks[0]!.object!.key;
    expect(failed.disks[0]).toMatchObject({ bytesSent: 5 * MiB });
    expect(failed.staging!.message).toContain('imports from it again if the image is unchanged');
    // A second failure: the object is used again, still nothing uploaded, and it stays for the next try.
    expect(again.status).toBe('failed');
    expect(again.disks[0]).toMatchObject({ bytesSent: 0, blocksSent: 0, reusedObject: true, object: { key: staged, size: 5 * MiB } });
    expect(await keys(prefix)).toEqual([staged]);
    const left = await uploads('mwb-staging/');
    expect(left).toEqual(expect.arrayContaining(kept));
    for (const id of strays) expect(left).not.toContain(id);
    // A run killed while it journaled the reuse (its s3-start naming the object, its s3-complete torn off) is not
    // resumed as an upload into that object: the next run reuses it again.
    const journalFile = path.join(services.replication.jobDir('s4'), 'journal-s3.log');
    const lastStart = (await Journal.read(journalFile)).filter((r) => r.t === 's3-start').at(-1)!;
    const torn = await Journal.open(journalFile);
    const tornRun = randomUUID();
    await torn.append({ ...lastStart, run: tornRun, at: new Date().toISOString() });
    await torn.close();

    const done = await replicate();
    // Nothing else to sweep; the object itself was deleted once VM Import had made the AMI.
    expect(done, done.message).toMatchObject({ status: 'completed', staging: { deleted: [], kept: [] } });
    expect(done.staging!.message).toContain(`deleted from the bucket once VM Import had made the AMI: ${url(staged)}`);
    expect(done.disks[0]).toMatchObject({ bytesSent: 0, reusedObject: true, object: { key: staged } });
    expect(done.amiId).toBeTruthy();
    expect(done.staging!.message).toContain(`Nothing was uploaded for a disk: the image is unchanged since VM Import failed on its staged object, which was used again: ${url(staged)}`);
    // Three imports from the one object, each a new task (a new ClientToken: the failed task is not found again).
    const calls = imports().slice(before);
    expect(calls.map((c) => c.key)).toEqual([staged, staged, staged]);
    expect(new Set(calls.map((c) => c.token)).size).toBe(3);
    // The journal shows one upload only; the object went once VM Import had made the AMI.
    const records = await Journal.read(journalFile);
    expect(records.filter((r) => r.t === 's3-upload')).toHaveLength(1);
    // The killed run is given up for what it was: an unfinished reuse record, not a changed image.
    expect(records.filter((r) => r.t === 'inconsistent')).toEqual([
      { t: 'inconsistent', run: tornRun, disk: 'Hard disk 1', code: 'reuse-unfinished', reason: "the run that reused a failed import's staged object was cut off before it was journaled complete; it is never resumed as an upload", at: expect.any(String) },
    ]);
    expect(await keys(prefix)).toEqual([]);
  }, 300_000);

  it('a run killed between s3-complete and ami-start leaves nothing behind after the next run', async () => {
    services.replication.configure('S2', { disks: [{ disk: 'Hard disk 1', image }] });
    // What a kill after the disk's upload and before the AMI step leaves: the journal's run ends at s3-complete, the
    // object is in the bucket, and no ami-start names it (the same engine run the service makes, and nothing after it).
    const [killed] = (await runReplicationJob({ jobDir: services.replication.jobDir('s2'), disks: [{ disk: 'Hard disk 1', image, transport: transport(), tags: { 'mwb:server': 'S2', 'mwb:project': 'p1' } }] })) as S3DiskRunResult[];
    expect(killed).toMatchObject({ status: 'completed', staging: { deleted: [] } });
    const records = await Journal.read(path.join(services.replication.jobDir('s2'), 'journal-s3.log'));
    expect(records.at(-1)).toMatchObject({ t: 's3-complete', key: killed!.object!.key });
    expect(await keys('mwb-staging/p1/S2/')).toEqual([killed!.object!.key]);

    const next = await services.replication.replicate({ server: 'S2', transport: transport(), ami: 'import', amiPoll: { initialMs: 5, maxMs: 20 } });
    expect(next, next.message).toMatchObject({ status: 'completed', staging: { deleted: [url(killed!.object!.key)], kept: [] } });
    expect(next.disks[0]!.object!.key).not.toBe(killed!.object!.key);
    expect(await keys('mwb-staging/p1/S2/')).toEqual([]);
  }, 300_000);

  it("the object of an AMI step started and not ended survives the disk's later runs; once the step ends it goes", async () => {
    const jobDir = path.join(dir, 'engine-job');
    const disk = { disk: 'Hard disk 1', image, transport: transport(), tags: { 'mwb:server': 'S3', 'mwb:project': 'p1' } };
    const [a] = (await runReplicationJob({ jobDir, disks: [disk] })) as S3DiskRunResult[];
    // The AMI step of run a started (its import reads the object) and has not ended.
    const journal = await Journal.open(path.join(jobDir, 'journal-s3.log'));
    const ami = a!.run!;
    await journal.append({ t: 'ami-start', ami, mode: 'import', runs: [{ disk: 'Hard disk 1', run: a!.run! }], sources: [{ kind: 's3', disk: 'Hard disk 1', bucket: BUCKET, key: a!.object!.key, format: 'raw' }], name: 'mwb-S3', at: new Date().toISOString() });
    await journal.close();
    const [b] = (await runReplicationJob({ jobDir, disks: [disk] })) as S3DiskRunResult[];
    expect(b).toMatchObject({ status: 'completed', staging: { deleted: [] } });
    expect(await keys('mwb-staging/p1/S3/')).toEqual([a!.object!.key, b!.object!.key].sort());

    const again = await Journal.open(path.join(jobDir, 'journal-s3.log'));
    await again.append({ t: 'ami-end', ami, outcome: 'failed', message: 'import-failed', at: new Date().toISOString() });
    await again.close();
    const [c] = (await runReplicationJob({ jobDir, disks: [disk] })) as S3DiskRunResult[];
    expect(c!.staging!.deleted.sort()).toEqual([a!.object!.key, b!.object!.key].sort());
    expect(await keys('mwb-staging/p1/S3/')).toEqual([c!.object!.key]);
  }, 300_000);

  it('mwb replicate --ami none keeps its object as the output, says so, and the next run replaces it', async () => {
    const project = path.join(dir, 'cli.mwb.json');
    await fs.writeFile(project, JSON.stringify(docWithServers(1)));
    const env = { MWB_HOME: path.join(dir, 'cli-home'), AWS_ACCESS_KEY_ID: 'TESTACCESSKEY', AWS_SECRET_ACCESS_KEY: 'TESTSECRETKEY', AWS_EC2_METADATA_DISABLED: 'true', AWS_CONFIG_FILE: path.join(dir, 'none'), AWS_SHARED_CREDENTIALS_FILE: path.join(dir, 'none') };
    const args = (json: boolean) => ['replicate', '--project', project, '--server', 'S1', '--disk-image', `cli-disk=${image}`, '--transport', 's3', '--bucket', BUCKET, '--region', 'us-east-1', '--endpoint-url', endpoint, '--ami', 'none', '--once', ...(json ? ['--json'] : [])];
    // The same project id as the first test's (p1), another disk name: its objects are not this disk's.
    const first = await mwbProcess(args(true), env);
    expect(first.code, first.stderr).toBe(0);
    const one = JSON.parse(first.stdout) as { status: string; staging: { deleted: string[]; kept: string[]; message: string }; disks: Array<{ stagedObject: string }> };
    expect(one).toMatchObject({ status: 'completed', staging: { deleted: [], kept: [one.disks[0]!.stagedObject] } });
    expect(one.staging.message).toContain("as this run's output (no AMI was asked for)");
    const firstKey = one.disks[0]!.stagedObject.slice(`s3://${BUCKET}/`.length);
    expect(await keys('mwb-staging/p1/S1/cli-disk-')).toEqual([firstKey]);

    const second = await mwbProcess(args(false), env);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toContain(`staging: Deleted a staging object of earlier runs that nothing needs any more: ${one.disks[0]!.stagedObject}.`);
    const left = await keys('mwb-staging/p1/S1/cli-disk-');
    expect(left).toHaveLength(1);
    expect(left[0]).not.toBe(firstKey);
    expect(second.stdout).toContain(`as this run's output (no AMI was asked for) until the next S3 run replaces it: s3://${BUCKET}/${left[0]}.`);
    // The first test's objects of disk Hard disk 1 (same project and server) are still there.
    expect(await keys(prefixOf('p1', 'S1', 'Hard disk 1'))).toHaveLength(3);
  }, 300_000);

  it("a replication job with no AMI: the server's notice says the object is kept as the output, and what the next run deleted", async () => {
    // S2's objects are all gone (the test above); the job speaks S3 only (no AMI), so radosgw is its one endpoint.
    const start = () => services.replicationJobs.start({ kind: 'server', id: 'S2' }, { once: true, transport: { region: 'us-east-1', endpointUrl: endpoint }, run: { s3Bucket: BUCKET, ami: 'none' } });
    const first = await services.replicationJobs.settled(start().id);
    expect(first.servers[0]).toMatchObject({ state: 'completed' });
    const [kept] = await keys('mwb-staging/p1/S2/');
    expect(first.servers[0]!.notice).toBe(`The staged disk stays in the bucket as this run's output (no AMI was asked for) until the next S3 run replaces it: ${url(kept!)}.`);
    const second = await services.replicationJobs.settled(start().id);
    const [now] = await keys('mwb-staging/p1/S2/');
    expect(now).not.toBe(kept);
    expect(second.servers[0]!.notice).toBe(`Deleted a staging object of earlier runs that nothing needs any more: ${url(kept!)}. The staged disk stays in the bucket as this run's output (no AMI was asked for) until the next S3 run replaces it: ${url(now!)}.`);
  }, 300_000);

  it('servers whose names differ only in characters a key cannot hold stage under prefixes of their own: one never aborts the other\'s upload in progress', async () => {
    const big = path.join(dir, 'web.raw');
    const content = randomBytes(12 * MiB);
    await fs.writeFile(big, content);
    const disk = (server: string) => ({ disk: 'Hard disk 1', image: big, transport: transport(), partSize: 5 * MiB, concurrency: 1, tags: { 'mwb:server': server, 'mwb:project': 'p1' } });
    const jobA = path.join(dir, 'job-web-slash');
    const jobB = path.join(dir, 'job-web-underscore');
    // WEB_01's upload is interrupted after its first part.
    const ac = new AbortController();
    await expect(runReplicationJob({ jobDir: jobB, disks: [disk('WEB_01')], signal: ac.signal, onProgress: (p) => p.bytesSent >= 5 * MiB && ac.abort() })).rejects.toThrow(/interrupted/);
    expect(await uploads(prefixOf('p1', 'WEB_01', 'Hard disk 1'))).toHaveLength(1);
    // WEB/01 stages the same disk label meanwhile, from start to end.
    const [a] = (await runReplicationJob({ jobDir: jobA, disks: [disk('WEB/01')] })) as S3DiskRunResult[];
    expect(a, a!.message).toMatchObject({ status: 'completed' });
    expect(a!.object!.key.startsWith(prefixOf('p1', 'WEB/01', 'Hard disk 1'))).toBe(true);
    expect(prefixOf('p1', 'WEB/01', 'Hard disk 1')).toMatch(/^mwb-staging\/p1\/WEB_01\.[0-9a-f]{8}\/Hard_disk_1\.[0-9a-f]{8}-$/);
    // WEB_01's upload was left alone: its run resumes it and sends only the parts the bucket lacks.
    const [b] = (await runReplicationJob({ jobDir: jobB, disks: [disk('WEB_01')] })) as S3DiskRunResult[];
    expect(b, b!.message).toMatchObject({ status: 'completed', resumed: true });
    expect(b!.bytesSent).toBeLessThanOrEqual(7 * MiB);
    expect(b!.object!.key.startsWith('mwb-staging/p1/WEB_01/Hard_disk_1.')).toBe(true);
    expect(sha(await getObject(b!.object!.key))).toBe(sha(content));
    expect(sha(await getObject(a!.object!.key))).toBe(sha(content));
    // `web 01` and `web_01` likewise.
    expect(prefixOf('p1', 'web 01', 'd')).not.toBe(prefixOf('p1', 'web_01', 'd'));
  }, 300_000);

  it("a journal of an earlier version, whose keys did not keep such names apart: its upload in progress resumes into its key, its objects there are swept or imported again, another server's there are never touched", async () => {
    const img = path.join(dir, 'legacy.raw');
    const content = randomBytes(11 * MiB);
    await fs.writeFile(img, content);
    const jobDir = path.join(dir, 'job-legacy');
    const tags = { 'mwb:server': 'WEB 02', 'mwb:project': 'p1' };
    // How earlier versions named this disk's keys: WEB_02/Hard_disk_1-, the prefix server `WEB_02` had too.
    const old = 'mwb-staging/p1/WEB_02/Hard_disk_1-';
    const meta = (run: string, server = 'WEB 02') => ({ 'mwb-server': server, 'mwb-project': 'p1', 'mwb-disk': 'Hard disk 1', 'mwb-run': run });
    const st = await fs.stat(img);
    const fp = [{ path: path.resolve(img), size: st.size, mtimeMs: st.mtimeMs }];
    const at = new Date().toISOString();
    // An earlier run's output (no AMI), complete: nothing needs it once this disk has a newer object.
    const run0 = randomUUID();
    await put(`${old}${run0}.raw`, meta(run0));
    // A run in progress, killed after its first part.
    const run1 = randomUUID();
    const key1 = `${old}${run1}.raw`;
    const uploadId = await createUpload(key1, meta(run1));
    const part = await s3.send(new UploadPartCommand({ Bucket: BUCKET, Key: key1, UploadId: uploadId, PartNumber: 1, Body: content.subarray(0, 5 * MiB), ContentLength: 5 * MiB }));
    const journal = await Journal.open(path.join(jobDir, 'journal-s3.log'));
    await journal.append(
      { t: 's3-start', run: run0, disk: 'Hard disk 1', image: path.resolve(img), fingerprint: fp, bucket: BUCKET, key: `${old}${run0}.raw`, partSize: 5 * MiB, at },
      { t: 's3-complete', run: run0, disk: 'Hard disk 1', bucket: BUCKET, key: `${old}${run0}.raw`, size: content.length, at },
      { t: 's3-start', run: run1, disk: 'Hard disk 1', image: path.resolve(img), fingerprint: fp, bucket: BUCKET, key: key1, partSize: 5 * MiB, at },
      { t: 's3-upload', run: run1, disk: 'Hard disk 1', uploadId },
      { t: 's3-part', run: run1, disk: 'Hard disk 1', n: 1, etag: part.ETag!.replace(/"/g, '') },
    );
    await journal.close();
    // Server `WEB_02`'s object and upload in progress under that same prefix: not this server's.
    const theirs = randomUUID();
    await put(`${old}${theirs}.raw`, meta(theirs, 'WEB_02'));
    const theirUpload = await createUpload(`${old}${randomUUID()}.raw`, meta(randomUUID(), 'WEB_02'));

    const disk = { disk: 'Hard disk 1', image: img, transport: transport(), partSize: 5 * MiB, concurrency: 1, tags };
    const [resumed] = (await runReplicationJob({ jobDir, disks: [disk] })) as S3DiskRunResult[];
    expect(resumed, resumed!.message).toMatchObject({ status: 'completed', resumed: true, run: run1, object: { key: key1, size: content.length }, bytesSent: 6 * MiB });
    expect(sha(await getObject(key1))).toBe(sha(content));
    expect(resumed!.staging).toEqual({ bucket: BUCKET, deleted: [`${old}${run0}.raw`] });
    expect(await keys(old)).toEqual([key1, `${old}${theirs}.raw`].sort());
    expect(await uploads(old)).toEqual([theirUpload]);

    // A failed VM Import of that object: the next run of the unchanged image imports from it again, at its old key.
    const again = await Journal.open(path.join(jobDir, 'journal-s3.log'));
    await again.append(
      { t: 'ami-start', ami: run1, mode: 'import', runs: [{ disk: 'Hard disk 1', run: run1 }], sources: [{ kind: 's3', disk: 'Hard disk 1', bucket: BUCKET, key: key1, format: 'raw' }], name: 'mwb-WEB 02', at },
      { t: 'ami-end', ami: run1, outcome: 'failed', message: 'import-failed', at },
    );
    await again.close();
    const [reused] = (await runReplicationJob({ jobDir, disks: [disk] })) as S3DiskRunResult[];
    expect(reused, reused!.message).toMatchObject({ status: 'completed', reusedObject: true, bytesSent: 0, object: { key: key1 } });
    expect(await keys(old)).toEqual([key1, `${old}${theirs}.raw`].sort());
    expect(await uploads(old)).toEqual([theirUpload]);
    // Today's prefix of this disk holds nothing: nothing was staged anew.
    expect(await keys(prefixOf('p1', 'WEB 02', 'Hard disk 1'))).toEqual([]);
  }, 300_000);
});

