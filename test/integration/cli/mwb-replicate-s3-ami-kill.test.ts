// `mwb replicate --transport s3` (a child process) SIGKILLed during the VM Import step: the disk is staged in Ceph
// radosgw (/work/shared/peers/start-radosgw.sh, the vitest run's one instance (helpers/shared-radosgw.ts), in a bucket
// of this file's own), and the strict fake's EC2 imports it (reading the object from radosgw). The CLI has one
// --endpoint-url for EC2 and S3, so a loopback router in this test sends the bucket's paths to radosgw and the rest to
// the fake. The restarts finish the same import task (found by ImportImage's ClientToken after a kill before its id was
// journaled, then polled from the journal): one import, no part uploaded again, the AMI recorded, the staging object
// deleted. `--ami none` after such a kill cancels the task and deletes the killed run's staging object. Killed after
// CompleteMultipartUpload (at the HeadObject that checks the object, before s3-complete is journaled), the restart
// stages the disk anew and deletes the orphaned object; a staging object that cannot be deleted after its AMI is made
// (access denied) is said to be kept, and the next run deletes it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash, randomBytes } from 'node:crypto';
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { CreateBucketCommand, GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { tempDir } from '../../helpers/temp-dir';
import { startS3Ec2Router, type S3Ec2Router } from '../../helpers/s3-ec2-router';
import { sharedRadosgw } from '../../helpers/shared-radosgw';
import { mwbKilledAtEc2, mwbKilledWhen, mwbProcess } from '../../helpers/mwb-process';
import { docWithServers } from '../../helpers/plan-fixtures';
import { startFakeEbs, type FakeEbs } from '../../fakes/ebs-direct.fake';
import { decodeJournal, type JournalRecord } from '../../../main/replication/engine/journal';

const MiB = 2 ** 20;
const BUCKET = 'mwb-staging-kill';
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

let dir: string;
let rgw: string;
let s3: S3Client;
let fake: FakeEbs;
let router: S3Ec2Router;
let env: NodeJS.ProcessEnv;
let project: string;
const images: Record<string, { file: string; content: Buffer }> = {};

async function getObject(key: string): Promise<Buffer> {
  const r = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
  return Buffer.from(await r.Body!.transformToByteArray());
}
const objectExists = (key: string) =>
  s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key })).then(
    () => true,
    (err: { $metadata?: { httpStatusCode?: number } }) => {
      if (err.$metadata?.httpStatusCode === 404) return false;
      throw err;
    },
  );

const args = (server: string, ami = 'import', bucket = BUCKET) => ['replicate', '--project', project, '--server', server, '--disk-image', `disk0=${images[server]!.file}`, '--transport', 's3', '--bucket', bucket, '--region', 'us-east-1', '--endpoint-url', router.url, '--ami', ami, '--ami-poll-seconds', '0.05', '--once', '--json'];
const journal = async (server: string): Promise<JournalRecord[]> => decodeJournal(await readFile(path.join(env.MWB_HOME!, 'replication', 'p1', server, 'journal-s3.log'))).records;
const imports = () => fake.ec2Calls.filter((c) => c.action === 'ImportImage');
/** Uploads of parts and of new multipart uploads (UploadPart: PUT ?partNumber&uploadId; CreateMultipartUpload: POST ?uploads). */
const uploads = () => router.s3Requests.filter((r) => (r.method === 'PUT' && /[?&]uploadId=/.test(r.url)) || (r.method === 'POST' && /[?&]uploads(=|&|$)/.test(r.url)));
const savedServer = async (id: string) => {
  const doc = JSON.parse(await readFile(project, 'utf8')) as { replication?: { servers: Array<{ serverId: string; transport?: string; lastRun?: { status: string; amiId?: string; message?: string }; runs?: Array<{ status: string; amiId?: string; message?: string }> }> } };
  return doc.replication?.servers.find((s) => s.serverId === id);
};

async function killedAt(server: string, action: string, ami = 'import') {
  const out = await mwbKilledAtEc2(fake, args(server, ami), env, action);
  expect(out.hit, `the CLI ended before ${action}`).toBe(true);
  expect(out.signal).toBe('SIGKILL');
}

