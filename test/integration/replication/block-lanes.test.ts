// The block lanes (threads that send PutSnapshotBlock with clients of their own) against the fake EBS direct endpoint:
// refreshed credentials reach them, and a lane that dies fails the run with a typed message, keeping the journal so
// that the next run resumes without sending again what was journaled.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Transferable, Worker } from 'node:worker_threads';
import { checkJournalAndResume, makeImage, sha, startBlockLaneRig, type BlockLaneRig } from '../../helpers/block-lane-rig';
import type { FakeEbs } from '../../fakes/ebs-direct.fake';
import { Journal } from '../../../main/replication/engine/journal';
import { replicateDisk, type DiskRunRequest } from '../../../main/replication/engine/run-disk';
import { LanePool } from '../../../main/replication/engine/block-pipeline';
import type { LaneRequest } from '../../../main/replication/engine/block-lane';
import { explainProblem } from '../../../main/services/replication-jobs.service';

let rig: BlockLaneRig | undefined;
let dir: string;
let fake: FakeEbs;
/** Awaited as each PutSnapshotBlock arrives at the fake (after its checks, before it is stored and answered). */
let onPut: ((snapshotId: string, index: number) => Promise<void> | void) | undefined;

beforeAll(async () => {
  rig = await startBlockLaneRig('mwb-block-lanes-', (s, i) => onPut?.(s, i));
  ({ dir, fake } = rig);
});
afterAll(async () => {
  await rig?.close();
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
    const { content } = await makeImage(image, 120, (i) => i % 3 !== 2);
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
    const { content, data } = await makeImage(image, 150, (i) => i % 3 !== 2);
    const jobDir = path.join(dir, 'job-dies');
    const req: DiskRunRequest = { disk: 'disk0', image, transport: { kind: 'ebs', region: 'us-east-1', endpointUrl: fake.url } };

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
    // The run failed with the typed message and the journal keeps the blocks the lanes reported sent (every one of
    // them at the endpoint) and the failure; the next run (a new worker: new lanes) resumes the snapshot and sends no
    // journaled block again.
    const { kept, firstPuts } = await checkJournalAndResume(fake, { jobDir, req, first, before, content, data });
    expect(explainProblem(first.message!).fix).toContain('the next run resumes the snapshot');
    expect(firstPuts.length).toBeLessThan(data.length);
    expect(kept.size).toBeGreaterThan(0);
  }, 120_000);
});
