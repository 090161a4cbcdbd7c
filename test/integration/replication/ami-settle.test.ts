// A run asked for no AMI while an earlier run's AMI step is pending (through the replication service, against the
// strict fake's EBS direct + EC2 Query API): the step is settled before the disks run, never forgotten. An import
// still running is cancelled (CancelImportTask) and said so; one AWS finished meanwhile (or between the look-up and
// the cancel) gives its AMI, tagged, recorded with its run, under retention; a step that started no task ends; a
// transient error leaves it pending.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { DescribeImportImageTasksCommand, ImportImageCommand, RegisterImageCommand } from '@aws-sdk/client-ec2';
import { tempDir } from '../../helpers/temp-dir';
import { testServices } from '../../helpers/services';
import { docWithServers } from '../../helpers/plan-fixtures';
import { startFakeEbs, type FakeEbs } from '../../fakes/ebs-direct.fake';
import type { Services } from '../../../main/services/container';
import type { ProjectDocument } from '../../../main/common/model/project';
import { latestReplicatedAmi } from '../../../main/common/model/replication';
import { Journal, type JournalRecord } from '../../../main/replication/engine/journal';
import { pendingAmiStep } from '../../../main/replication/ami/step';
import { ec2Client } from '../../../main/replication/ami';

const BLOCK = 512 * 1024;
const POLL = { initialMs: 5, maxMs: 20 };

let fake: FakeEbs;
let dir: string;
let services: Services;
let image: string;

function project(): ProjectDocument {
  const doc = docWithServers(2);
  const servers = doc.inventory.servers.map((s, i) => (i === 0 ? { ...s, name: 'web01' } : s));
  return {
    ...doc,
    inventory: { ...doc.inventory, servers },
    planning: {
      ...doc.planning,
      applications: [{ id: 'a1', name: 'Shop', description: '', tags: {}, replication: { frequency: 'one-time', amisToKeep: 2, licenseType: 'BYOL', encrypted: true }, groups: [{ id: 'g1', name: 'Web', serverIds: ['s1'] }] }],
    },
  };
}

async function openProject(): Promise<void> {
  const file = path.join(dir, `p-${randomBytes(4).toString('hex')}.mwb.json`);
  await fs.writeFile(file, JSON.stringify(project()));
  await services.project.open(file);
  services.replication.configure('web01', { disks: [{ disk: 'Hard disk 1', image }], region: 'us-east-1' });
}

const transport = () => ({ kind: 'ebs' as const, endpointUrl: fake.url });
const journalFile = () => path.join(services.replication.jobDir('s1'), 'journal.log');
const journal = () => Journal.read(journalFile());
const calls = (action: string) => fake.ec2Calls.filter((c) => c.action === action);
const runs = () => services.project.document.replication!.servers.find((x) => x.serverId === 's1')!.runs ?? [];
/** Snapshots the engine started (VM Import's copies carry no tags). */
const runSnapshots = () => [...fake.snapshots.values()].filter((s) => s.tags.length > 0);

/** A run with `--ami import` interrupted at its first status check: the task is active, the step pending. */
async function interruptedImport(): Promise<{ id: string; status: string; imageId?: string }> {
  const ac = new AbortController();
  fake.options.beforeEc2 = (action) => {
    if (action === 'DescribeImportImageTasks') ac.abort();
  };
  try {
    await expect(services.replication.replicate({ server: 'web01', transport: transport(), ami: 'import', amiPoll: POLL, signal: ac.signal })).rejects.toMatchObject({ code: 'interrupted' });
  } finally {
    fake.options.beforeEc2 = undefined;
  }
  const task = [...fake.importTasks.values()].at(-1)!;
  expect(task.status).toBe('active');
  expect(pendingAmiStep(await journal())).toMatchObject({ importTaskId: task.id });
  return task;
}

beforeAll(async () => {
  process.env.AWS_ACCESS_KEY_ID = 'AKIDFAKEFAKEFAKE';
  process.env.AWS_SECRET_ACCESS_KEY = 'fake-secret';
  process.env.AWS_EC2_METADATA_DISABLED = 'true';
  fake = await startFakeEbs({ importSteps: 3 });
  dir = await tempDir('mwb-ami-settle-');
  services = testServices(dir);
  image = path.join(dir, 'web01.raw');
  const content = Buffer.alloc(16 * BLOCK);
  for (const i of [0, 3, 7, 15]) randomBytes(BLOCK).copy(content, i * BLOCK);
  await fs.writeFile(image, content);
});
afterEach(() => {
  fake.options.beforeEc2 = undefined;
});
afterAll(async () => {
  services.dispose();
  await fake.close();
});