beforeAll(async () => {
  dir = await tempDir('mwb-replicate-s3-ami-');
  rgw = await sharedRadosgw();
  const keys = { AWS_ACCESS_KEY_ID: 'TESTACCESSKEY', AWS_SECRET_ACCESS_KEY: 'TESTSECRETKEY' };
  s3 = new S3Client({ region: 'us-east-1', endpoint: rgw, forcePathStyle: true, credentials: { accessKeyId: keys.AWS_ACCESS_KEY_ID, secretAccessKey: keys.AWS_SECRET_ACCESS_KEY }, requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' });
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  fake = await startFakeEbs({ importSteps: 2, s3Object: (bucket, key) => (bucket === BUCKET ? getObject(key) : Promise.reject(new Error('no such bucket'))) });
  router = await startS3Ec2Router(BUCKET, rgw, fake.url);
  env = { MWB_HOME: path.join(dir, 'home'), ...keys, AWS_EC2_METADATA_DISABLED: 'true', AWS_CONFIG_FILE: path.join(dir, 'none'), AWS_SHARED_CREDENTIALS_FILE: path.join(dir, 'none') };
  project = path.join(dir, 'estate.mwb.json');
  await writeFile(project, JSON.stringify(docWithServers(3)));
  for (const server of ['S1', 'S2', 'S3']) {
    // 20 MiB: two 16 MiB parts, data in both.
    const content = Buffer.alloc(20 * MiB);
    for (let off = 0; off < content.length; off += 4 * MiB) randomBytes(MiB).copy(content, off);
    const file = path.join(dir, `${server}.raw`);
    await writeFile(file, content);
    images[server] = { file, content };
  }
}, 660_000);
afterAll(async () => {
  await router?.close();
  s3?.destroy();
  await fake?.close();
  await rm(dir, { recursive: true, force: true });
}, 120_000);

describe('mwb replicate --transport s3: SIGKILL during the VM Import step', () => {
  it('the restarts finish the same import task: one import, nothing uploaded again, the AMI recorded, the staging object deleted', async () => {
    // 1. Killed when ImportImage arrives: the object is staged, AWS starts the task, the CLI never learns its id.
    await killedAt('S1', 'ImportImage');
    expect(fake.importTasks.size).toBe(1);
    const token = imports()[0]!.params.ClientToken;
    const key = imports()[0]!.params['DiskContainer.1.UserBucket.S3Key']!;
    expect(imports()[0]!.params['DiskContainer.1.UserBucket.S3Bucket']).toBe(BUCKET);
    expect(await objectExists(key)).toBe(true);
    const uploadsAfterRun = uploads().length;
    expect(uploadsAfterRun).toBeGreaterThanOrEqual(3); // CreateMultipartUpload and two parts
    const records = await journal('s1');
    expect(records.map((r) => r.t)).toEqual(expect.arrayContaining(['s3-start', 's3-complete', 'ami-start']));
    expect(records.some((r) => r.t === 'ami-task')).toBe(false);
    expect((await savedServer('s1'))?.lastRun).toBeUndefined();

    // 2. Restarted: not staged again; ImportImage with the same ClientToken finds the task. Killed at the first status check.
    await killedAt('S1', 'DescribeImportImageTasks');
    expect(imports()).toHaveLength(2);
    expect(imports()[1]!.params.ClientToken).toBe(token);
    expect(imports()[1]!.params['DiskContainer.1.UserBucket.S3Key']).toBe(key);
    expect(fake.importTasks.size).toBe(1);
    const task = [...fake.importTasks.values()][0]!;
    expect(task.status).toBe('active');
    expect((await journal('s1')).filter((r) => r.t === 'ami-task')).toMatchObject([{ importTaskId: task.id }]);

    // 3. Restarted (naming another bucket, which this run does not use: it finishes the journaled one's step): polls
    // the journaled task (no ImportImage), which completes; the AMI is recorded, the object deleted from its bucket.
    const done = await mwbProcess(args('S1', 'import', 'mwb-staging-other'), env);
    expect(done.code, done.stderr).toBe(0);
    const out = JSON.parse(done.stdout) as { status: string; amiId: string | null; disks: Array<{ snapshotId: string | null; resumed: boolean; bytesSent: number }> };
    expect(out).toMatchObject({ status: 'completed', amiId: task.imageId });
    expect((out as { message?: string }).message).toBeUndefined();
    expect(out.disks[0]).toMatchObject({ snapshotId: null, resumed: true, bytesSent: 20 * MiB });
    expect(imports()).toHaveLength(2);
    expect(fake.importTasks.size).toBe(1);
    expect(task.status).toBe('completed');
    expect(uploads()).toHaveLength(uploadsAfterRun);
    const img = fake.images.get(task.imageId!)!;
    expect(img.tags.get('mwb:server')).toBe('S1');
    expect(sha(fake.read(img.snapshotIds[0]!, 20 * MiB))).toBe(sha(images.S1!.content));
    expect(await objectExists(key)).toBe(false);
    const saved = await savedServer('s1');
    expect(saved).toMatchObject({ transport: 's3', lastRun: { status: 'completed', amiId: task.imageId } });
    expect(saved?.runs).toHaveLength(1);
    expect((await journal('s1')).filter((r) => r.t === 'ami-end')).toMatchObject([{ outcome: 'completed', amiId: task.imageId }]);
  }, 300_000);

  it('--ami none after a kill while VM Import runs: the task is cancelled, the killed run is recorded and its staging object deleted', async () => {
    const tasksBefore = fake.importTasks.size;
    await killedAt('S2', 'DescribeImportImageTasks');
    expect(fake.importTasks.size).toBe(tasksBefore + 1);
    const task = [...fake.importTasks.values()].at(-1)!;
    const key = task.params['DiskContainer.1.UserBucket.S3Key']!;
    expect(await objectExists(key)).toBe(true);

    const none = await mwbProcess(args('S2', 'none'), env);
    expect(none.code, none.stderr).toBe(0);
    const out = JSON.parse(none.stdout) as { status: string; amiId: string | null; previousAmi: { outcome: string; message: string } };
    expect(out).toMatchObject({ status: 'completed', amiId: null, previousAmi: { outcome: 'cancelled' } });
    expect(out.previousAmi.message).toContain("That run's staging objects are deleted.");
    expect(task.status).toBe('deleted');
    expect(fake.importTasks.size).toBe(tasksBefore + 1);
    expect(await objectExists(key)).toBe(false);
    const saved = await savedServer('s2');
    expect(saved?.runs).toHaveLength(2);
    expect(saved?.runs?.[0]?.message).toContain('cancelled');
  }, 300_000);

  it('killed after CompleteMultipartUpload, before the run journaled its object: the next run deletes that orphan, and nothing is left', async () => {
    const prefix = 'mwb-staging/p1/S3/disk0-';
    // HeadObject of the staged key comes right after CompleteMultipartUpload, before s3-complete is journaled.
    const out = await mwbKilledWhen(args('S3'), env, (kill) => {
      router.beforeS3 = async (method, url) => {
        if (method === 'HEAD' && url.startsWith(`/${BUCKET}/${prefix}`)) await kill();
      };
    });
    router.beforeS3 = undefined;
    expect(out).toMatchObject({ hit: true, signal: 'SIGKILL' });
    const records = await journal('s3');
    expect(records.map((r) => r.t)).toContain('s3-upload');
    expect(records.map((r) => r.t)).not.toContain('s3-complete');
    const listed = async () => ((await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix }))).Contents ?? []).map((o) => o.Key!);
    const [orphan] = await listed();
    expect(orphan).toBeTruthy();

    // The restart finds the upload gone (completed), stages the disk anew, deletes the orphan; the AMI is made from
    // the new object, which is deleted too.
    const done = await mwbProcess(args('S3'), env);
    expect(done.code, done.stderr).toBe(0);
    const r = JSON.parse(done.stdout) as { status: string; amiId: string | null; staging: { deleted: string[]; kept: string[] }; disks: Array<{ stagedObject: string }> };
    expect(r).toMatchObject({ status: 'completed', staging: { deleted: [`s3://${BUCKET}/${orphan}`], kept: [] } });
    expect(r.amiId).toBeTruthy();
    expect(r.disks[0]!.stagedObject).not.toBe(`s3://${BUCKET}/${orphan}`);
    expect(await listed()).toEqual([]);
  }, 300_000);

  it('the AMI made but its staging object not deletable (access denied): the output says so, and the next run deletes it', async () => {
    const prefix = 'mwb-staging/p1/S3/disk0-';
    const listed = async () => ((await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix }))).Contents ?? []).map((o) => o.Key!);
    router.beforeS3 = async (method, _url, res) => {
      if (method !== 'DELETE') return false;
      res.writeHead(403, { 'content-type': 'application/xml' }).end('<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>');
      return true;
    };
    const denied = await mwbProcess(args('S3'), env);
    router.beforeS3 = undefined;
    expect(denied.code, denied.stderr).toBe(0);
    const r = JSON.parse(denied.stdout) as { status: string; amiId: string | null; message: string; staging: { deleted: string[]; kept: string[]; message: string } };
    expect(r).toMatchObject({ status: 'completed', staging: { deleted: [] } });
    expect(r.amiId).toBeTruthy();
    expect(r.message).toContain('could not be deleted (the next S3 run of the disk deletes it)');
    const [left] = await listed();
    expect(r.staging.kept).toEqual([`s3://${BUCKET}/${left}`]);
    expect(r.staging.message).toContain('The AMI was made, but the staged disk may still be in the bucket');

    const next = await mwbProcess(args('S3'), env);
    expect(next.code, next.stderr).toBe(0);
    expect(JSON.parse(next.stdout)).toMatchObject({ status: 'completed', staging: { deleted: [`s3://${BUCKET}/${left}`], kept: [] } });
    expect(await listed()).toEqual([]);
  }, 300_000);
});
