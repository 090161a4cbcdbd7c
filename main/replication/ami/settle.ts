import { CancelImportTaskCommand, DescribeImportImageTasksCommand, type EC2Client, type ImportImageTask } from '@aws-sdk/client-ec2';
import { Journal } from '../engine/journal';
import type { AwsClientOptions } from '../transport/types';
import { AmiError, ec2, ec2Client, imageByName, type AmiResult } from './ami';
import { createAmiJournaled } from './journaled';
import type { PendingAmiStep } from './step';

/**
 * Settling a pending AMI step that the next run does not resume, because it asks for no AMI (`--ami none`, or "No AMI"
 * in the app) or the journal lacks the step's runs: the step is neither waited for (VM Import takes up to hours) nor
 * forgotten (an import AWS still finishes would make
 * an AMI that nothing records, tags or deletes by retention). It is looked up once, without waiting:
 * - the image exists (journaled, a completed import task, or a registered image found by the journaled name): it is
 *   journaled, tagged and retention applies, as if the step had been resumed: `completed`;
 * - the import task is still running: CancelImportTask (VM Import deletes what it made so far): `cancelled`. If the
 *   task completed meanwhile (the cancel is refused), its image is taken as above;
 * - the task had already failed or is gone: `failed`; no task was ever started (killed before ImportImage reached
 *   AWS: none carries the step's `mwb:run` tag) or no image was registered: `abandoned`.
 * Each ends the step in the journal (`ami-end`). A transient error (network, throttling, credentials) throws and
 * leaves the step pending, so nothing is lost: the next run settles or resumes it.
 */
export interface SettleAmiRequest {
  readonly aws: AwsClientOptions;
  readonly server: string;
  readonly projectId: string;
  readonly encrypted?: boolean;
  readonly kmsKeyId?: string;
  /** AMIs of the server to keep when the step's image is taken (retention), default 3. */
  readonly keep?: number;
  /** Why the step is not resumed (CancelImportTask's reason, and the journal's). */
  readonly reason: string;
  readonly signal?: AbortSignal;
}

export type SettledAmiStep =
  | { readonly outcome: 'completed'; readonly ami: AmiResult; readonly message: string }
  | { readonly outcome: 'cancelled'; readonly importTaskId: string; readonly message: string }
  | { readonly outcome: 'failed' | 'abandoned'; readonly importTaskId?: string; readonly message: string };

/** Statuses of an import task that is over; any other (`active`, `pending`) is still working. */
const ENDED = new Set(['completed', 'deleting', 'deleted', 'cancelled', 'failed']);

