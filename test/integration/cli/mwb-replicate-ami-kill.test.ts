// `mwb replicate --ami import` (a child process) SIGKILLed during the AMI step, against the fake EBS direct + EC2
// endpoint: the restart finishes the same VM Import task (from the journal, or by ImportImage's ClientToken when the
// kill came before the task id was journaled) instead of starting a second import or losing the AMI; a task that
// fails is a typed error and the next run makes a new one; a run with `--ami none` after a killed step settles it
// (the task, found by its run tag, is cancelled and said so) instead of forgetting it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { tempDir } from '../../helpers/temp-dir';
import { mwbKilledAtEc2, mwbProcess } from '../../helpers/mwb-process';
import { docWithServers } from '../../helpers/plan-fixtures';
import { startFakeEbs, type FakeEbs } from '../../fakes/ebs-direct.fake';
import { decodeJournal, type JournalRecord } from '../../../main/replication/engine/journal';

const BLOCK = 512 * 1024;

let dir: string;
let env: NodeJS.ProcessEnv;
let fake: FakeEbs;
let project: string;
const images: Record<string, string> = {};

const mwb = (args: string[]) => mwbProcess(args, env);

/** Runs the CLI and SIGKILLs it when the fake receives `action`. */
async function killedAt(args: string[], action: string): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  const out = await mwbKilledAtEc2(fake, args, env, action);
  expect(out.hit, `the CLI ended before ${action}`).toBe(true);
  return out;
}

const args = (server: string, ami = 'import') => ['replicate', '--project', project, '--server', server, '--disk-image', `disk0=${images[server]}`, '--region', 'us-east-1', '--endpoint-url', fake.url, '--ami', ami, '--ami-poll-seconds', '0.05', '--once', '--json'];
const journal = async (server: string): Promise<JournalRecord[]> => decodeJournal(await readFile(path.join(env.MWB_HOME!, 'replication', 'p1', server, 'journal.log'))).records;
const imports = () => fake.ec2Calls.filter((c) => c.action === 'ImportImage');
/** Snapshots the engine started (VM Import's copies carry no tags). */
const runSnapshots = () => [...fake.snapshots.values()].filter((s) => s.tags.length > 0);
const savedServer = async (id: string) => {
  const doc = JSON.parse(await readFile(project, 'utf8')) as { replication?: { servers: Array<{ serverId: string; lastRun?: { status: string; amiId?: string; message?: string }; runs?: unknown[] }> } };
  return doc.replication?.servers.find((s) => s.serverId === id);
};

