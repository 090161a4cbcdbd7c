import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createHash, randomBytes } from 'node:crypto';
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import { promisify } from 'node:util';
import path from 'node:path';
import { tempDir } from '../../helpers/temp-dir';
import { startFakeEbs, type FakeEbs } from '../../fakes/ebs-direct.fake';
import { runReplicationJob, Journal, type ReplicationProgress } from '../../../main/replication/engine';

const BLOCK = 512 * 1024;
const run = promisify(execFile);
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** A raw image of `blocks` blocks: every other block random data, the rest zeros. */
async function makeImage(file: string, blocks: number): Promise<Buffer> {
  const data = Buffer.alloc(blocks * BLOCK);
  for (let i = 0; i < blocks; i += 2) randomBytes(BLOCK).copy(data, i * BLOCK);
  await fs.writeFile(file, data);
  return data;
}

/** A temp folder with a raw image of `blocks` blocks (`makeImage`), the job's folder, and an EBS transport to `url`. */
async function setup(blocks: number, url: string, extra: { maxAttempts?: number } = {}) {
  const dir = await tempDir();
  const image = path.join(dir, 'disk0.raw');
  const content = await makeImage(image, blocks);
  return { dir, image, content, jobDir: path.join(dir, 'job'), transport: { kind: 'ebs' as const, region: 'us-east-1', endpointUrl: url, ...extra } };
}

/** Writes one new random block at each index, in the image file and in `content` (what it must read back as). */
async function changeBlocks(image: string, content: Buffer, indexes: readonly number[]): Promise<void> {
  const fh = await fs.open(image, 'r+');
  try {
    for (const i of indexes) {
      const block = randomBytes(BLOCK);
      await fh.write(block, 0, BLOCK, i * BLOCK);
      block.copy(content, i * BLOCK);
    }
  } finally {
    await fh.close();
  }
}

let fake: FakeEbs | undefined;
beforeAll(() => {
  process.env.AWS_ACCESS_KEY_ID = 'AKIDFAKEFAKEFAKE';
  process.env.AWS_SECRET_ACCESS_KEY = 'fake-secret';
  process.env.AWS_EC2_METADATA_DISABLED = 'true';
});
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

