// A block lane that dies while the other lane's uploads are in flight, made deterministic: the fake EBS direct endpoint
// holds every PutSnapshotBlock, the test ends one lane while the other's uploads are held, and releases them only once
// the run is waiting for them (or once the run has ended). No sleeps, no timing margins: each step waits for an event.
// Before the fix (a dead lane made the run stop waiting for every upload in flight) both tests fail every time: the
// run journals `failed` while the surviving lane's uploads are held, so the blocks the endpoint then stores are not in
// the journal and the next run sends them again.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import path from 'node:path';
import type { Transferable, Worker } from 'node:worker_threads';
import { checkJournalAndResume, makeImage, startBlockLaneRig, type BlockLaneRig } from '../../helpers/block-lane-rig';
import type { FakeEbs } from '../../fakes/ebs-direct.fake';
import { Journal } from '../../../main/replication/engine/journal';
import { replicateDisk, type DiskRunRequest, type DiskRunResult } from '../../../main/replication/engine/run-disk';
import { BlockPipeline, LanePool } from '../../../main/replication/engine/block-pipeline';
import { LANE_SENDING, type LaneReply, type LaneRequest } from '../../../main/replication/engine/block-lane';

const CHUNK = 8; // blocks per chunk (block-pipeline.ts's default, which replicateDisk uses)

let rig: BlockLaneRig | undefined;
let dir: string;
let fake: FakeEbs;
/** Awaited as each PutSnapshotBlock arrives at the fake (after its checks, before it is stored and answered). */
let onPut: ((index: number) => Promise<void> | void) | undefined;

/** Something the test waits for changed (a put arrived, a lane replied): the waiters check their condition again. */
const waiters: Array<() => void> = [];
const changed = () => {
  for (const w of waiters.splice(0)) w();
};
async function until(what: () => boolean): Promise<void> {
  while (!what()) await new Promise<void>((r) => waiters.push(r));
}

/**
 * Watches a pool's two lanes: which lane was handed which block (from the pipeline's `chunk` messages), and the lanes'
 * replies as the pipeline handled them. `hold(lane, from)` keeps a lane's replies from the pipeline, from the first one
 * `from` matches on, until `deliver()` hands them over in the order the lane sent them (as its port would, late).
 */
function watchLanes(pool: LanePool) {
  const workers = pool.take().workers as Worker[];
  const laneOfBlock = new Map<number, number>();
  const chunkOfBlock = new Map<number, number>();
  const handled: Array<{ lane: number; reply: LaneReply }> = [];
  let holding: { lane: number; from: (r: LaneReply) => boolean; started: boolean; queue: LaneReply[] } | undefined;
  workers.forEach((worker, lane) => {
    const post = worker.postMessage.bind(worker);
    worker.postMessage = (message: LaneRequest, transfer?: readonly Transferable[]) => {
      if (message.t === 'chunk') {
        for (const [pos] of message.blocks) {
          laneOfBlock.set(message.first + pos, lane);
          chunkOfBlock.set(message.first + pos, message.id);
        }
      }
      post(message, transfer);
    };
    const emit = worker.emit.bind(worker);
    worker.emit = ((event: string | symbol, ...args: unknown[]): boolean => {
      if (event !== 'message') return emit(event, ...args);
      const reply = args[0] as LaneReply;
      if (holding && holding.lane === lane && (holding.started || holding.from(reply))) {
        holding.started = true;
        holding.queue.push(reply);
        changed();
        return true;
      }
      const r = emit(event, ...args);
      // After the pipeline's listener: what is recorded here, the pipeline has handled.
      handled.push({ lane, reply });
      changed();
      return r;
    }) as Worker['emit'];
  });
  return {
    workers,
    laneOf: (index: number) => laneOfBlock.get(index)!,
    chunkOf: (index: number) => chunkOfBlock.get(index)!,
    handled,
    hashed: (lane: number) => handled.filter((h) => h.lane === lane && h.reply.t === 'hashed').map((h) => h.reply as Extract<LaneReply, { t: 'hashed' }>),
    hold(lane: number, from: (r: LaneReply) => boolean) {
      holding = { lane, from, started: false, queue: [] };
    },
    held: () => holding?.queue ?? [],
    deliver() {
      const h = holding!;
      holding = undefined;
      for (const reply of h.queue) {
        workers[h.lane]!.emit('message', reply);
      }
    },
  };
}