export async function settleAmiStep(file: string, req: SettleAmiRequest, pending: PendingAmiStep): Promise<SettledAmiStep> {
  const { start } = pending;
  const ami = start.ami;
  const end = async (outcome: 'failed' | 'abandoned', message: string) => {
    const journal = await Journal.open(file);
    try {
      await journal.append({ t: 'ami-end', ami, outcome, message: message.slice(0, 300), at: new Date().toISOString() });
    } finally {
      await journal.close();
    }
  };
  const note = async (record: { t: 'ami-task'; ami: string; importTaskId: string } | { t: 'ami-image'; ami: string; amiId: string }) => {
    const journal = await Journal.open(file);
    try {
      await journal.append(record);
    } finally {
      await journal.close();
    }
  };
  const client = ec2Client(req.aws);
  let amiId = pending.amiId;
  let importTaskId = pending.importTaskId;
  try {
    if (!amiId && start.mode === 'register') {
      amiId = await imageByName(client, start.name);
      if (!amiId) {
        const message = `the previous run's RegisterImage had not made its image; no AMI for that run (${req.reason})`;
        await end('abandoned', message);
        return { outcome: 'abandoned', message };
      }
      await note({ t: 'ami-image', ami, amiId });
    } else if (!amiId) {
      let task: ImportImageTask | undefined;
      if (importTaskId) task = await describeTask(client, importTaskId);
      else {
        task = await findTaskByRun(client, ami, req.server);
        if (!task?.ImportTaskId) {
          const message = `the previous run's AMI step had started no VM Import task (none is listed with its tags; AWS lists a task for 7 days after it ends); no AMI for that run (${req.reason})`;
          await end('abandoned', message);
          return { outcome: 'abandoned', message };
        }
        importTaskId = task.ImportTaskId;
        await note({ t: 'ami-task', ami, importTaskId });
      }
      if (!task) {
        const message = `the previous run's VM Import task ${importTaskId} is gone; no AMI for that run`;
        await end('failed', message);
        return { outcome: 'failed', importTaskId: importTaskId!, message };
      }
      const id = importTaskId!;
      if (!ENDED.has(task.Status ?? '')) {
        try {
          await ec2(() => client.send(new CancelImportTaskCommand({ ImportTaskId: id, CancelReason: `Migration Workbench: ${req.reason}`.slice(0, 255) })));
          const progress = task.Progress ? `, ${task.Progress} %` : '';
          const message = `the previous run's AMI was still being imported (VM Import task ${id}${progress}): the import was cancelled because ${req.reason}${start.sources.every((s) => s.kind === 'snapshot') ? "; that run's snapshots are kept" : ''}`;
          await end('abandoned', message);
          return { outcome: 'cancelled', importTaskId: id, message };
        } catch (err) {
          // Refused: the task ended between the look-up and the cancel. A completed one gives its image below.
          if (!(err instanceof AmiError) || err.code !== 'validation') throw err;
          task = await describeTask(client, id);
          if (!task) throw err;
        }
      }
      if (task.Status === 'completed' && task.ImageId) {
        amiId = task.ImageId;
        await note({ t: 'ami-image', ami, amiId });
      } else {
        const message = `the previous run's VM Import task ${id} ended ${task.Status ?? 'unknown'}${task.StatusMessage ? `: ${task.StatusMessage.slice(0, 200)}` : ''}; no AMI for that run`;
        await end('failed', message);
        return { outcome: 'failed', importTaskId: id, message };
      }
    }
  } finally {
    client.destroy();
  }
  // The image exists: tags, retention and `ami-end completed`, through the journaled step (nothing waits).
  const result = await createAmiJournaled(
    file,
    {
      mode: start.mode,
      aws: req.aws,
      server: req.server,
      projectId: req.projectId,
      runId: ami,
      sources: start.sources,
      ...(req.encrypted !== undefined ? { encrypted: req.encrypted } : {}),
      ...(req.kmsKeyId ? { kmsKeyId: req.kmsKeyId } : {}),
      keep: req.keep ?? 3,
      ...(req.signal ? { signal: req.signal } : {}),
    },
    start.runs,
    { ...pending, amiId, ...(importTaskId ? { importTaskId } : {}) },
  );
  return { outcome: 'completed', ami: result, message: `the previous run's AMI ${result.amiId} had been made meanwhile: it is tagged, and older AMIs beyond the number kept are retired` };
}

async function describeTask(client: EC2Client, importTaskId: string): Promise<ImportImageTask | undefined> {
  try {
    const out = await ec2(() => client.send(new DescribeImportImageTasksCommand({ ImportTaskIds: [importTaskId] })));
    return out.ImportImageTasks?.find((t) => t.ImportTaskId === importTaskId);
  } catch (err) {
    // An id AWS no longer knows (tasks are listed for 7 days) is answered with an error, not an empty list.
    if (err instanceof AmiError && (err.code === 'not-found' || err.code === 'validation')) return undefined;
    throw err;
  }
}

/**
 * The import task ImportImage started for this step (its `mwb:run` and `mwb:server` tags), when the id was never
 * journaled. DescribeImportImageTasks lists active tasks and those that ended in the last 7 days (tags cannot filter it).
 */
async function findTaskByRun(client: EC2Client, ami: string, server: string): Promise<ImportImageTask | undefined> {
  let token: string | undefined;
  for (let page = 0; page < 50; page++) {
    const out = await ec2(() => client.send(new DescribeImportImageTasksCommand(token ? { NextToken: token } : {})));
    const tags = (t: ImportImageTask) => new Map((t.Tags ?? []).map((x) => [x.Key, x.Value]));
    const found = (out.ImportImageTasks ?? []).find((t) => tags(t).get('mwb:run') === ami && tags(t).get('mwb:server') === server.slice(0, 255));
    if (found) return found;
    token = out.NextToken;
    if (!token) return undefined;
  }
  return undefined;
}
