/**
 * The message of a run stopped by a pause or a cancel. Not a failure: the disk's run stays open in the journal and
 * the next run resumes it. Its own module so that the caller's side (job.ts) loads nothing of the worker's.
 */
export const INTERRUPTED = 'the replication was interrupted';
