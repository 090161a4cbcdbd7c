// The replication jobs service against the strict fake EBS direct endpoint: per server and per application, the queue's
// global and per-datastore limits, pause/resume (exact through the journal), cancel, schedules, the bandwidth cap,
// progress and state events, and bad input refused without losing anything.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createHash, randomBytes } from 'node:crypto';
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { tempDir } from '../../helpers/temp-dir';
import { testServices } from '../../helpers/services';
import { docWithServers } from '../../helpers/plan-fixtures';
import { startFakeEbs, type FakeEbs } from '../../fakes/ebs-direct.fake';
import type { Services } from '../../../main/services/container';
import { ReplicationJobsService } from '../../../main/services/replication-jobs.service';
import type { ReplicationJobEvent, ReplicationProgressEvent } from '../../../main/common/ipc/events';
import type { ProjectDocument } from '../../../main/common/model/project';
import { isWorkbenchError } from '../../../main/common/model/errors';

const BLOCK = 512 * 1024;
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

let fake: FakeEbs;
let dir: string;
let services: Services;
let putDelay = 0;
let onPut: (() => void) | undefined;
const jobEvents: ReplicationJobEvent[] = [];
const progressEvents: ReplicationProgressEvent[] = [];

/** A raw image: `data` blocks of random bytes at the even indexes, zeros elsewhere. */
async function makeImage(file: string, blocks: number): Promise<Buffer> {
  const content = Buffer.alloc(blocks * BLOCK);
  for (let i = 0; i < blocks; i += 2) randomBytes(BLOCK).copy(content, i * BLOCK);
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(file, content);
  return content;
}

/** Opens a project of `n` servers (s1…sN), the first `apps` grouped into application a1, in a fresh service graph. */
async function openProject(n: number, edit: (doc: ProjectDocument) => ProjectDocument = (d) => d): Promise<void> {
  services?.dispose();
  services = testServices(dir);
  const base = docWithServers(n);
  const file = path.join(dir, `p-${Date.now()}.mwb.json`);
  await fs.writeFile(file, JSON.stringify(edit(base)));
  await services.project.open(file);
  services.replicationJobs.setPrefs({ endpointUrl: fake.url, region: 'us-east-1' });
  services.events.subscribe('replication.job', (e) => jobEvents.push(e));
  services.events.subscribe('replication.progress', (e) => progressEvents.push(e));
}

const withApp = (serverIds: string[]) => (doc: ProjectDocument): ProjectDocument => ({
  ...doc,
  planning: { ...doc.planning, applications: [{ id: 'a1', name: 'Billing', description: '', tags: {}, replication: { frequency: 'one-time', amisToKeep: 3, licenseType: 'Auto', encrypted: false }, groups: [{ id: 'g1', name: 'Group 1', serverIds }] }] },
});

beforeAll(async () => {
  process.env.AWS_ACCESS_KEY_ID = 'AKIDFAKEFAKEFAKE';
  process.env.AWS_SECRET_ACCESS_KEY = 'fake-secret';
  process.env.AWS_EC2_METADATA_DISABLED = 'true';
  dir = await tempDir('mwb-jobs-');
  fake = await startFakeEbs({
    beforePut: async () => {
      onPut?.();
      if (putDelay) await new Promise((r) => setTimeout(r, putDelay));
    },
  });
});
afterEach(() => {
  putDelay = 0;
  onPut = undefined;
  jobEvents.length = 0;
  progressEvents.length = 0;
  fake.puts.length = 0;
});
afterAll(async () => {
  services?.dispose();
  await fake.close();
  await fs.rm(dir, { recursive: true, force: true });
});

