// What the block-lane tests (test/integration/replication/block-lanes.test.ts, lane-death.test.ts) share: a raw image,
// the strict fake EBS direct endpoint with a clean AWS environment, and the check that a run failed by a dead lane kept
// a journal that agrees with the endpoint and that the next run resumes from it.
import { createHash, randomBytes } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { expect } from 'vitest';
import { Journal } from '../../main/replication/engine/journal';
import { replicateDisk, type DiskRunRequest, type DiskRunResult } from '../../main/replication/engine/run-disk';
import { startFakeEbs, type FakeEbs, type FakeEbsOptions } from '../fakes/ebs-direct.fake';
import { tempDir } from './temp-dir';

export const BLOCK = 512 * 1024;
export const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** A raw image of `blocks` blocks; `isData(i)`: block i holds random bytes, else zeros (a seed does not send it). */
export async function makeImage(file: string, blocks: number, isData: (i: number) => boolean): Promise<{ content: Buffer; data: number[] }> {
  const content = Buffer.alloc(blocks * BLOCK);
  const data: number[] = [];
  for (let i = 0; i < blocks; i++) {
    if (!isData(i)) continue;
    randomBytes(BLOCK).copy(content, i * BLOCK);
    data.push(i);
  }
  await writeFile(file, content);
  return { content, data };
}

/** The block indexes the job's journal records as sent. */
export const journaledBlocks = async (jobDir: string) => new Set((await Journal.read(path.join(jobDir, 'journal.log'))).flatMap((r) => (r.t === 'blocks' ? r.idx : [])));

const AWS_VARS = ['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE', 'AWS_CONFIG_FILE', 'AWS_SHARED_CREDENTIALS_FILE', 'AWS_EC2_METADATA_DISABLED', 'AWS_SDK_LOAD_CONFIG', 'AWS_CREDENTIAL_EXPIRATION'];

export interface BlockLaneRig {
  /** A temp folder of the file's own. */
  readonly dir: string;
  readonly fake: FakeEbs;
  /** Stops the fake, removes the folder and gives the AWS variables back the values they had before the rig. */
  close(): Promise<void>;
}

/**
 * A temp folder, an AWS environment with nothing of this machine's (no credentials, profile or config file, no
 * instance metadata; every AWS variable the file sets later is restored by `close()` too) and the fake EBS direct
 * endpoint, which awaits `beforePut` as each PutSnapshotBlock arrives (after its checks, before it is stored and
 * answered).
 */
export async function startBlockLaneRig(prefix: string, beforePut: FakeEbsOptions['beforePut']): Promise<BlockLaneRig> {
  const dir = await tempDir(prefix);
  const saved: Record<string, string | undefined> = {};
  for (const k of AWS_VARS) saved[k] = process.env[k];
  for (const k of AWS_VARS) delete process.env[k];
  process.env.AWS_EC2_METADATA_DISABLED = 'true';
  // The SDK's notice about future Node versions (as the job's worker sets it).
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  process.env.AWS_SHARED_CREDENTIALS_FILE = path.join(dir, 'no-credentials');
  const restore = async () => {
    for (const k of AWS_VARS) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
    await rm(dir, { recursive: true, force: true });
  };
  let fake: FakeEbs;
  try {
    fake = await startFakeEbs({ beforePut });
  } catch (e) {
    await restore();
    throw e;
  }
  return {
    dir,
    fake,
    async close() {
      try {
        await fake.close();
      } finally {
        await restore();
      }
    },
  };
}

/**
 * A run that a dead block lane failed (`first`, whose uploads began at `fake.puts[before]`): its journal ends with the
 * failure and keeps only blocks the endpoint has; the next run (new lanes) resumes the snapshot, sends none of the kept
 * blocks again and leaves the snapshot equal to `content`.
 */
export async function checkJournalAndResume(
  fake: FakeEbs,
  run: { jobDir: string; req: DiskRunRequest; first: DiskRunResult; before: number; content: Buffer; data: number[] },
): Promise<{ kept: Set<number>; firstPuts: number[]; sentSecond: number[] }> {
  const { jobDir, req, first, before, content, data } = run;
  expect(first.status).toBe('failed');
  expect(first.message).toBe('BlockLaneError: a block lane (a thread sending blocks) stopped unexpectedly (exit code 1)');
  const records = await Journal.read(path.join(jobDir, 'journal.log'));
  // `failed` is the last record: no `blocks` record came after it.
  expect(records.map((r) => r.t).lastIndexOf('blocks')).toBeLessThan(records.length - 1);
  expect(records.at(-1)).toMatchObject({ t: 'failed', disk: 'disk0', message: first.message });
  const kept = await journaledBlocks(jobDir);
  // What the endpoint stored during the first run (the dead lane's held uploads included: their bodies had arrived).
  const firstPuts = fake.puts.slice(before).map((p) => p.index);
  for (const i of kept) expect(firstPuts, `journaled block ${i} is at the endpoint`).toContain(i);

  const journal2 = await Journal.open(path.join(jobDir, 'journal.log'));
  let second;
  try {
    second = await replicateDisk(journal2, jobDir, req);
  } finally {
    await journal2.close();
  }
  expect(second).toMatchObject({ status: 'completed', resumed: true, snapshotId: first.snapshotId, blocksChanged: data.length });
  const sentSecond = fake.puts.slice(before + firstPuts.length).map((p) => p.index);
  expect(sentSecond.filter((i) => kept.has(i)), 'journaled blocks sent again').toEqual([]);
  expect(second.blocksSent).toBe(data.length - kept.size);
  expect(new Set([...kept, ...sentSecond])).toEqual(new Set(data));
  expect(sha(fake.read(first.snapshotId!, content.length))).toBe(sha(content));
  return { kept, firstPuts, sentSecond };
}
