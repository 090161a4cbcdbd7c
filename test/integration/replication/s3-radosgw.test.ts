// The S3 + VM Import transport against Ceph radosgw (a real S3 implementation with ListParts, ListMultipartUploads,
// AbortMultipartUpload and Content-MD5 checks; /work/shared/peers/start-radosgw.sh, the vitest run's one instance
// (helpers/shared-radosgw.ts), in a bucket of this file's own): multipart upload resumed after an interrupted run,
// stale uploads aborted, the object read back equal to the image, and, through the service, ImportImage from the object
// (the strict fake's EC2 reads it from radosgw) with the staging object deleted afterwards.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { CreateBucketCommand, CreateMultipartUploadCommand, GetObjectCommand, HeadObjectCommand, ListMultipartUploadsCommand, S3Client } from '@aws-sdk/client-s3';
import { tempDir } from '../../helpers/temp-dir';
import { sharedRadosgw } from '../../helpers/shared-radosgw';
import { testServices } from '../../helpers/services';
import { docWithServers } from '../../helpers/plan-fixtures';
import { startFakeEbs, type FakeEbs } from '../../fakes/ebs-direct.fake';
import { runReplicationJob, type S3TransportOptions } from '../../../main/replication/engine';
import { stagingPrefix } from '../../../main/replication/engine/run-disk-s3';

const MiB = 2 ** 20;
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const BUCKET = 'mwb-staging-test';

let dir: string;
let endpoint: string;
let s3: S3Client;
let fake: FakeEbs;

async function getObject(key: string): Promise<Buffer> {
  const r = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
  return Buffer.from(await r.Body!.transformToByteArray());
}