describe('replication jobs (fake EBS direct endpoint)', () => {
  it('runs a server job: state and throttled progress events, the run recorded in the project; a second run sends only what changed', async () => {
    await openProject(2);
    const image = path.join(dir, 'one', 's1.raw');
    const content = await makeImage(image, 64);
    services.replication.configure('s1', { disks: [{ disk: 'Hard disk 1', image }] });
    putDelay = 5;
    const job = services.replicationJobs.start({ kind: 'server', id: 'S1' });
    expect(job).toMatchObject({ id: 'server:s1', kind: 'server', name: 'S1', everyHours: null });
    const done = await services.replicationJobs.settled(job.id);
    expect(done.state).toBe('completed');
    expect(jobEvents.map((e) => e.state)).toEqual(['queued', 'running', 'completed']);
    expect(jobEvents.every((e) => e.jobId === 'server:s1' && e.serverId === 's1')).toBe(true);
    // Progress: a few per second per disk (stage changes always go out), and the last one says done.
    expect(progressEvents.length).toBeGreaterThan(1);
    const sending = progressEvents.filter((e) => e.stage === 'sending');
    for (let i = 1; i < sending.length; i++) expect(Date.parse(sending[i]!.at) - Date.parse(sending[i - 1]!.at)).toBeGreaterThanOrEqual(240);
    expect(progressEvents.at(-1)).toMatchObject({ stage: 'done', bytesRead: content.length, bytesTotal: content.length, bytesSent: 32 * BLOCK, etaSeconds: 0 });
    const [result] = services.replicationJobs.results(job.id);
    expect(sha(fake.read(result!.disks[0]!.snapshotId!, content.length))).toBe(sha(content));
    expect(services.project.document.replication?.servers.find((s) => s.serverId === 's1')?.runs).toHaveLength(1);

    // Change two blocks; "run now" sends those two only.
    const fh = await fs.open(image, 'r+');
    await fh.write(randomBytes(BLOCK), 0, BLOCK, 3 * BLOCK);
    await fh.write(randomBytes(BLOCK), 0, BLOCK, 10 * BLOCK);
    await fh.close();
    fake.puts.length = 0;
    services.replicationJobs.runNow(job.id);
    expect((await services.replicationJobs.settled(job.id)).state).toBe('completed');
    expect(fake.puts.map((p) => p.index).sort((a, b) => a - b)).toEqual([3, 10]);
    expect(services.project.document.replication?.servers.find((s) => s.serverId === 's1')?.runs?.map((r) => r.snapshots[0]!.bytesSent)).toEqual([32 * BLOCK, 2 * BLOCK]);
    expect(services.replicationJobs.get(job.id).servers[0]!.notice).toBeUndefined();

    // The last snapshot deleted in the console: the next run sends every block again, and the card says why.
    const [latest] = services.replicationJobs.results(job.id);
    fake.snapshots.delete(latest!.disks[0]!.snapshotId!);
    fake.puts.length = 0;
    services.replicationJobs.runNow(job.id);
    expect((await services.replicationJobs.settled(job.id)).state).toBe('completed');
    expect(fake.puts).toHaveLength(33); // the 32 data blocks and block 3, which now holds data too
    expect(services.replicationJobs.get(job.id).servers[0]!.notice).toBe(`Hard disk 1: The last run's snapshot ${latest!.disks[0]!.snapshotId} no longer exists, so this run sent every block again.`);
  }, 120_000);

  it("the user's AMI preference makes an AMI after each run started from the app, recorded with the run", async () => {
    await openProject(1);
    const image = path.join(dir, 'ami', 's1.raw');
    await makeImage(image, 8);
    services.replication.configure('s1', { disks: [{ disk: 'Hard disk 1', image }] });
    expect(services.replicationJobs.setPrefs({ ami: 'register' }).ami).toBe('register');
    const job = services.replicationJobs.start({ kind: 'server', id: 's1' });
    expect((await services.replicationJobs.settled(job.id)).state).toBe('completed');
    const amiId = services.replicationJobs.results(job.id)[0]!.amiId;
    expect(amiId).toMatch(/^ami-/);
    expect(fake.images.has(amiId!)).toBe(true);
    expect(services.project.document.replication?.servers.find((x) => x.serverId === 's1')?.lastRun?.amiId).toBe(amiId);
    // Cleared: runs from the app keep the snapshots only again.
    expect(services.replicationJobs.setPrefs({ ami: null }).ami).toBeUndefined();
  }, 120_000);

  it('an application job runs all its servers under the global limit, and one at a time per source datastore', async () => {
    // s1..s3 in the application; s1 and s2 on datastore ds1 (RVTools paths), s3 on ds2.
    await openProject(4, (doc) => {
      const d = withApp(['s1', 's2', 's3'])(doc);
      const servers = d.inventory.servers.map((s) => ({ ...s, disks: [{ label: 'Hard disk 1', capacityMiB: 16, path: `[${s.id === 's3' ? 'ds2' : 'ds1'}] ${s.id}/${s.id}.vmdk` }] }));
      return { ...d, inventory: { ...d.inventory, servers } };
    });
    for (const s of ['s1', 's2', 's3']) {
      const image = path.join(dir, `app-${s}`, `${s}.raw`);
      await makeImage(image, 24);
      services.replication.configure(s, { disks: [{ disk: 'Hard disk 1', image }] });
    }
    services.replicationJobs.setPrefs({ maxConcurrent: 2, maxPerDatastore: 1 });
    putDelay = 15;
    const job = services.replicationJobs.start({ kind: 'application', id: 'billing' });
    expect(job.servers.map((s) => s.serverId)).toEqual(['s1', 's2', 's3']);
    const done = await services.replicationJobs.settled(job.id);
    expect(done.state).toBe('completed');
    expect(done.servers.every((s) => s.state === 'completed')).toBe(true);
    // Replay the state events: never more than 2 running, never s1 and s2 (same datastore) together.
    const running = new Set<string>();
    let most = 0;
    for (const e of jobEvents) {
      expect(e.applicationId).toBe('a1');
      if (e.state === 'running') running.add(e.serverId);
      else running.delete(e.serverId);
      most = Math.max(most, running.size);
      expect(running.has('s1') && running.has('s2')).toBe(false);
    }
    expect(most).toBe(2);
    expect(new Set(fake.puts.map((p) => p.snapshotId)).size).toBe(3);
  }, 120_000);

  it('pause stops the run, resume finishes it without re-sending a block; the snapshot reads back to the image', async () => {
    await openProject(1);
    const image = path.join(dir, 'pause', 's1.raw');
    const content = await makeImage(image, 160);
    services.replication.configure('s1', { disks: [{ disk: 'Hard disk 1', image }] });
    putDelay = 10;
    let pausedAt = -1;
    onPut = () => {
      if (pausedAt < 0 && fake.puts.length >= 25) {
        pausedAt = fake.puts.length;
        services.replicationJobs.pause('server:s1');
      }
    };
    services.replicationJobs.start({ kind: 'server', id: 's1' });
    await until(() => services.replicationJobs.get('server:s1').state === 'paused');
    const sentWhilePaused = fake.puts.length;
    await new Promise((r) => setTimeout(r, 500));
    expect(fake.puts.length).toBe(sentWhilePaused); // nothing is sent while paused
    expect(sentWhilePaused).toBeLessThan(80);
    services.replicationJobs.resume('server:s1');
    const done = await services.replicationJobs.settled('server:s1');
    expect(done.state).toBe('completed');
    expect(jobEvents.map((e) => e.state)).toEqual(['queued', 'running', 'paused', 'queued', 'running', 'completed']);
    const snapshotIds = new Set(fake.puts.map((p) => p.snapshotId));
    expect(snapshotIds.size).toBe(1); // the same snapshot, resumed
    const [result] = services.replicationJobs.results('server:s1');
    expect(result!.disks[0]).toMatchObject({ resumed: true });
    expect(sha(fake.read([...snapshotIds][0]!, content.length))).toBe(sha(content));
    // The pause let the uploads in flight end and journaled them: the resumed run sends every block once.
    const resent = fake.puts.length - new Set(fake.puts.map((p) => p.index)).size;
    expect(resent).toBe(0);
  }, 120_000);

  it('pause during the AMI step (VM Import active): the job is paused, and resume polls the same import task and records its AMI', async () => {
    await openProject(1);
    const image = path.join(dir, 'ami-pause', 's1.raw');
    await makeImage(image, 8);
    services.replication.configure('s1', { disks: [{ disk: 'Hard disk 1', image }] });
    const tasksBefore = fake.importTasks.size;
    const importsBefore = fake.ec2Calls.filter((c) => c.action === 'ImportImage').length;
    let paused = false;
    fake.options.beforeEc2 = (action) => {
      if (action === 'DescribeImportImageTasks' && !paused) {
        paused = true;
        services.replicationJobs.pause('server:s1');
      }
    };
    try {
      services.replicationJobs.start({ kind: 'server', id: 's1' }, { run: { ami: 'import', amiPoll: { initialMs: 20, maxMs: 50 } } });
      await until(() => services.replicationJobs.get('server:s1').state === 'paused');
    } finally {
      fake.options.beforeEc2 = undefined;
    }
    expect(fake.importTasks.size).toBe(tasksBefore + 1);
    const task = [...fake.importTasks.values()].at(-1)!;
    expect(task.status).toBe('active');
    expect(services.project.document.replication?.servers.find((x) => x.serverId === 's1')?.lastRun).toBeUndefined();
    const puts = fake.puts.length;
    services.replicationJobs.resume('server:s1');
    const done = await services.replicationJobs.settled('server:s1');
    expect(done.state).toBe('completed');
    expect(jobEvents.map((e) => e.state)).toEqual(['queued', 'running', 'paused', 'queued', 'running', 'completed']);
    // The same task, polled from the journal: no second ImportImage, no block or snapshot again.
    expect(fake.importTasks.size).toBe(tasksBefore + 1);
    expect(fake.ec2Calls.filter((c) => c.action === 'ImportImage').length).toBe(importsBefore + 1);
    expect(fake.puts.length).toBe(puts);
    const [result] = services.replicationJobs.results('server:s1');
    expect(result).toMatchObject({ status: 'completed', amiId: task.imageId });
    expect(jobEvents.at(-1)?.amiId).toBe(task.imageId);
    expect(services.project.document.replication?.servers.find((x) => x.serverId === 's1')?.lastRun).toMatchObject({ status: 'completed', amiId: task.imageId });
  }, 120_000);

  it('cancel stops the running server and the waiting ones; nothing is completed', async () => {
    await openProject(2, withApp(['s1', 's2']));
    for (const s of ['s1', 's2']) {
      const image = path.join(dir, 'cancel', `${s}.raw`); // one folder: one datastore, so s2 waits for s1
      await makeImage(image, 120);
      services.replication.configure(s, { disks: [{ disk: 'Hard disk 1', image }] });
    }
    putDelay = 10;
    // Blocks arrive 16 at a time, so the count can pass 10 between two calls: cancel once it has.
    let cancelled = false;
    onPut = () => {
      if (fake.puts.length >= 10 && !cancelled) {
        cancelled = true;
        services.replicationJobs.cancel('application:a1');
      }
    };
    services.replicationJobs.start({ kind: 'application', id: 'a1' });
    const done = await services.replicationJobs.settled('application:a1');
    expect(done.state).toBe('cancelled');
    expect(done.servers.map((s) => s.state)).toEqual(['cancelled', 'cancelled']);
    expect(done.nextRunAt).toBeNull();
    expect([...fake.snapshots.values()].filter((s) => s.status === 'completed' && fake.puts.some((p) => p.snapshotId === s.id))).toHaveLength(0);
    expect(new Set(fake.puts.map((p) => p.snapshotId)).size).toBe(1); // s2 never started
    const puts = fake.puts.length;
    await new Promise((r) => setTimeout(r, 400));
    expect(fake.puts.length).toBe(puts);
  }, 120_000);

  it('a scheduled server runs again every N hours (a short hour here) until cancelled', async () => {
    await openProject(1);
    const image = path.join(dir, 'sched', 's1.raw');
    await makeImage(image, 8);
    services.replication.configure('s1', { disks: [{ disk: 'Hard disk 1', image }], everyHours: 2 });
    const jobs = new ReplicationJobsService({ project: services.project, replication: services.replication, events: services.events, settings: services.settings, logger: services.logger, hourMs: 400 });
    try {
      const started = Date.now();
      const job = jobs.start({ kind: 'server', id: 's1' });
      expect(job.everyHours).toBe(2);
      const first = await jobs.settled(job.id);
      expect(first.state).toBe('completed');
      expect(Date.parse(first.nextRunAt!) - Date.parse(first.endedAt!)).toBeGreaterThanOrEqual(790);
      await until(() => jobEvents.filter((e) => e.state === 'completed').length >= 2, 30_000);
      expect(Date.now() - started).toBeGreaterThanOrEqual(800);
      expect(jobEvents.filter((e) => e.state === 'running')).toHaveLength(2);
      await jobs.settled(job.id);
      const cancelled = jobs.cancel(job.id);
      expect(cancelled.nextRunAt).toBeNull();
      const count = jobEvents.length;
      await new Promise((r) => setTimeout(r, 1000));
      expect(jobEvents.length).toBe(count);
      expect(services.project.document.replication?.servers[0]?.runs).toHaveLength(2);
    } finally {
      jobs.dispose();
    }
  }, 120_000);

  it('schedules saved in the project come back when the app enables them (never in a CLI command); a schedule removed stops the timer', async () => {
    const image = path.join(dir, 'restore', 's1.raw');
    await makeImage(image, 8);
    const lastRun = { at: new Date(Date.now() - 5_000).toISOString(), status: 'completed' as const, snapshots: [] };
    // s2 has a schedule and a run history but no disk image mapped on this machine (like the demo): it gets no timer.
    await openProject(2, (doc) => ({ ...doc, replication: { servers: [{ serverId: 's1', disks: [{ disk: 'Hard disk 1', image }], transport: 'ebs' as const, everyHours: 3, lastRun }, { serverId: 's2', disks: [], transport: 'ebs' as const, everyHours: 3, lastRun }] } }));
    const deps = { project: services.project, replication: services.replication, events: services.events, settings: services.settings, logger: services.logger, hourMs: 1000 };
    // As in a CLI command: nothing is restored, nothing runs.
    const cli = new ReplicationJobsService(deps);
    await new Promise((r) => setTimeout(r, 300));
    expect(cli.list()).toEqual([]);
    cli.dispose();
    const app = new ReplicationJobsService(deps);
    try {
      app.enableSchedules();
      // The last run ended 5 s ago and the schedule is every 3 "hours" of 1 s: the next run is due at once.
      expect(app.list()).toMatchObject([{ id: 'server:s1', everyHours: 3 }]);
      const done = await until(() => jobEvents.some((e) => e.state === 'completed'), 60_000).then(() => app.settled('server:s1'));
      expect(done.state).toBe('completed');
      expect(Date.parse(done.nextRunAt!) - Date.parse(done.endedAt!)).toBe(3000);
      // The consultant makes it one-time: the timer goes with the schedule.
      services.replication.configure('s1', { everyHours: null });
      expect(app.get('server:s1').nextRunAt).toBeNull();
      const count = jobEvents.length;
      await new Promise((r) => setTimeout(r, 3500));
      expect(jobEvents.length).toBe(count);
    } finally {
      app.dispose();
    }
  }, 120_000);

  it('the bandwidth cap holds the sending rate (one bucket for all jobs)', async () => {
    await openProject(2);
    const images = [path.join(dir, 'cap-a', 's1.raw'), path.join(dir, 'cap-b', 's2.raw')];
    for (const [i, image] of images.entries()) {
      await makeImage(image, 32); // 16 data blocks = 8 MiB each
      services.replication.configure(`s${i + 1}`, { disks: [{ disk: 'Hard disk 1', image }] });
    }
    const cap = 4 * 2 ** 20;
    services.replicationJobs.setPrefs({ bandwidthBytesPerSecond: cap, maxConcurrent: 2, maxPerDatastore: 2 });
    const times: number[] = [];
    onPut = () => times.push(Date.now());
    const started = Date.now();
    services.replicationJobs.start({ kind: 'server', id: 's1' });
    services.replicationJobs.start({ kind: 'server', id: 's2' });
    await Promise.all([services.replicationJobs.settled('server:s1'), services.replicationJobs.settled('server:s2')]);
    // 16 MiB under a 4 MiB/s cap with a one-second burst: at least (16 − 4) / 4 = 3 s of sending.
    expect(fake.puts).toHaveLength(32);
    const sending = (times.at(-1)! - times[0]!) / 1000;
    expect(sending).toBeGreaterThanOrEqual(2.7);
    expect((32 * BLOCK - cap) / sending).toBeLessThanOrEqual(cap * 1.15);
    expect(Date.now() - started).toBeGreaterThanOrEqual(2700);
  }, 120_000);

  it('one replication of a server at a time across processes: while another process holds the server, a job started in the app fails as busy with the cause and the fix, sends nothing, and runs once that process is gone', async () => {
    await openProject(2);
    const image = path.join(dir, 'busy', 's1.raw');
    const content = await makeImage(image, 8);
    services.replication.configure('s1', { disks: [{ disk: 'Hard disk 1', image }] });
    // A live process holds the server's lock, as `mwb replicate` in a terminal does while it runs.
    const other = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    const exited = new Promise((r) => other.once('exit', r));
    const lockFile = path.join(services.replication.jobDir('s1'), 'run.lock');
    await fs.mkdir(path.dirname(lockFile), { recursive: true });
    await fs.writeFile(lockFile, JSON.stringify({ pid: other.pid, at: '2026-11-30T05:00:00.000Z' }));
    let jobId: string;
    try {
      jobId = services.replicationJobs.start({ kind: 'server', id: 's1' }).id;
      const failed = await services.replicationJobs.settled(jobId);
      expect(failed.state).toBe('failed');
      expect(failed.servers[0]!.problem).toEqual({
        cause: `Replication of S1 is already running in process ${other.pid} (since 2026-11-30T05:00:00.000Z).`,
        fix: 'Another replication of this server (the app, or mwb replicate in a terminal) is running: wait for it to end, or stop it, then retry.',
      });
      expect(fake.puts).toHaveLength(0);
      expect(JSON.parse(await fs.readFile(lockFile, 'utf8'))).toMatchObject({ pid: other.pid });
    } finally {
      other.kill();
    }
    await exited;
    // That process is gone (its lock left behind, as after a kill): Retry runs, and the lock goes with the run.
    services.replicationJobs.runNow(jobId);
    expect((await services.replicationJobs.settled(jobId)).state).toBe('completed');
    const [result] = services.replicationJobs.results(jobId);
    expect(sha(fake.read(result!.disks[0]!.snapshotId!, content.length))).toBe(sha(content));
    await expect(fs.stat(lockFile)).rejects.toMatchObject({ code: 'ENOENT' });
  }, 60_000);

  it('refuses bad input with typed errors and changes nothing; an unmapped server fails with a cause and a fix', async () => {
    await openProject(2, withApp([]));
    const before = JSON.stringify(services.project.document);
    const prefs = services.replicationJobs.prefs();
    expect(() => services.replicationJobs.start({ kind: 'server', id: 'nope' })).toThrow(/No server named "nope"/);
    expect(() => services.replicationJobs.start({ kind: 'application', id: 'Billing' })).toThrow(/has no servers/);
    expect(() => services.replicationJobs.pause('server:zz')).toThrow(/No replication job/);
    for (const bad of [{ endpointUrl: 'file:///etc/passwd' }, { maxConcurrent: 0 }, { bandwidthBytesPerSecond: -5 }]) {
      let err: unknown;
      try {
        services.replicationJobs.setPrefs(bad);
      } catch (e) {
        err = e;
      }
      expect(isWorkbenchError(err, 'invalid-input')).toBe(true);
    }
    expect(services.replicationJobs.prefs()).toEqual(prefs);
    expect(() => services.replication.configure('s1', { everyHours: 25 })).toThrow(/1 to 24 hours/);
    expect(JSON.stringify(services.project.document)).toBe(before);
    const done = await services.replicationJobs.settled(services.replicationJobs.start({ kind: 'server', id: 's2' }).id);
    expect(done.state).toBe('failed');
    expect(done.servers[0]!.problem).toMatchObject({ cause: expect.stringContaining('No disk images are mapped'), fix: expect.stringContaining('Map each disk') });
    expect(done.servers[0]!.problem!.cause).not.toContain('--disk-image'); // the app's words, not the CLI's
    expect(fake.puts).toHaveLength(0);
  }, 60_000);
});

async function until(cond: () => boolean, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}