/** Puts held at the fake: each waits for its own release. */
function holdPuts(laneOf: (index: number) => number) {
  const held: Array<{ index: number; lane: number; release: () => void; released: boolean }> = [];
  onPut = (index) =>
    new Promise<void>((resolve) => {
      held.push({ index, lane: laneOf(index), released: false, release: resolve });
      changed();
    });
  const release = (which: (h: (typeof held)[number]) => boolean) => {
    for (const h of held) {
      if (h.released || !which(h)) continue;
      h.released = true;
      h.release();
    }
  };
  return { held, release, releaseAll: () => release(() => true) };
}

/** The run's pipeline (the `this` of its `target()` call, which names the snapshot before any block is sent). */
function pipelineOfRun(): () => BlockPipeline {
  const target = vi.spyOn(BlockPipeline.prototype, 'target');
  return () => {
    expect(target.mock.contexts).toHaveLength(1);
    return target.mock.contexts[0] as BlockPipeline;
  };
}

/**
 * The first run, on `pool`'s lanes with its uploads held at the fake (`puts`): once `ready()` (it fails if the run ends
 * before), `act(running)` ends a lane and releases uploads. Whatever happens, the held uploads are then released (the
 * next run's are not held), the journal and lanes closed and the fake idle.
 */
async function firstRun(
  jobDir: string,
  req: DiskRunRequest,
  pool: LanePool,
  puts: ReturnType<typeof holdPuts>,
  ready: () => boolean,
  act: (running: Promise<DiskRunResult>) => Promise<void>,
): Promise<DiskRunResult> {
  const journal = await Journal.open(path.join(jobDir, 'journal.log'));
  try {
    const running = replicateDisk(journal, jobDir, req, undefined, { lanes: pool });
    const endedEarly = running.then((r) => {
      throw new Error(`the run ended before its uploads were held: ${r.status} ${r.message ?? ''}`);
    });
    await Promise.race([endedEarly, until(ready)]);
    await act(running);
    return await running;
  } finally {
    onPut = undefined;
    puts.releaseAll();
    await journal.close();
    await pool.close();
    await fake.idle();
  }
}

beforeAll(async () => {
  rig = await startBlockLaneRig('mwb-lane-death-', (_s, i) => onPut?.(i));
  ({ dir, fake } = rig);
  process.env.AWS_ACCESS_KEY_ID = 'AKIDFAKEFAKEFAKE';
  process.env.AWS_SECRET_ACCESS_KEY = 'fake-secret';
});
afterEach(() => {
  onPut = undefined;
  vi.restoreAllMocks();
});
afterAll(async () => {
  await rig?.close();
});

