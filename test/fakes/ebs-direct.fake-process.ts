/**
 * The FAKE EBS direct endpoint (ebs-direct.fake.ts) as a process of its own, for the benchmarks: EBS is not in the
 * client's process either, and in the replicate benchmark's own process the fake cost 3 to 4 times the CPU for the
 * same blocks (see test/bench/README.md). Arguments: blocks of store to allocate first (`preallocateBlocks`), and ms to
 * hold each PutSnapshotBlock (default 0). Prints its URL on a line of its own once it listens; SIGTERM closes it.
 * Started by `startFakeEbsProcess` (ebs-direct.fake-process-start.ts).
 */
import { startFakeEbs } from './ebs-direct.fake';

const putDelayMs = Number(process.argv[3] ?? 0);
const fake = await startFakeEbs({ preallocateBlocks: Number(process.argv[2] ?? 0), ...(putDelayMs > 0 ? { beforePut: () => new Promise<void>((r) => setTimeout(r, putDelayMs)) } : {}) });
process.stdout.write(`${fake.url}\n`);
process.once('SIGTERM', () => {
  void fake.close().then(() => process.exit(0));
});
