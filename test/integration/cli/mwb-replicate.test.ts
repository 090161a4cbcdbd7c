// `mwb replicate` as a user runs it (a child process) against the fake EBS direct endpoint: usage errors, the saved
// disk mapping, SIGKILL at random points and resume without re-sending finished blocks.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile, spawn } from 'node:child_process';
import { createHash, randomBytes, randomInt } from 'node:crypto';
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { tempDir } from '../../helpers/temp-dir';
import { docWithServers } from '../../helpers/plan-fixtures';
import { startFakeEbs, type FakeEbs } from '../../fakes/ebs-direct.fake';

const ROOT = path.resolve(__dirname, '../../..');
const CLI = ['--import', 'tsx', path.join(ROOT, 'main/cli.ts')];
const BLOCK = 512 * 1024;
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

let dir: string;
let env: NodeJS.ProcessEnv;
let fake: FakeEbs;
let project: string;
let image: string;
let content: Buffer;
let onPut: (() => void) | undefined;

function mwb(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [...CLI, ...args], { cwd: ROOT, timeout: 240_000, env: { ...process.env, ...env } }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

beforeAll(async () => {
  dir = await tempDir('mwb-replicate-');
  env = { MWB_HOME: path.join(dir, 'home'), AWS_ACCESS_KEY_ID: 'AKIDFAKEFAKEFAKE', AWS_SECRET_ACCESS_KEY: 'fake-secret-key', AWS_EC2_METADATA_DISABLED: 'true', AWS_CONFIG_FILE: path.join(dir, 'none'), AWS_SHARED_CREDENTIALS_FILE: path.join(dir, 'none') };
  // Slow each block a little so that a kill lands in the middle of a run.
  fake = await startFakeEbs({ beforePut: async () => {
    onPut?.();
    await new Promise((r) => setTimeout(r, 10));
  } });
  project = path.join(dir, 'estate.mwb.json');
  await writeFile(project, JSON.stringify(docWithServers(2)));
  image = path.join(dir, 'web01-disk0.raw');
  content = Buffer.alloc(240 * BLOCK);
  for (let i = 0; i < 240; i++) if (i % 2 === 0 || i % 7 === 0) randomBytes(BLOCK).copy(content, i * BLOCK);
  await writeFile(image, content);
});
afterAll(async () => {
  await fake.close();
  await rm(dir, { recursive: true, force: true });
});

describe('mwb replicate (child process, fake EBS direct endpoint)', () => {
  it('refuses bad input with exit 2 and a clear message, changing nothing', async () => {
    const before = await readFile(project, 'utf8');
    const bad = await mwb(['replicate', '--project', project, '--server', 'S1', '--disk-image', 'disk0', '--endpoint-url', fake.url, '--region', 'us-east-1']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--disk-image takes DISK=PATH');
    const unknown = await mwb(['replicate', '--project', project, '--server', 'nope', '--disk-image', `disk0=${image}`, '--endpoint-url', fake.url]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('No server named "nope"');
    const missing = await mwb(['replicate', '--project', project, '--server', 'S1', '--disk-image', `disk0=${path.join(dir, 'gone.vmdk')}`, '--endpoint-url', fake.url]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('does not exist');
    const unmapped = await mwb(['replicate', '--project', project, '--server', 'S2', '--endpoint-url', fake.url, '--region', 'us-east-1', '--json']);
    expect(unmapped.code).toBe(2);
    expect(unmapped.stderr).toContain('No disk images are mapped');
    const transport = await mwb(['replicate', '--project', project, '--server', 'S1', '--transport', 'mgn']);
    expect(transport.code).toBe(2);
    expect(await readFile(project, 'utf8')).toBe(before);
    expect(fake.puts).toHaveLength(0);
  }, 240_000);

  it('survives SIGKILL at random points: the resumed run completes the right snapshot without re-sending finished blocks', async () => {
    const args = ['replicate', '--project', project, '--server', 'S1', '--disk-image', `disk0=${image}`, '--region', 'us-east-1', '--endpoint-url', fake.url, '--once', '--json'];
    const dataBlocks = Array.from({ length: 240 }, (_, i) => i).filter((i) => i % 2 === 0 || i % 7 === 0).length;
    const kills = 3;
    for (let k = 0; k < kills; k++) {
      // Kill after a random number of further blocks arrived (3 × at most 44 < the 137 data blocks: never finished).
      const target = fake.puts.length + randomInt(30, 45);
      const child = spawn(process.execPath, [...CLI, ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: 'ignore' });
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      onPut = () => {
        if (fake.puts.length + 1 >= target) child.kill('SIGKILL');
      };
      const timer = setTimeout(() => child.kill('SIGKILL'), 200_000);
      await exited;
      clearTimeout(timer);
      onPut = undefined;
    }
    const distinctBeforeFinal = new Set(fake.puts.map((p) => p.index)).size;
    expect(distinctBeforeFinal).toBeLessThan(dataBlocks);
    const done = await mwb(args);
    expect(done.code, done.stderr).toBe(0);
    const out = JSON.parse(done.stdout) as { server: string; status: string; amiId: null; disks: Array<{ disk: string; image: string; snapshotId: string; blocksTotal: number; blocksSent: number; bytesSent: number; seconds: number; resumed: boolean }> };
    expect(out).toMatchObject({ server: 'S1', status: 'completed', amiId: null });
    const d = out.disks[0]!;
    expect(d).toMatchObject({ disk: 'disk0', image, blocksTotal: 240, resumed: true });
    expect(d.bytesSent).toBe(d.blocksSent * BLOCK);
    expect(typeof d.seconds).toBe('number');
    // One snapshot throughout (ClientToken + journal), read back = the image.
    expect(new Set(fake.puts.map((p) => p.snapshotId))).toEqual(new Set([d.snapshotId]));
    expect(sha(fake.read(d.snapshotId, content.length))).toBe(sha(content));
    // Re-sent blocks: at most a journal batch plus those in flight per kill (batch 16, concurrency 16); the final
    // run sends what was never sent plus at most the last kill's unrecorded blocks.
    const resent = fake.puts.length - new Set(fake.puts.map((p) => p.index)).size;
    expect(resent).toBeLessThanOrEqual(kills * (16 + 16));
    expect(d.blocksSent).toBeLessThanOrEqual(dataBlocks - distinctBeforeFinal + 32);
    // The mapping and the last run are in the project; the journal is in the data folder, not next to the project.
    const saved = JSON.parse(await readFile(project, 'utf8')) as { replication: { servers: Array<{ serverId: string; disks: unknown[]; lastRun: { status: string } }> } };
    expect(saved.replication.servers.find((x) => x.serverId === 's1')).toMatchObject({ serverId: 's1', disks: [{ disk: 'disk0', image }], lastRun: { status: 'completed' } });
    const journal = await readFile(path.join(env.MWB_HOME!, 'replication', 'p1', 's1', 'journal.log'), 'utf8');
    expect(journal).not.toContain('fake-secret');
    expect(done.stdout + done.stderr).not.toContain('fake-secret');
  }, 600_000);
});