describe('a block lane that dies (held uploads, fake EBS direct endpoint)', () => {
  it("the other lane's uploads in flight end and are journaled before `failed`; the next run sends none of them again", async () => {
    const image = path.join(dir, 'other-lane.raw');
    const { content, data } = await makeImage(image, 6 * CHUNK, () => true);
    const jobDir = path.join(dir, 'job-other-lane');
    // 2 lanes, 2 uploads in flight each.
    const req: DiskRunRequest = { disk: 'disk0', image, transport: { kind: 'ebs', region: 'us-east-1', endpointUrl: fake.url }, concurrency: 4, verify: false };
    const pool = new LanePool(2);
    const lanes = watchLanes(pool);
    const puts = holdPuts(lanes.laneOf);
    const pipeline = pipelineOfRun();
    const before = fake.puts.length;
    // Every upload slot of both lanes holds an upload at the endpoint (2 + 2), and the pipeline has handled the
    // hashing replies of the chunks those blocks belong to (so it counts them as being sent).
    const ready = () => puts.held.length === 4 && puts.held.every((h) => lanes.hashed(h.lane).some((r) => r.id === lanes.chunkOf(h.index)));
    const first = await firstRun(jobDir, req, pool, puts, ready, async () => {
      expect(puts.held.filter((h) => h.lane === 0)).toHaveLength(2);
      expect(puts.held.filter((h) => h.lane === 1)).toHaveLength(2);
      // Lane 0 ends (as a crashed or out-of-memory thread would) with its two uploads held.
      await lanes.workers[0]!.terminate();
      // The held uploads are released once the lane's death has been handled, if the run still waits for uploads
      // (the surviving lane's); a run that waits for none has them released only after it ended.
      if (pipeline().sending > 0) puts.releaseAll();
    });
    const { kept, firstPuts, sentSecond } = await checkJournalAndResume(fake, { jobDir, req, first, before, content, data });
    // The surviving lane's held uploads ended and were journaled (the endpoint has them, so does the journal); every
    // block the endpoint stored from the surviving lane is journaled. The dead lane's were given up (it reported
    // nothing): the next run sends them again.
    const survivor = puts.held.filter((h) => h.lane === 1).map((h) => h.index);
    for (const i of survivor) expect(kept.has(i), `surviving lane's held block ${i} journaled`).toBe(true);
    const storedFromSurvivor = firstPuts.filter((i) => lanes.laneOf(i) === 1);
    expect(storedFromSurvivor.length).toBeGreaterThanOrEqual(2);
    for (const i of storedFromSurvivor) expect(kept.has(i), `block ${i} stored from the surviving lane is journaled`).toBe(true);
    expect(sentSecond.filter((i) => storedFromSurvivor.includes(i)), 'blocks stored from the surviving lane sent again').toEqual([]);
    for (const h of puts.held.filter((x) => x.lane === 0)) expect(sentSecond, `dead lane's block ${h.index} sent again`).toContain(h.index);
  }, 120_000);

  it('sends a lane had already started for a chunk whose hashing reply reached the run after the failure are awaited and journaled', async () => {
    const image = path.join(dir, 'given-up.raw');
    // Two data blocks per chunk (the rest zeros, not sent by a seed): a lane with 4 upload slots starts the sends of
    // two chunks at once.
    const { content, data } = await makeImage(image, 6 * CHUNK, (i) => i % CHUNK < 2);
    const jobDir = path.join(dir, 'job-given-up');
    const req: DiskRunRequest = { disk: 'disk0', image, transport: { kind: 'ebs', region: 'us-east-1', endpointUrl: fake.url }, concurrency: 8, verify: false };
    const pool = new LanePool(2);
    const lanes = watchLanes(pool);
    const puts = holdPuts(lanes.laneOf);
    // Lane 1's first hashing reply reaches the pipeline; the next ones (and everything after them) are held back, as
    // if still in the port when lane 0 dies: the run gives their hashing up, though lane 1 has started their sends.
    lanes.hold(1, (r) => r.t === 'hashed' && lanes.hashed(1).length > 0 && r.flags.some((f) => (f & LANE_SENDING) !== 0));
    const pipeline = pipelineOfRun();
    const before = fake.puts.length;
    let givenUp: number[] = [];
    // Both lanes' 4 upload slots hold an upload at the endpoint; lane 1's are its first chunk's two blocks (whose
    // hashing reply the pipeline handled) and the two of its next chunk (whose reply is held back).
    const ready = () => puts.held.length === 8 && lanes.held().length > 0;
    const first = await firstRun(jobDir, req, pool, puts, ready, async (running) => {
      expect(lanes.hashed(1)).toHaveLength(1);
      const firstChunk = lanes.hashed(1)[0]!.id;
      const heldReply = lanes.held()[0] as Extract<LaneReply, { t: 'hashed' }>;
      const survivor = puts.held.filter((h) => h.lane === 1);
      expect(survivor.map((h) => lanes.chunkOf(h.index)).sort()).toEqual([firstChunk, firstChunk, heldReply.id, heldReply.id]);
      givenUp = survivor.filter((h) => lanes.chunkOf(h.index) === heldReply.id).map((h) => h.index);
      // Lane 0 ends with its four uploads held; then lane 1's held-back replies reach the run, in the order sent.
      await lanes.workers[0]!.terminate();
      lanes.deliver();
      // Released first, if the run still waits for uploads: lane 1's first chunk's (counted all along) and lane 0's.
      // Then, once those are reported and the run still waits (it counted the others when their hashing reply came),
      // the two of the given-up chunk. A run that waits for none has its held uploads released after it ended.
      if (pipeline().sending > 0) {
        puts.release((h) => lanes.chunkOf(h.index) === firstChunk || h.lane === 0);
        const reportedFirst = until(() => survivor.filter((h) => lanes.chunkOf(h.index) === firstChunk).every((h) => lanes.handled.some((x) => x.lane === 1 && x.reply.t === 'sent' && x.reply.sent.some(([, i]) => i === h.index))));
        void Promise.race([reportedFirst, running]).then(() => {
          if (pipeline().sending > 0) puts.release((h) => givenUp.includes(h.index));
        });
      }
    });
    const { kept } = await checkJournalAndResume(fake, { jobDir, req, first, before, content, data });
    expect(givenUp).toHaveLength(2);
    for (const i of givenUp) expect(kept.has(i), `block ${i} (its chunk's hashing given up, its send started) journaled`).toBe(true);
    const survivor = puts.held.filter((h) => h.lane === 1).map((h) => h.index);
    for (const i of survivor) expect(kept.has(i), `surviving lane's held block ${i} journaled`).toBe(true);
  }, 120_000);
});
