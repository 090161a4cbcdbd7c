import { Journal } from '../engine/journal';
import { AmiError, amiName, createAmi, type AmiErrorCode, type AmiRequest, type AmiResult } from './ami';
import type { AmiStartRecord, PendingAmiStep } from './step';

/** Errors after which the step is over (the next run makes a new AMI); any other leaves it pending, to be resumed. */
const FINAL: ReadonlySet<AmiErrorCode> = new Set(['import-failed', 'not-found', 'invalid-request', 'validation']);

/**
 * `createAmi` with the step journaled in the job's journal (`step.ts`): a new step writes `ami-start` (its runs, its
 * sources, the AMI name) before the first call, the import task and the image as soon as AWS names them, and
 * `ami-end` when it is over. Given a pending step it resumes it in the journaled mode with the journaled sources and
 * name: polls the journaled import task, or calls ImportImage again with the same ClientToken (which finds the task
 * started before), or finds the registered image by its name; an image already made only gets its tags and
 * retention. An interruption or a transient error (network, throttling, credentials, the polling limit) leaves the
 * step pending; a failed import task (`import-failed`) or a refused request ends it as failed.
 */
export async function createAmiJournaled(file: string, req: AmiRequest, runs: ReadonlyArray<{ disk: string; run: string }>, pending?: PendingAmiStep): Promise<AmiResult> {
  const journal = await Journal.open(file);
  try {
    let start: AmiStartRecord;
    if (pending) start = pending.start;
    else {
      start = { t: 'ami-start', ami: req.runId, mode: req.mode, runs: runs.map((r) => ({ disk: r.disk, run: r.run })), sources: req.sources.map((s) => ({ ...s })), name: req.name ?? amiName(req.server, req.runId), at: new Date().toISOString() };
      await journal.append(start);
    }
    const ami = start.ami;
    try {
      const result = await createAmi({
        ...req,
        mode: start.mode,
        runId: ami,
        sources: start.sources,
        name: start.name,
        ...(pending?.importTaskId ? { importTaskId: pending.importTaskId } : {}),
        ...(pending?.amiId ? { amiId: pending.amiId } : {}),
        onImportTask: (importTaskId) => journal.append({ t: 'ami-task', ami, importTaskId }),
        onImage: (amiId) => journal.append({ t: 'ami-image', ami, amiId }),
      });
      await journal.append({ t: 'ami-end', ami, outcome: 'completed', amiId: result.amiId, at: new Date().toISOString() });
      return result;
    } catch (err) {
      if (err instanceof AmiError && FINAL.has(err.code)) await journal.append({ t: 'ami-end', ami, outcome: 'failed', message: `${err.code}: ${err.message}`.slice(0, 300), at: new Date().toISOString() });
      throw err;
    }
  } finally {
    await journal.close();
  }
}
