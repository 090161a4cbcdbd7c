// The block lanes (threads that send PutSnapshotBlock with clients of their own) against the fake EBS direct endpoint:
// refreshed credentials reach them, and a lane that dies fails the run with a typed message, keeping the journal so
// that the next run resumes without sending again what was journaled.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash, randomBytes } from 'node:crypto';
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Transferable, Worker } from 'node:worker_threads';
import { tempDir } from '../../helpers/temp-dir';
import { startFakeEbs, type FakeEbs } from '../../fakes/ebs-direct.fake';
import { Journal } from '../../../main/replication/engine/journal';
import { replicateDisk } from '../../../main/replication/engine/run-disk';
import { LanePool } from '../../../main/replication/engine/block-pipeline';
import type { LaneRequest } from '../../../main/replication/engine/block-lane';
import { explainProblem } from '../../../main/services/replication-jobs.service';

const BLOCK = 512 * 1024;
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const AWS_VARS = ['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE', 'AWS_CONFIG_FILE', 'AWS_SHARED_CREDENTIALS_FILE', 'AWS_EC2_METADATA_DISABLED', 'AWS_SDK_LOAD_CONFIG', 'AWS_CREDENTIAL_EXPIRATION'];
const saved: Record<string, string | undefined> = {};

let dir: string;
let fake: FakeEbs;
/** Awaited as each PutSnapshotBlock arrives at the fake (after its checks, before it is stored and answered). */
let onPut: ((snapshotId: string, index: number) => Promise<void> | void) | undefined;

/** A raw image of `blocks` blocks: two of three hold random data, the rest zeros. */
async function makeImage(file: string, blocks: number): Promise<Buffer> {
  const data = Buffer.alloc(blocks * BLOCK);
  for (let i = 0; i < blocks; i++) if (i % 3 !== 2) randomBytes(BLOCK).copy(data, i * BLOCK);
  await writeFile(file, data);
  return data;
}

const journaledBlocks = async (jobDir: string) => new Set((await Journal.read(path.join(jobDir, 'journal.log'))).flatMap((r) => (r.t === 'blocks' ? r.idx : [])));