beforeAll(async () => {
  dir = await tempDir('mwb-replicate-ami-');
  env = { MWB_HOME: path.join(dir, 'home'), AWS_ACCESS_KEY_ID: 'AKIDFAKEFAKEFAKE', AWS_SECRET_ACCESS_KEY: 'fake-secret-key', AWS_EC2_METADATA_DISABLED: 'true', AWS_CONFIG_FILE: path.join(dir, 'none'), AWS_SHARED_CREDENTIALS_FILE: path.join(dir, 'none') };
  fake = await startFakeEbs({ importSteps: 2 });
  project = path.join(dir, 'estate.mwb.json');
  await writeFile(project, JSON.stringify(docWithServers(4)));
  for (const server of ['S1', 'S2', 'S3', 'S4']) {
    const content = Buffer.alloc(24 * BLOCK);
    for (let i = 0; i < 24; i += 3) randomBytes(BLOCK).copy(content, i * BLOCK);
    images[server] = path.join(dir, `${server}.raw`);
    await writeFile(images[server], content);
  }
});
afterAll(async () => {
  await fake?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('mwb replicate: SIGKILL during the AMI step', () => {
  it('resumes the same import task after kills at ImportImage and while it is active: one task, one AMI, recorded', async () => {
    // 1. Killed when ImportImage arrives: AWS starts the task, the CLI never learns its id.
    const first = await killedAt(args('S1'), 'ImportImage');
    expect(first.signal).toBe('SIGKILL');
    expect(fake.importTasks.size).toBe(1);
    const snapshots = runSnapshots();
    expect(snapshots).toHaveLength(1);
    const putsAfterRun = fake.puts.length;
    const token = imports()[0]!.params.ClientToken;
    expect((await journal('s1')).map((r) => r.t)).toContain('ami-start');
    expect((await savedServer('s1'))?.lastRun).toBeUndefined();

    // 2. Restarted: the run's disks are not replicated again; ImportImage with the same ClientToken finds the task.
    // Killed at the first status check, while the task is active.
    const second = await killedAt(args('S1'), 'DescribeImportImageTasks');
    expect(second.signal).toBe('SIGKILL');
    expect(imports()).toHaveLength(2);
    expect(imports()[1]!.params.ClientToken).toBe(token);
    expect(fake.importTasks.size).toBe(1);
    const task = [...fake.importTasks.values()][0]!;
    expect(task.status).toBe('active');
    expect((await journal('s1')).filter((r) => r.t === 'ami-task').map((r) => (r as { importTaskId: string }).importTaskId)).toEqual([task.id]);

    // 3. Restarted: polls the journaled task (no ImportImage at all), which completes; the AMI is recorded.
    const done = await mwb(args('S1'));
    expect(done.code, done.stderr).toBe(0);
    // The AWS SDK's notice about future Node versions is not for the consultant (cli.ts).
    expect(done.stderr).not.toContain('NodeVersionSupportWarning');
    const out = JSON.parse(done.stdout) as { status: string; amiId: string | null; disks: Array<{ snapshotId: string; blocksChanged: number }> };
    expect(imports()).toHaveLength(2);
    expect(fake.importTasks.size).toBe(1);
    expect(task.status).toBe('completed');
    expect(out).toMatchObject({ status: 'completed', amiId: task.imageId });
    expect(out.disks[0]).toMatchObject({ snapshotId: snapshots[0]!.id, blocksChanged: 8 });
    expect(fake.puts.length).toBe(putsAfterRun);
    expect(runSnapshots()).toHaveLength(1);
    const image = fake.images.get(task.imageId!)!;
    expect(image.tags.get('mwb:server')).toBe('S1');
    const saved = await savedServer('s1');
    expect(saved?.lastRun).toMatchObject({ status: 'completed', amiId: task.imageId });
    expect(saved?.runs).toHaveLength(1);
    expect((await journal('s1')).filter((r) => r.t === 'ami-end')).toMatchObject([{ outcome: 'completed', amiId: task.imageId }]);

    // 4. The step is over: the next run is a new (incremental) run with its own import.
    const next = await mwb(args('S1'));
    expect(next.code, next.stderr).toBe(0);
    expect(runSnapshots()).toHaveLength(2);
    expect(fake.importTasks.size).toBe(2);
    expect(JSON.parse(next.stdout).amiId).not.toBe(task.imageId);
  }, 240_000);

  it('a resumed import task that fails is a typed error; the run is recorded failed and the next run imports anew', async () => {
    const tasksBefore = fake.importTasks.size;
    const killed = await killedAt(args('S2'), 'DescribeImportImageTasks');
    expect(killed.signal).toBe('SIGKILL');
    expect(fake.importTasks.size).toBe(tasksBefore + 1);
    const task = [...fake.importTasks.values()].at(-1)!;

    fake.options.importFailure = 'ClientError: Unknown OS / Missing OS files.';
    const failed = await mwb(args('S2'));
    fake.options.importFailure = undefined;
    expect(failed.code).toBe(1);
    const out = JSON.parse(failed.stdout) as { status: string; amiId: string | null; message: string };
    expect(out).toMatchObject({ status: 'failed', amiId: null });
    expect(out.message).toContain('(import-failed)');
    expect(out.message).toContain('Unknown OS / Missing OS files');
    expect(task.status).toBe('deleted');
    expect(fake.importTasks.size).toBe(tasksBefore + 1);
    expect((await savedServer('s2'))?.lastRun).toMatchObject({ status: 'failed' });
    expect((await savedServer('s2'))?.lastRun?.amiId).toBeUndefined();
    expect((await journal('s2')).filter((r) => r.t === 'ami-end')).toMatchObject([{ outcome: 'failed' }]);

    // The failed task is not polled again: a new run, a new task, an AMI.
    const again = await mwb(args('S2'));
    expect(again.code, again.stderr).toBe(0);
    expect(fake.importTasks.size).toBe(tasksBefore + 2);
    const amiId = JSON.parse(again.stdout).amiId as string;
    expect(amiId).toMatch(/^ami-/);
    expect((await savedServer('s2'))?.lastRun).toMatchObject({ status: 'completed', amiId });
  }, 240_000);

  it('--ami none after a kill at ImportImage: the task (never journaled) is found by its run tag and cancelled, said so, and both runs are recorded', async () => {
    const tasksBefore = new Set(fake.importTasks.keys());
    const killed = await killedAt(args('S4'), 'ImportImage');
    expect(killed.signal).toBe('SIGKILL');
    const task = [...fake.importTasks.values()].find((t) => !tasksBefore.has(t.id))!;
    expect(task.status).toBe('active');
    expect((await journal('s4')).some((r) => r.t === 'ami-task')).toBe(false);
    const snapshots = runSnapshots().length;

    // Human output: the run, then what became of the killed run's AMI step.
    const none = await mwb(args('S4', 'none').filter((a) => a !== '--json'));
    expect(none.code, none.stderr).toBe(0);
    expect(none.stdout).toMatch(/^S4: replicated\n/);
    expect(none.stdout).toContain(`  previous run's AMI: The previous run's AMI was still being imported (VM Import task ${task.id}`);
    expect(none.stdout).toContain('the import was cancelled because a later run asked for no AMI');
    expect(fake.ec2Calls.filter((c) => c.action === 'CancelImportTask').map((c) => c.params.ImportTaskId)).toEqual([task.id]);
    expect(task.status).toBe('deleted');
    // No import was started by the run without an AMI; its run is incremental from the killed run's snapshot.
    expect(fake.importTasks.size).toBe(tasksBefore.size + 1);
    expect(runSnapshots()).toHaveLength(snapshots + 1);
    const records = await journal('s4');
    expect(records.filter((r) => r.t === 'ami-task')).toMatchObject([{ importTaskId: task.id }]);
    expect(records.filter((r) => r.t === 'ami-end')).toMatchObject([{ outcome: 'abandoned' }]);
    const saved = await savedServer('s4');
    expect(saved?.runs).toHaveLength(2);
    expect((saved?.runs?.[0] as { message?: string }).message).toContain('cancelled');
    expect((saved?.runs?.[0] as { amiId?: string }).amiId).toBeUndefined();

    // Nothing is pending any more: the next run settles nothing (no previousAmi) and is incremental again.
    const again = await mwb(args('S4', 'none'));
    expect(again.code, again.stderr).toBe(0);
    const out = JSON.parse(again.stdout) as { status: string; amiId: string | null; previousAmi?: unknown; disks: Array<{ parentSnapshotId: string | null; blocksChanged: number }> };
    expect(out).toMatchObject({ status: 'completed', amiId: null });
    expect(out.previousAmi).toBeUndefined();
    expect(out.disks[0]).toMatchObject({ blocksChanged: 0 });
    expect(out.disks[0]!.parentSnapshotId).toMatch(/^snap-/);
    expect(fake.ec2Calls.filter((c) => c.action === 'CancelImportTask')).toHaveLength(1);
  }, 240_000);

  it('RegisterImage: killed as the call arrives (the image is registered, the CLI never hears), the restart finds it by its journaled name', async () => {
    const killed = await killedAt(args('S3', 'register'), 'RegisterImage');
    expect(killed.signal).toBe('SIGKILL');
    const registered = [...fake.images.values()].filter((i) => i.source === 'register');
    expect(registered).toHaveLength(1);
    const done = await mwb(args('S3', 'register'));
    expect(done.code, done.stderr).toBe(0);
    expect(JSON.parse(done.stdout).amiId).toBe(registered[0]!.id);
    // The second RegisterImage was refused as a duplicate name, and no other image was made.
    expect(fake.ec2Calls.filter((c) => c.action === 'RegisterImage').map((c) => c.params.Name)).toEqual([registered[0]!.name, registered[0]!.name]);
    expect([...fake.images.values()].filter((i) => i.source === 'register')).toHaveLength(1);
    expect(registered[0]!.tags.get('mwb:server')).toBe('S3');
    expect((await savedServer('s3'))?.lastRun).toMatchObject({ status: 'completed', amiId: registered[0]!.id });
  }, 240_000);
});
