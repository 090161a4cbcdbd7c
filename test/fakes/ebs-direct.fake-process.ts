/**
 * The FAKE EBS direct endpoint (ebs-direct.fake.ts) as a process of its own, for the replicate benchmark: EBS is not
 * in the client's process either, and in the benchmark's own process the fake cost 3 to 4 times the CPU for the same
 * blocks (see test/bench/README.md). Argument: blocks of store to allocate first (`preallocateBlocks`). Prints its URL
 * on a line of its own once it listens; SIGTERM closes it.
 */
import { startFakeEbs } from './ebs-direct.fake';

const fake = await startFakeEbs({ preallocateBlocks: Number(process.argv[2] ?? 0) });
process.stdout.write(`${fake.url}\n`);
process.once('SIGTERM', () => {
  void fake.close().then(() => process.exit(0));
});