describe('replication engine over the EBS direct transport (fake endpoint)', () => {
  it('seeds, then an incremental run sends only the changed blocks; the snapshots read back to the image', async () => {
    fake = await startFakeEbs();
    const { image, content, jobDir, transport } = await setup(200, fake.url);
    const progress: ReplicationProgress[] = [];
    const [seed] = await runReplicationJob({ jobDir, disks: [{ disk: 'disk0', image, transport }], onProgress: (p) => progress.push(p) });
    expect(seed).toMatchObject({ status: 'completed', blocksTotal: 200, blocksChanged: 100, blocksSent: 100, bytesSent: 100 * BLOCK, parentSnapshotId: null });
    expect(fake.puts).toHaveLength(100);
    expect(fake.puts.every((p) => p.index % 2 === 0)).toBe(true); // zero blocks are never sent
    expect(sha(fake.read(seed!.snapshotId!, content.length))).toBe(sha(content));
    expect(progress.at(-1)).toMatchObject({ stage: 'done', bytesRead: content.length, blocksChanged: 100 });

    // Change 1 % of the blocks: one data block, one zero block gains data, one data block becomes zeros.
    const fh = await fs.open(image, 'r+');
    for (const [i, buf] of [
      [10, randomBytes(BLOCK)],
      [11, randomBytes(BLOCK)],
      [20, Buffer.alloc(BLOCK)],
    ] as const) {
      await fh.write(buf, 0, BLOCK, i * BLOCK);
      buf.copy(content, i * BLOCK);
    }
    await fh.close();
    fake.puts.length = 0;
    const [inc] = await runReplicationJob({ jobDir, disks: [{ disk: 'disk0', image, transport }] });
    expect(inc).toMatchObject({ status: 'completed', blocksChanged: 3, blocksSent: 3, parentSnapshotId: seed!.snapshotId });
    expect(fake.puts.map((p) => p.index).sort((a, b) => a - b)).toEqual([10, 11, 20]);
    expect(sha(fake.read(inc!.snapshotId!, content.length))).toBe(sha(content));
    expect(fake.snapshots.get(inc!.snapshotId!)!.encrypted).toBe(true);

    // Nothing changed: a run sends nothing and completes an empty child snapshot.
    fake.puts.length = 0;
    const [same] = await runReplicationJob({ jobDir, disks: [{ disk: 'disk0', image, transport }] });
    expect(same).toMatchObject({ status: 'completed', blocksChanged: 0, blocksSent: 0 });
    expect(fake.puts).toHaveLength(0);
  }, 240_000);

  it('a smaller image mapped to the disk starts a new seed instead of a child of the larger snapshot', async () => {
    fake = await startFakeEbs();
    const dir = await tempDir();
    const jobDir = path.join(dir, 'job');
    const transport = { kind: 'ebs' as const, region: 'us-east-1', endpointUrl: fake.url };
    await makeImage(path.join(dir, 'big.raw'), 32);
    const [big] = await runReplicationJob({ jobDir, disks: [{ disk: 'disk0', image: path.join(dir, 'big.raw'), transport }] });
    expect(big).toMatchObject({ status: 'completed', blocksTotal: 32 });
    const small = await makeImage(path.join(dir, 'small.raw'), 24);
    const [run] = await runReplicationJob({ jobDir, disks: [{ disk: 'disk0', image: path.join(dir, 'small.raw'), transport }] });
    // With the big snapshot as parent its blocks 24..31 would stay in the lineage (and the integrity check refuses them).
    expect(run).toMatchObject({ status: 'completed', blocksTotal: 24, parentSnapshotId: null, blocksSent: 12 });
    expect(sha(fake.read(run!.snapshotId!, small.length))).toBe(sha(small));
  }, 120_000);

  it('marks a run inconsistent, never completed, when the source changes while it is read', async () => {
    const dir = await tempDir();
    const image = path.join(dir, 'disk0.raw');
    await makeImage(image, 40);
    let touched = false;
    fake = await startFakeEbs({
      beforePut: async () => {
        if (touched) return;
        touched = true;
        const later = new Date(Date.now() + 5000);
        await fs.utimes(image, later, later);
      },
    });
    const jobDir = path.join(dir, 'job');
    const transport = { kind: 'ebs' as const, region: 'us-east-1', endpointUrl: fake.url };
    const [r] = await runReplicationJob({ jobDir, disks: [{ disk: 'disk0', image, transport }] });
    expect(r!.status).toBe('inconsistent');
    expect(r!.message).toMatch(/changed/);
    expect(fake.snapshots.get(r!.snapshotId!)!.status).toBe('pending');
    const records = await Journal.read(path.join(jobDir, 'journal.log'));
    expect(records.some((x) => x.t === 'complete')).toBe(false);
    expect(records.at(-1)).toMatchObject({ t: 'inconsistent', disk: 'disk0' });
    // The next run starts over (no parent: nothing completed yet) and completes.
    const [again] = await runReplicationJob({ jobDir, disks: [{ disk: 'disk0', image, transport }] });
    expect(again).toMatchObject({ status: 'completed', parentSnapshotId: null, resumed: false });
  }, 120_000);

  it('a failed run resumes; when its snapshot is no longer open, a fresh run replaces it', async () => {
    const dir = await tempDir();
    const image = path.join(dir, 'disk0.raw');
    const content = await makeImage(image, 20);
    let failAfter = 3;
    fake = await startFakeEbs({
      beforePut: () => {
        if (failAfter-- <= 0) throw new Error('injected');
      },
    });
    const jobDir = path.join(dir, 'job');
    const transport = { kind: 'ebs' as const, region: 'us-east-1', endpointUrl: fake.url, maxAttempts: 1 };
    const [first] = await runReplicationJob({ jobDir, disks: [{ disk: 'disk0', image, transport, concurrency: 1, batch: 1 }] });
    expect(first!.status).toBe('failed');
    expect(first!.message).toMatch(/HTTP 500/);
    failAfter = 1_000_000;
    const [second] = await runReplicationJob({ jobDir, disks: [{ disk: 'disk0', image, transport }] });
    expect(second).toMatchObject({ status: 'completed', resumed: true, snapshotId: first!.snapshotId, blocksSent: 10 - 3 });
    expect(sha(fake.read(second!.snapshotId!, content.length))).toBe(sha(content));

    // Interrupt the next run, then make its snapshot unusable: the run after starts afresh.
    await fs.appendFile(image, Buffer.alloc(0));
    const later = new Date(Date.now() + 10_000);
    await fs.utimes(image, later, later);
    failAfter = 2;
    const grown = randomBytes(BLOCK);
    const fh = await fs.open(image, 'r+');
    await fh.write(grown, 0, BLOCK, 1 * BLOCK);
    await fh.write(grown, 0, BLOCK, 3 * BLOCK);
    await fh.write(grown, 0, BLOCK, 5 * BLOCK);
    await fh.close();
    grown.copy(content, 1 * BLOCK);
    grown.copy(content, 3 * BLOCK);
    grown.copy(content, 5 * BLOCK);
    const [third] = await runReplicationJob({ jobDir, disks: [{ disk: 'disk0', image, transport, concurrency: 1, batch: 1 }] });
    expect(third!.status).toBe('failed');
    fake.snapshots.get(third!.snapshotId!)!.status = 'error';
    failAfter = 1_000_000;
    const [fourth] = await runReplicationJob({ jobDir, disks: [{ disk: 'disk0', image, transport }] });
    expect(fourth).toMatchObject({ status: 'completed', resumed: false, parentSnapshotId: second!.snapshotId, blocksSent: 3 });
    expect(fourth!.snapshotId).not.toBe(third!.snapshotId);
    expect(sha(fake.read(fourth!.snapshotId!, content.length))).toBe(sha(content));
  }, 180_000);

  it('when the last run\'s snapshot is gone (deleted, another Region), the next run sends every block as a new seed, says so, and later runs are incremental again', async () => {
    fake = await startFakeEbs();
    const { image, content, jobDir, transport } = await setup(40, fake.url);
    const [seed] = await runReplicationJob({ jobDir, disks: [{ disk: 'disk0', image, transport }] });
    expect(seed).toMatchObject({ status: 'completed', blocksSent: 20 });
    // Deleted in the console (the fake's DeleteSnapshot does the same).
    fake.snapshots.delete(seed!.snapshotId!);
    await changeBlocks(image, content, [4]);
    fake.puts.length = 0;
    const [again] = await runReplicationJob({ jobDir, disks: [{ disk: 'disk0', image, transport }] });
    expect(again).toMatchObject({ status: 'completed', parentSnapshotId: null, blocksChanged: 20, blocksSent: 20, resumed: false });
    expect(again!.message).toBe(`The last run's snapshot ${seed!.snapshotId} no longer exists, so this run sent every block again.`);
    expect(fake.puts).toHaveLength(20);
    expect(sha(fake.read(again!.snapshotId!, content.length))).toBe(sha(content));
    const records = await Journal.read(path.join(jobDir, 'journal.log'));
    expect(records.filter((r) => r.t === 'inconsistent')).toMatchObject([{ code: 'parent-gone', reason: expect.stringContaining(seed!.snapshotId!) }]);

    // The new snapshot is the parent of the next run, which sends only what changed.
    await changeBlocks(image, content, [7]);
    fake.puts.length = 0;
    const [inc] = await runReplicationJob({ jobDir, disks: [{ disk: 'disk0', image, transport }] });
    expect(inc).toMatchObject({ status: 'completed', parentSnapshotId: again!.snapshotId, blocksSent: 1 });
    expect(inc!.message).toBeUndefined();
    expect(sha(fake.read(inc!.snapshotId!, content.length))).toBe(sha(content));
  }, 120_000);

  it("a missing or damaged manifest of the last run makes the next run a seed that says so; an interrupted run whose parent's manifest is damaged is given up for one", async () => {
    let failAfter = 1_000_000;
    fake = await startFakeEbs({
      beforePut: () => {
        if (failAfter-- <= 0) throw new Error('injected');
      },
    });
    const { image, content, jobDir, transport } = await setup(20, fake.url, { maxAttempts: 1 });
    const manifests = async () => (await fs.readdir(jobDir)).filter((f) => f.startsWith('manifest-'));
    const [seed] = await runReplicationJob({ jobDir, disks: [{ disk: 'disk0', image, transport }] });
    expect(seed!.status).toBe('completed');
    // The data folder cleaned up by hand: the manifest is gone, the journal is not.
    for (const f of await manifests()) await fs.rm(path.join(jobDir, f));
    fake.puts.length = 0;
    const [again] = await runReplicationJob({ jobDir, disks: [{ disk: 'disk0', image, transport }] });
    expect(again).toMatchObject({ status: 'completed', parentSnapshotId: null, blocksSent: 10 });
    expect(again!.message).toBe("The last run's block list could not be used (the block manifest of the last run is missing), so this run sent every block again.");
    expect(sha(fake.read(again!.snapshotId!, content.length))).toBe(sha(content));

    // An incremental run interrupted after 2 blocks; then its parent's manifest is damaged (a disk error).
    await changeBlocks(image, content, [1, 3, 5]);
    failAfter = 2;
    const [cut] = await runReplicationJob({ jobDir, disks: [{ disk: 'disk0', image, transport, concurrency: 1, batch: 1 }] });
    expect(cut).toMatchObject({ status: 'failed', parentSnapshotId: again!.snapshotId });
    const [only] = await manifests();
    const bytes = await fs.readFile(path.join(jobDir, only!));
    bytes[bytes.length - 1]! ^= 0xff;
    await fs.writeFile(path.join(jobDir, only!), bytes);
    failAfter = 1_000_000;
    fake.puts.length = 0;
    const [after] = await runReplicationJob({ jobDir, disks: [{ disk: 'disk0', image, transport }] });
    expect(after).toMatchObject({ status: 'completed', resumed: false, parentSnapshotId: null, blocksSent: 13 });
    expect(after!.message).toBe("The last run's block list could not be used (the block manifest of the last run is damaged), so this run sent every block again.");
    expect(sha(fake.read(after!.snapshotId!, content.length))).toBe(sha(content));
    const records = await Journal.read(path.join(jobDir, 'journal.log'));
    expect(records.filter((r) => r.t === 'inconsistent')).toMatchObject([{ run: cut!.run, code: 'parent-unreadable', reason: expect.stringContaining('damaged') }]);
  }, 120_000);

  it('a sparse qcow2 (qemu-img) replicates its allocated blocks only, in chunks mixing allocated and unallocated blocks, and reads back equal', async () => {
    fake = await startFakeEbs();
    const dir = await tempDir();
    // 40 blocks: a few KiB of data at scattered blocks, so qemu-img allocates 64 KiB clusters there and nowhere else.
    const content = Buffer.alloc(40 * BLOCK);
    const dataBlocks = [0, 3, 4, 9, 10, 11, 17, 24, 31, 32, 39];
    for (const i of dataBlocks) randomBytes(4096).copy(content, i * BLOCK + (i % 4) * 70_000);
    const raw = path.join(dir, 'disk0.raw');
    await fs.writeFile(raw, content);
    const image = path.join(dir, 'disk0.qcow2');
    await run('qemu-img', ['convert', '-f', 'raw', '-O', 'qcow2', raw, image], { timeout: 60_000 });
    const transport = { kind: 'ebs' as const, region: 'us-east-1', endpointUrl: fake.url };
    const [r] = await runReplicationJob({ jobDir: path.join(dir, 'job'), disks: [{ disk: 'disk0', image, transport }] });
    expect(r).toMatchObject({ status: 'completed', blocksTotal: 40, blocksChanged: dataBlocks.length, blocksSent: dataBlocks.length });
    expect(fake.puts.map((p) => p.index).sort((a, b) => a - b)).toEqual(dataBlocks);
    expect(sha(fake.read(r!.snapshotId!, content.length))).toBe(sha(content));
  });

  it('fails with a typed message when the endpoint refuses (no credentials leak into it)', async () => {
    const dir = await tempDir();
    const image = path.join(dir, 'disk0.raw');
    await makeImage(image, 4);
    const [r] = await runReplicationJob({ jobDir: path.join(dir, 'job'), disks: [{ disk: 'disk0', image, transport: { kind: 'ebs', region: 'us-east-1', endpointUrl: 'http://127.0.0.1:1', maxAttempts: 1 } }] });
    expect(r!.status).toBe('failed');
    expect(r!.message).not.toContain('fake-secret');
  }, 60_000);
});
