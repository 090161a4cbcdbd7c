/**
 * A block lane (a thread of the job's worker, block-lane.ts) that ended while the run needed it: it crashed, ran out
 * of memory or was terminated. The run fails with this; the journal keeps the blocks reported sent, and the next run
 * resumes the snapshot without sending them again.
 */
export class BlockLaneError extends Error {
  override readonly name = 'BlockLaneError';

  constructor(readonly exitCode: number) {
    super(`a block lane (a thread sending blocks) stopped unexpectedly (exit code ${exitCode})`);
  }
}