beforeAll(async () => {
  dir = await tempDir('mwb-rgw-');
  endpoint = await sharedRadosgw();
  process.env.AWS_ACCESS_KEY_ID = 'TESTACCESSKEY';
  process.env.AWS_SECRET_ACCESS_KEY = 'TESTSECRETKEY';
  process.env.AWS_EC2_METADATA_DISABLED = 'true';
  s3 = new S3Client({ region: 'us-east-1', endpoint, forcePathStyle: true, requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' });
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  fake = await startFakeEbs({ importSteps: 1, s3Object: (bucket, key) => (bucket === BUCKET ? getObject(key) : Promise.reject(new Error('no such bucket'))) });
}, 660_000);
afterAll(async () => {
  s3?.destroy();
  await fake?.close();
}, 120_000);

describe('S3 + VM Import transport against radosgw', () => {
  it('resumes an interrupted multipart upload from ListParts, aborts stale uploads, and the object reads back as the image', async () => {
    const image = path.join(dir, 'web01.raw');
    const content = Buffer.alloc(48 * MiB);
    for (let off = 0; off < content.length; off += 2 * MiB) randomBytes(MiB).copy(content, off);
    await fs.writeFile(image, content);
    const jobDir = path.join(dir, 'job');
    const transport: S3TransportOptions = { kind: 's3', bucket: BUCKET, region: 'us-east-1', endpointUrl: endpoint };
    const disk = { disk: 'Hard disk 1', image, transport, partSize: 8 * MiB, concurrency: 2, tags: { 'mwb:server': 'web01', 'mwb:project': 'p1' } };

    // A stray upload under this disk's prefix (an earlier run the journal never recorded), and one of a key form we
    // never write there (not ours: left alone).
    const prefix = stagingPrefix(undefined, disk.tags, disk.disk);
    const strayKey = `${prefix}${randomUUID()}.raw`;
    const stray = await s3.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: strayKey }));
    expect(stray.UploadId).toBeTruthy();
    const foreign = await s3.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: `${prefix}notes.raw` }));
    const uploads = async () => ((await s3.send(new ListMultipartUploadsCommand({ Bucket: BUCKET }))).Uploads ?? []).filter((u) => u.UploadId !== foreign.UploadId);

    // Interrupted after at least two parts were sent (the worker is terminated, as a closed app would be).
    const ac = new AbortController();
    await expect(runReplicationJob({ jobDir, disks: [disk], signal: ac.signal, onProgress: (p) => p.bytesSent >= 16 * MiB && ac.abort() })).rejects.toThrow(/interrupted/);
    const journal = await fs.readFile(path.join(jobDir, 'journal-s3.log'), 'utf8');
    expect(journal).toContain('"t":"s3-upload"');
    const partsBefore = (journal.match(/"t":"s3-part"/g) ?? []).length;
    expect(partsBefore).toBeGreaterThanOrEqual(2);
    const open = await s3.send(new ListMultipartUploadsCommand({ Bucket: BUCKET }));
    expect((open.Uploads ?? []).map((u) => u.Key)).not.toContain(strayKey);
    expect((open.Uploads ?? []).map((u) => u.UploadId)).toContain(foreign.UploadId);

    const [done] = await runReplicationJob({ jobDir, disks: [disk] });
    expect(done, done!.message).toMatchObject({ status: 'completed', resumed: true, snapshotId: null });
    // The parts the server already held were not sent again.
    expect(done!.bytesSent).toBeLessThanOrEqual(content.length - partsBefore * 8 * MiB);
    expect(done!.object!.size).toBe(content.length);
    expect(sha(await getObject(done!.object!.key))).toBe(sha(content));
    expect(await uploads()).toHaveLength(0);

    // A changed source: the interrupted run's upload is aborted and a new object is written.
    const b = randomBytes(MiB);
    b.copy(content, 5 * MiB);
    const fh = await fs.open(image, 'r+');
    await fh.write(b, 0, MiB, 5 * MiB);
    await fh.close();
    const ac2 = new AbortController();
    await expect(runReplicationJob({ jobDir, disks: [disk], signal: ac2.signal, onProgress: (p) => p.bytesSent >= 8 * MiB && ac2.abort() })).rejects.toThrow(/interrupted/);
    await fs.utimes(image, new Date(), new Date(Date.now() + 5000));
    const [fresh] = await runReplicationJob({ jobDir, disks: [disk] });
    expect(fresh).toMatchObject({ status: 'completed', resumed: false });
    expect(fresh!.object!.key).not.toBe(done!.object!.key);
    expect(sha(await getObject(fresh!.object!.key))).toBe(sha(content));
    expect(await uploads()).toHaveLength(0);
    // The upload of another key form is still there.
    expect(((await s3.send(new ListMultipartUploadsCommand({ Bucket: BUCKET }))).Uploads ?? []).map((u) => u.UploadId)).toContain(foreign.UploadId);
  }, 300_000);

  it('the service with the S3 transport: ImportImage from the staged object, which is deleted afterwards', async () => {
    const image = path.join(dir, 'db01.raw');
    const content = Buffer.alloc(20 * MiB);
    randomBytes(3 * MiB).copy(content, MiB);
    await fs.writeFile(image, content);
    const services = testServices(dir);
    try {
      const file = path.join(dir, 'estate.mwb.json');
      await fs.writeFile(file, JSON.stringify(docWithServers(1)));
      await services.project.open(file);
      services.replication.configure('S1', { disks: [{ disk: 'Hard disk 1', image }] });
      // EC2 (the strict fake) and S3 (radosgw) at two endpoints; the fake's VM Import reads the object from radosgw.
      const r = await services.replication.replicate({ server: 'S1', transport: { kind: 's3', bucket: BUCKET, region: 'us-east-1', endpointUrl: fake.url, s3EndpointUrl: endpoint }, ami: 'import', amiPoll: { initialMs: 5, maxMs: 20 } });
      expect(r, r.message).toMatchObject({ status: 'completed', encrypted: true });
      const img = fake.images.get(r.amiId!)!;
      expect(img).toMatchObject({ source: 'import', encrypted: true });
      expect(sha(fake.read(img.snapshotIds[0]!, content.length))).toBe(sha(content));
      const importCall = fake.ec2Calls.find((c) => c.action === 'ImportImage' && c.params['DiskContainer.1.UserBucket.S3Bucket'] === BUCKET)!;
      expect(importCall.params['DiskContainer.1.Format']).toBe('RAW');
      const key = importCall.params['DiskContainer.1.UserBucket.S3Key']!;
      await expect(s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key }))).rejects.toMatchObject({ $metadata: { httpStatusCode: 404 } });
      expect(services.project.document.replication!.servers[0]).toMatchObject({ transport: 's3', lastRun: { amiId: r.amiId } });
      await expect(services.replication.replicate({ server: 'S1', transport: { kind: 's3', bucket: BUCKET }, ami: 'register' })).rejects.toThrow(/RegisterImage needs EBS snapshots/);
    } finally {
      services.dispose();
    }
  }, 300_000);
});
