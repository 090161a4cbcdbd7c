// `mwb replicate` interrupted with Ctrl-C (SIGINT) as a user would, a child process against the fake EBS direct
// endpoint: the uploads in flight end and are journaled, the command says it was interrupted and exits 130, and the
// next run resumes the same snapshot without sending again a block the endpoint already has.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { tempDir } from '../../helpers/temp-dir';
import { docWithServers } from '../../helpers/plan-fixtures';
import { mwbProcess } from '../../helpers/mwb-process';
import { mwbCli } from '../../helpers/mwb-cli';
import { startFakeEbs, type FakeEbs } from '../../fakes/ebs-direct.fake';
import { decodeJournal } from '../../../main/replication/engine/journal';

const ROOT = path.resolve(__dirname, '../../..');
const CLI = mwbCli();
const BLOCK = 512 * 1024;
const BLOCKS = 160;
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

let dir: string;
let env: NodeJS.ProcessEnv;
let fake: FakeEbs;
let project: string;
let image: string;
let content: Buffer;
/** Called as each PutSnapshotBlock arrives (after its checks, before it is stored and answered). */
let onPut: (() => Promise<void> | void) | undefined;

beforeAll(async () => {
  dir = await tempDir('mwb-replicate-ctrl-c-');
  env = { MWB_HOME: path.join(dir, 'home'), AWS_ACCESS_KEY_ID: 'AKIDFAKEFAKEFAKE', AWS_SECRET_ACCESS_KEY: 'fake-secret-key', AWS_EC2_METADATA_DISABLED: 'true', AWS_CONFIG_FILE: path.join(dir, 'none'), AWS_SHARED_CREDENTIALS_FILE: path.join(dir, 'none') };
  fake = await startFakeEbs({ beforePut: () => onPut?.() });
  project = path.join(dir, 'estate.mwb.json');
  await writeFile(project, JSON.stringify(docWithServers(1)));
  image = path.join(dir, 'web01-disk0.raw');
  content = Buffer.alloc(BLOCKS * BLOCK);
  for (let i = 0; i < BLOCKS; i++) if (i % 3 !== 1) randomBytes(BLOCK).copy(content, i * BLOCK);
  await writeFile(image, content);
});
afterAll(async () => {
  await fake?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('mwb replicate and Ctrl-C (child process, fake EBS direct endpoint)', () => {
  it('SIGINT while blocks are in flight: they end and are journaled, exit 130 and "interrupted"; the next run resumes the snapshot and re-sends nothing', async () => {
    const args = ['replicate', '--project', project, '--server', 'S1', '--disk-image', `disk0=${image}`, '--region', 'us-east-1', '--endpoint-url', fake.url, '--ami', 'none', '--once', '--json'];
    const dataBlocks = Array.from({ length: BLOCKS }, (_, i) => i).filter((i) => i % 3 !== 1);
    const child = spawn(process.execPath, [...CLI, ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
    const killer = setTimeout(() => child.kill('SIGKILL'), 120_000);

    // The endpoint answers 24 blocks, then holds every further upload: those are in flight when Ctrl-C comes.
    let arrivals = 0;
    let held = 0;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let twoHeld!: () => void;
    const severalHeld = new Promise<void>((r) => (twoHeld = r));
    onPut = async () => {
      if (++arrivals <= 24) return;
      if (++held === 2) twoHeld();
      await gate;
    };
    // Ctrl-C once two uploads are held (waited for, not slept for: on a loaded machine the lanes may take a while).
    await Promise.race([severalHeld, exited]);
    const heldAtSigint = held;
    child.kill('SIGINT');
    // The held uploads end a second later; an upload already on its way when the stop reached the lanes may still
    // arrive meanwhile (and is held too), but none may start once they end. That second is the time the stop has to
    // reach the lanes (main thread, job worker, lanes): a latency window, so this file runs in the serial project.
    await new Promise((r) => setTimeout(r, 1000));
    const heldAtRelease = held;
    release();
    const out = await exited;
    clearTimeout(killer);
    onPut = undefined;

    expect(out, stderr).toEqual({ code: 130, signal: null });
    expect(stderr).toContain('mwb replicate: interrupted (Ctrl-C); the next run resumes where this one stopped.');
    expect(stdout).toBe('');
    expect(heldAtSigint).toBeGreaterThan(1);
    // Nothing was sent after Ctrl-C but the uploads already on their way, and they ended (the endpoint has them).
    expect(held).toBe(heldAtRelease);
    expect(held).toBeLessThanOrEqual(16);
    const first = [...fake.puts];
    expect(first).toHaveLength(24 + held);
    expect(first.length).toBeLessThan(dataBlocks.length);
    const snapshotId = first[0]!.snapshotId;
    expect(new Set(first.map((p) => p.snapshotId))).toEqual(new Set([snapshotId]));
    expect(fake.snapshots.get(snapshotId)?.status).toBe('pending');
    // The journal recorded every block the endpoint has, those in flight at Ctrl-C included.
    const { records } = decodeJournal(await readFile(path.join(env.MWB_HOME!, 'replication', 'p1', 's1', 'journal.log')));
    const journaled = new Set(records.flatMap((r) => (r.t === 'blocks' ? r.idx : [])));
    expect(journaled).toEqual(new Set(first.map((p) => p.index)));
    // The project keeps the mapping; the interrupted run is not recorded as a failure.
    const saved = JSON.parse(await readFile(project, 'utf8')) as { replication: { servers: Array<{ serverId: string; disks: unknown[]; lastRun?: { status: string } }> } };
    expect(saved.replication.servers.find((s) => s.serverId === 's1')?.disks).toEqual([{ disk: 'disk0', image }]);

    // The next run resumes the same snapshot and sends only the blocks the endpoint does not have.
    const again = await mwbProcess(args, env, 120_000);
    expect(again.code, again.stderr).toBe(0);
    const result = JSON.parse(again.stdout) as { status: string; disks: Array<{ snapshotId: string; resumed: boolean; blocksSent: number; blocksChanged: number }> };
    expect(result.status).toBe('completed');
    expect(result.disks[0]).toMatchObject({ snapshotId, resumed: true, blocksChanged: dataBlocks.length, blocksSent: dataBlocks.length - first.length });
    const second = fake.puts.slice(first.length);
    expect(second.filter((p) => first.some((f) => f.index === p.index))).toEqual([]);
    expect(new Set(second.map((p) => p.snapshotId))).toEqual(new Set([snapshotId]));
    expect(new Set(fake.puts.map((p) => p.index))).toEqual(new Set(dataBlocks));
    expect(fake.puts).toHaveLength(dataBlocks.length);
    expect(sha(fake.read(snapshotId, content.length))).toBe(sha(content));
  }, 300_000);
});