beforeAll(async () => {
  dir = await tempDir('mwb-block-lanes-');
  for (const k of AWS_VARS) saved[k] = process.env[k];
  for (const k of AWS_VARS) delete process.env[k];
  process.env.AWS_EC2_METADATA_DISABLED = 'true';
  // The SDK's notice about future Node versions (as the job's worker sets it).
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  process.env.AWS_SHARED_CREDENTIALS_FILE = path.join(dir, 'no-credentials');
  fake = await startFakeEbs({ beforePut: (s, i) => onPut?.(s, i) });
});
afterAll(async () => {
  for (const k of AWS_VARS) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
  await fake?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('block lanes (fake EBS direct endpoint)', () => {
  it("credentials that expire are resolved again and forwarded: a lane's next PutSnapshotBlock is signed with the new access key", async () => {
    // A profile whose credential_process hands out the access key the test names in a file, valid for 5 minutes and
    // 50 ms: the SDK asks again for credentials expiring within 5 minutes, so each refresh runs it again.
    const current = path.join(dir, 'current-key');
    const issued = path.join(dir, 'issued.log');
    const script = path.join(dir, 'rotating-credentials.mjs');
    await writeFile(current, 'AKIDROTATINGFIRST');
    await writeFile(
      script,
      `import { appendFileSync, readFileSync } from 'node:fs';
const key = readFileSync(${JSON.stringify(current)}, 'utf8').trim();
appendFileSync(${JSON.stringify(issued)}, key + '\\n');
process.stdout.write(JSON.stringify({ Version: 1, AccessKeyId: key, SecretAccessKey: 'rotating-secret-' + key, SessionToken: 'rotating-token-' + key, Expiration: new Date(Date.now() + 300_050).toISOString() }));
`,
    );
    const config = path.join(dir, 'aws-config');
    await writeFile(config, `[profile rotating]\ncredential_process = "${process.execPath}" "${script}"\n`);
    process.env.AWS_CONFIG_FILE = config;

    const image = path.join(dir, 'creds.raw');
    const content = await makeImage(image, 120);
    const jobDir = path.join(dir, 'job-creds');
    // The run's lanes, to see the worker hand each of them the new key (the message the lane's next call signs with).
    const pool = new LanePool();
    const lanes = pool.take().workers;
    const told = new Set<Worker>();
    let allTold!: () => void;
    const everyLaneTold = new Promise<void>((r) => (allTold = r));
    for (const lane of lanes) {
      const post = lane.postMessage.bind(lane);
      lane.postMessage = (message: LaneRequest, transfer?: readonly Transferable[]) => {
        post(message, transfer);
        if (message.t === 'credentials' && message.identity.credentials.accessKeyId === 'AKIDROTATINGSECOND' && told.add(lane).size === lanes.length) allTold();
      };
    }
    // After 20 uploads the key changes, and the endpoint holds the uploads in flight until the worker has resolved
    // the new key (its refresh runs every 100 ms here) and posted it to every lane. No timing margin: a lane reads
    // its messages in the order they were posted, and the answers of its held calls (what lets it start its next
    // call) come after that message, so every call that begins after the release is signed with the new key.
    let arrivals = 0;
    let releasedAt = Infinity;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const rotate = async () => {
      await writeFile(current, 'AKIDROTATINGSECOND');
      // Bounded: without the forwarding, the release comes after 60 s and the assertions below say what went wrong.
      await Promise.race([everyLaneTold, new Promise((r) => setTimeout(r, 60_000))]);
      releasedAt = Date.now();
      release();
    };
    onPut = async () => {
      if (++arrivals === 20) void rotate();
      if (arrivals >= 20) await gate;
    };
    const journal = await Journal.open(path.join(jobDir, 'journal.log'));
    const before = fake.puts.length;
    let result;
    try {
      result = await replicateDisk(journal, jobDir, { disk: 'disk0', image, transport: { kind: 'ebs', region: 'us-east-1', profile: 'rotating', endpointUrl: fake.url }, concurrency: 4 }, undefined, { credentialRefreshMs: 100, lanes: pool });
    } finally {
      onPut = undefined;
      release();
      await journal.close();
      await pool.close();
    }
    expect(told.size, 'lanes that were handed the new key').toBe(lanes.length);
    expect(result).toMatchObject({ status: 'completed', blocksSent: 80 });
    const puts = fake.puts.slice(before);
    expect(puts).toHaveLength(80);
    expect(sha(fake.read(result.snapshotId!, content.length))).toBe(sha(content));
    // The first uploads carry the first key; every upload that began after the hold (a new call: the calls in flight
    // were all held) carries the new one. Without the forwarding the lanes would keep the first key to the end.
    expect(puts.slice(0, 19).every((p) => p.accessKeyId === 'AKIDROTATINGFIRST')).toBe(true);
    const after = puts.filter((p) => p.arrived > releasedAt);
    expect(after.length).toBeGreaterThan(40);
    expect(after.filter((p) => p.accessKeyId !== 'AKIDROTATINGSECOND').map((p) => `${p.index}: ${p.accessKeyId}`)).toEqual([]);
    // Credentials are never written to the journal.
    const text = await readFile(path.join(jobDir, 'journal.log'), 'utf8');
    expect(text).not.toMatch(/AKIDROTATING|rotating-secret|rotating-token/);
    delete process.env.AWS_CONFIG_FILE;
  }, 120_000);

  it('a lane that dies fails the run with a typed message; the journal keeps what was sent and the next run resumes without sending it again', async () => {
    process.env.AWS_ACCESS_KEY_ID = 'AKIDFAKEFAKEFAKE';
    process.env.AWS_SECRET_ACCESS_KEY = 'fake-secret';
    const image = path.join(dir, 'dies.raw');
    const content = await makeImage(image, 150);
    const dataBlocks = Array.from({ length: 150 }, (_, i) => i).filter((i) => i % 3 !== 2);
    const jobDir = path.join(dir, 'job-dies');
    const req = { disk: 'disk0', image, transport: { kind: 'ebs' as const, region: 'us-east-1', endpointUrl: fake.url } };

    // The first run's lanes: one of them ends (as a crashed or out-of-memory thread would) after 30 uploads arrived.
    const pool = new LanePool(2);
    const lanes = pool.take().workers;
    let arrivals = 0;
    onPut = async () => {
      if (++arrivals === 30) await lanes[0]!.terminate();
      await new Promise((r) => setTimeout(r, 15));
    };
    const before = fake.puts.length;
    const journal = await Journal.open(path.join(jobDir, 'journal.log'));
    let first;
    try {
      first = await replicateDisk(journal, jobDir, req, undefined, { lanes: pool });
    } finally {
      onPut = undefined;
      await journal.close();
      await pool.close();
    }
    expect(first.status).toBe('failed');
    expect(first.message).toBe('BlockLaneError: a block lane (a thread sending blocks) stopped unexpectedly (exit code 1)');
    expect(explainProblem(first.message!).fix).toContain('the next run resumes the snapshot');
    const sentFirst = fake.puts.slice(before);
    expect(sentFirst.length).toBeLessThan(dataBlocks.length);
    // The journal keeps the blocks the lanes reported sent (every one of them at the endpoint), and the failure.
    const kept = await journaledBlocks(jobDir);
    expect(kept.size).toBeGreaterThan(0);
    const atEndpoint = new Set(sentFirst.map((p) => p.index));
    for (const i of kept) expect(atEndpoint.has(i), `journaled block ${i}`).toBe(true);
    const records = await Journal.read(path.join(jobDir, 'journal.log'));
    expect(records.at(-1)).toMatchObject({ t: 'failed', disk: 'disk0', message: first.message });

    // The next run (a new worker: new lanes) resumes the snapshot and sends no journaled block again.
    const journal2 = await Journal.open(path.join(jobDir, 'journal.log'));
    let second;
    try {
      second = await replicateDisk(journal2, jobDir, req);
    } finally {
      await journal2.close();
    }
    expect(second).toMatchObject({ status: 'completed', resumed: true, snapshotId: first.snapshotId, blocksChanged: dataBlocks.length });
    const sentSecond = fake.puts.slice(before + sentFirst.length);
    expect(sentSecond.filter((p) => kept.has(p.index))).toEqual([]);
    expect(second.blocksSent).toBe(dataBlocks.length - kept.size);
    expect(new Set([...kept, ...sentSecond.map((p) => p.index)])).toEqual(new Set(dataBlocks));
    expect(sha(fake.read(first.snapshotId!, content.length))).toBe(sha(content));
  }, 120_000);
});