describe('a run without an AMI after a pending AMI step', () => {
  it('an import still running is cancelled with CancelImportTask and said so; that run is recorded; this one replicates incrementally', async () => {
    await openProject();
    const task = await interruptedImport();
    const snapshotsBefore = runSnapshots().length;
    expect(runs()).toHaveLength(0);

    const r = await services.replication.replicate({ server: 'web01', transport: transport(), ami: 'none' });
    expect(r).toMatchObject({ status: 'completed', amiId: null, previousAmi: { outcome: 'cancelled', amiId: null } });
    expect(r.previousAmi!.message).toContain(`VM Import task ${task.id}`);
    expect(r.previousAmi!.message).toContain('cancelled because a later run asked for no AMI');
    expect(calls('CancelImportTask').map((c) => c.params.ImportTaskId)).toEqual([task.id]);
    expect(calls('CancelImportTask')[0]!.params.CancelReason).toContain('no AMI');
    expect(task.status).toBe('deleted');
    // The step is over in the journal; the interrupted run is recorded (its snapshot complete, no AMI), then this one.
    expect((await journal()).filter((x) => x.t === 'ami-end')).toMatchObject([{ outcome: 'abandoned' }]);
    expect(pendingAmiStep(await journal())).toBeUndefined();
    const [previous, current] = runs();
    expect(previous).toMatchObject({ status: 'completed', snapshots: [{ snapshotId: r.disks[0]!.parentSnapshotId }] });
    expect(previous!.amiId).toBeUndefined();
    expect(previous!.message).toContain('cancelled');
    expect(current).toMatchObject({ status: 'completed' });
    expect(current!.amiId).toBeUndefined();
    expect(runSnapshots()).toHaveLength(snapshotsBefore + 1);
    expect(r.disks[0]).toMatchObject({ resumed: false, blocksChanged: 0 });

    // The next run with an AMI imports afresh from its own run (a new task), it does not poll the cancelled one.
    const tasks = fake.importTasks.size;
    const next = await services.replication.replicate({ server: 'web01', transport: transport(), ami: 'import', amiPoll: POLL });
    expect(next).toMatchObject({ status: 'completed' });
    expect(next.amiId).toMatch(/^ami-/);
    expect(fake.importTasks.size).toBe(tasks + 1);
  }, 120_000);

  it('an import AWS finished meanwhile gives its AMI: tagged, recorded with its run, retention applied; nothing is cancelled', async () => {
    await openProject();
    const task = await interruptedImport();
    // AWS goes on with the task while nothing polls it (the fake advances a task when it is described).
    const ec2 = ec2Client({ endpointUrl: fake.url, region: 'us-east-1' });
    try {
      for (let i = 0; i < 4 && task.status === 'active'; i++) await ec2.send(new DescribeImportImageTasksCommand({ ImportTaskIds: [task.id] }));
    } finally {
      ec2.destroy();
    }
    expect(task.status).toBe('completed');
    const cancels = calls('CancelImportTask').length;
    const before = runs().length;

    const r = await services.replication.replicate({ server: 'web01', transport: transport(), ami: 'none' });
    expect(r).toMatchObject({ status: 'completed', amiId: null, previousAmi: { outcome: 'completed', amiId: task.imageId } });
    expect(calls('CancelImportTask')).toHaveLength(cancels);
    const img = fake.images.get(task.imageId!)!;
    expect(Object.fromEntries(img.tags)).toMatchObject({ 'mwb:server': 'web01', 'mwb:project': 'p1', 'mwb:run': expect.any(String) });
    const journaled = await journal();
    expect(journaled.filter((x) => x.t === 'ami-image').at(-1)).toMatchObject({ amiId: task.imageId });
    expect(journaled.filter((x) => x.t === 'ami-end').at(-1)).toMatchObject({ outcome: 'completed', amiId: task.imageId });
    const [previous, current] = runs().slice(before);
    expect(previous).toMatchObject({ status: 'completed', amiId: task.imageId });
    expect(current!.amiId).toBeUndefined();
    // The export's AMI default is that AMI (the run after it made none).
    expect(latestReplicatedAmi(services.project.document.replication, 's1')?.amiId).toBe(task.imageId);
    // Retention (2 kept): of this server's three AMIs in this project, the oldest was deregistered.
    const live = [...fake.images.values()].filter((i) => i.state === 'available' && i.tags.get('mwb:server') === 'web01' && i.tags.get('mwb:project') === 'p1');
    expect(live.map((i) => i.id)).toContain(task.imageId);
    expect(live.length).toBeLessThanOrEqual(2);
  }, 120_000);

  it('an import that completes between the look-up and the cancel: the refused cancel is followed by its AMI, recorded', async () => {
    await openProject();
    const task = await interruptedImport();
    // AWS finishes the task just as CancelImportTask arrives, which is then refused (IncorrectState).
    fake.options.beforeEc2 = async (action) => {
      if (action !== 'CancelImportTask') return;
      const ec2 = ec2Client({ endpointUrl: fake.url, region: 'us-east-1' });
      try {
        for (let i = 0; i < 4 && task.status === 'active'; i++) await ec2.send(new DescribeImportImageTasksCommand({ ImportTaskIds: [task.id] }));
      } finally {
        ec2.destroy();
      }
    };
    const r = await services.replication.replicate({ server: 'web01', transport: transport(), ami: 'none' });
    expect(calls('CancelImportTask').at(-1)!.params.ImportTaskId).toBe(task.id);
    expect(task.status).toBe('completed');
    expect(r).toMatchObject({ status: 'completed', amiId: null, previousAmi: { outcome: 'completed', amiId: task.imageId } });
    expect(fake.images.get(task.imageId!)!.tags.get('mwb:server')).toBe('web01');
    expect(runs().at(-2)).toMatchObject({ amiId: task.imageId });
  }, 120_000);

  it('a step killed before ImportImage reached AWS (no task carries its run tag) is ended; a registered image is found by its name', async () => {
    await openProject();
    const base = await services.replication.replicate({ server: 'web01', transport: transport(), ami: 'none' });
    expect(base.status).toBe('completed');
    const run = base.disks[0]!.run!;
    const snapshotId = base.disks[0]!.snapshotId!;
    const start = (ami: string, mode: 'import' | 'register', name: string, snapshot = snapshotId): JournalRecord => ({ t: 'ami-start', ami, mode, runs: [{ disk: 'Hard disk 1', run: ami }], sources: [{ kind: 'snapshot', disk: 'Hard disk 1', snapshotId: snapshot }], name, at: new Date().toISOString() });
    const append = async (r: JournalRecord) => {
      const j = await Journal.open(journalFile());
      await j.append(r);
      await j.close();
    };

    // Import: ami-start journaled, the process gone before ImportImage was sent.
    await append(start(run, 'import', 'mwb web01 never-imported'));
    const describes = calls('DescribeImportImageTasks').length;
    const a = await services.replication.replicate({ server: 'web01', transport: transport(), ami: 'none' });
    expect(a).toMatchObject({ status: 'completed', previousAmi: { outcome: 'abandoned', amiId: null } });
    expect(a.previousAmi!.message).toContain('started no VM Import task');
    // Looked up by the run's tags (the task id was never journaled), not started.
    expect(calls('DescribeImportImageTasks').slice(describes).map((c) => c.params['ImportTaskId.1'])).toEqual([undefined]);
    expect((await journal()).filter((x) => x.t === 'ami-end' && x.ami === run)).toMatchObject([{ outcome: 'abandoned' }]);

    // Register: the call went through before the kill, the image has the journaled name.
    const run2 = a.disks[0]!.run!;
    const name = `mwb web01 registered ${run2.slice(0, 8)}`;
    const ec2 = ec2Client({ endpointUrl: fake.url, region: 'us-east-1' });
    let registered: string;
    try {
      registered = (await ec2.send(new RegisterImageCommand({ Name: name, RootDeviceName: '/dev/sda1', VirtualizationType: 'hvm', BlockDeviceMappings: [{ DeviceName: '/dev/sda1', Ebs: { SnapshotId: a.disks[0]!.snapshotId! } }] }))).ImageId!;
    } finally {
      ec2.destroy();
    }
    await append(start(run2, 'register', name, a.disks[0]!.snapshotId!));
    const b = await services.replication.replicate({ server: 'web01', transport: transport(), ami: 'none' });
    expect(b).toMatchObject({ status: 'completed', previousAmi: { outcome: 'completed', amiId: registered } });
    expect(fake.images.get(registered)!.tags.get('mwb:server')).toBe('web01');
    expect(runs().at(-2)).toMatchObject({ amiId: registered });
  }, 120_000);

  it('a pending step whose runs the journal lacks is settled too (its import cancelled), then this run makes its own AMI', async () => {
    await openProject();
    const base = await services.replication.replicate({ server: 'web01', transport: transport(), ami: 'none' });
    const snapshotId = base.disks[0]!.snapshotId!;
    // A step over a run the journal does not hold (a damaged journal): its task was started, tagged with the step.
    const ami = 'step-without-its-run';
    const j = await Journal.open(journalFile());
    await j.append({ t: 'ami-start', ami, mode: 'import', runs: [{ disk: 'Hard disk 1', run: 'not-in-this-journal' }], sources: [{ kind: 'snapshot', disk: 'Hard disk 1', snapshotId }], name: 'mwb web01 orphan', at: new Date().toISOString() });
    await j.close();
    const ec2 = ec2Client({ endpointUrl: fake.url, region: 'us-east-1' });
    let taskId: string;
    try {
      const started = await ec2.send(new ImportImageCommand({ DiskContainers: [{ SnapshotId: snapshotId }], TagSpecifications: [{ ResourceType: 'import-image-task', Tags: [{ Key: 'mwb:server', Value: 'web01' }, { Key: 'mwb:run', Value: ami }] }] }));
      taskId = started.ImportTaskId!;
    } finally {
      ec2.destroy();
    }
    const before = runs().length;
    const tasks = fake.importTasks.size;

    const r = await services.replication.replicate({ server: 'web01', transport: transport(), ami: 'import', amiPoll: POLL });
    expect(r).toMatchObject({ status: 'completed', previousAmi: { outcome: 'cancelled', amiId: null } });
    expect(r.previousAmi!.message).toContain(`VM Import task ${taskId}`);
    expect(fake.importTasks.get(taskId)!.status).toBe('deleted');
    // This run's own import: a new task; only this run is recorded (the other is not in the journal).
    expect(fake.importTasks.size).toBe(tasks + 1);
    expect(r.amiId).toMatch(/^ami-/);
    expect(runs()).toHaveLength(before + 1);
    expect(runs().at(-1)).toMatchObject({ amiId: r.amiId });
    expect((await journal()).filter((x) => x.t === 'ami-end' && x.ami === ami)).toMatchObject([{ outcome: 'abandoned' }]);
  }, 120_000);

  it('when the step cannot be looked up (network), nothing is replicated and it stays pending; the next run settles it', async () => {
    await openProject();
    const task = await interruptedImport();
    const snapshots = runSnapshots().length;
    const before = runs().length;
    // A closed port: the EC2 endpoint does not answer (one attempt, no retries, to keep the test short).
    const closed = await new Promise<number>((resolve) => {
      const s = net.createServer().listen(0, '127.0.0.1', () => {
        const { port } = s.address() as net.AddressInfo;
        s.close(() => resolve(port));
      });
    });
    await expect(services.replication.replicate({ server: 'web01', transport: { kind: 'ebs', endpointUrl: `http://127.0.0.1:${closed}`, maxAttempts: 1 }, ami: 'none' })).rejects.toMatchObject({
      code: 'network',
      message: expect.stringContaining('pending and could not be looked up'),
    });
    expect(pendingAmiStep(await journal())).toMatchObject({ importTaskId: task.id });
    expect(runSnapshots()).toHaveLength(snapshots);
    expect(runs()).toHaveLength(before);

    const r = await services.replication.replicate({ server: 'web01', transport: transport(), ami: 'none' });
    expect(r.previousAmi).toMatchObject({ outcome: 'cancelled' });
    expect(task.status).toBe('deleted');
  }, 120_000);
});
