// `mwb replicate --app NAME` as a user runs it (a child process, through the jobs service) against the fake EBS direct
// endpoint: every server of the application replicated, one JSON line per server; usage errors change nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { tempDir } from '../../helpers/temp-dir';
import { docWithServers } from '../../helpers/plan-fixtures';
import { startFakeEbs, type FakeEbs } from '../../fakes/ebs-direct.fake';
import { mwbCli } from '../../helpers/mwb-cli';

const ROOT = path.resolve(__dirname, '../../..');
const CLI = mwbCli();
const BLOCK = 512 * 1024;
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

let dir: string;
let env: NodeJS.ProcessEnv;
let fake: FakeEbs;
let project: string;
const contents = new Map<string, Buffer>();

function mwb(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [...CLI, ...args], { cwd: ROOT, timeout: 240_000, env: { ...process.env, ...env } }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

beforeAll(async () => {
  dir = await tempDir('mwb-replicate-app-');
  env = { MWB_HOME: path.join(dir, 'home'), AWS_ACCESS_KEY_ID: 'AKIDFAKEFAKEFAKE', AWS_SECRET_ACCESS_KEY: 'fake-secret-key', AWS_EC2_METADATA_DISABLED: 'true', AWS_CONFIG_FILE: path.join(dir, 'none'), AWS_SHARED_CREDENTIALS_FILE: path.join(dir, 'none') };
  fake = await startFakeEbs();
  const doc = docWithServers(3);
  const disks = [];
  for (const s of ['s1', 's2']) {
    const image = path.join(dir, `${s}.raw`);
    const content = Buffer.alloc(40 * BLOCK);
    for (let i = 0; i < 40; i += 3) randomBytes(BLOCK).copy(content, i * BLOCK);
    await writeFile(image, content);
    contents.set(s.toUpperCase(), content);
    disks.push({ serverId: s, disks: [{ disk: 'Hard disk 1', image }], transport: 'ebs' });
  }
  const app = (id: string, name: string, serverIds: string[]) => ({ id, name, description: '', tags: {}, replication: { frequency: 'one-time', amisToKeep: 3, licenseType: 'Auto', encrypted: false }, groups: [{ id: `${id}-g1`, name: 'Group 1', serverIds }] });
  project = path.join(dir, 'estate.mwb.json');
  await writeFile(project, JSON.stringify({ ...doc, planning: { ...doc.planning, applications: [app('a1', 'Billing', ['s1', 's2']), app('a2', 'Payroll', ['s2', 's3'])] }, replication: { servers: disks } }));
});
afterAll(async () => {
  await fake.close();
  await rm(dir, { recursive: true, force: true });
});

describe('mwb replicate --app (child process, fake EBS direct endpoint)', () => {
  it('refuses bad combinations and unmapped servers with exit 2, changing nothing', async () => {
    const before = await readFile(project, 'utf8');
    const both = await mwb(['replicate', '--project', project, '--server', 'S1', '--app', 'Billing']);
    expect(both).toMatchObject({ code: 2, stderr: expect.stringContaining('one of --server NAME or --app NAME') });
    const neither = await mwb(['replicate', '--project', project]);
    expect(neither.code).toBe(2);
    const mapping = await mwb(['replicate', '--project', project, '--app', 'Billing', '--disk-image', `Hard disk 1=${path.join(dir, 's1.raw')}`]);
    expect(mapping).toMatchObject({ code: 2, stderr: expect.stringContaining('use it with --server') });
    const unknown = await mwb(['replicate', '--project', project, '--app', 'Nope', '--endpoint-url', fake.url]);
    expect(unknown).toMatchObject({ code: 2, stderr: expect.stringContaining('No application named "Nope"') });
    const unmapped = await mwb(['replicate', '--project', project, '--app', 'payroll', '--endpoint-url', fake.url, '--region', 'us-east-1']);
    expect(unmapped).toMatchObject({ code: 2, stderr: expect.stringContaining('No disk images are mapped for S3') });
    expect(await readFile(project, 'utf8')).toBe(before);
    expect(fake.puts).toHaveLength(0);
  }, 240_000);

  it("replicates every server of the application: one JSON line per server, snapshots read back to the images, runs saved", async () => {
    // The default --ami import: the fake's VM Import answers at once; the CLI checks the task every 0.05 s instead of 5 s.
    const r = await mwb(['replicate', '--project', project, '--app', 'Billing', '--endpoint-url', fake.url, '--region', 'us-east-1', '--ami-poll-seconds', '0.05', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { server: string; status: string; amiId: null; disks: Array<{ disk: string; snapshotId: string; blocksTotal: number; blocksSent: number; bytesSent: number }> });
    expect(lines.map((l) => [l.server, l.status])).toEqual([
      ['S1', 'completed'],
      ['S2', 'completed'],
    ]);
    for (const l of lines) {
      const d = l.disks[0]!;
      expect(d).toMatchObject({ disk: 'Hard disk 1', blocksTotal: 40, blocksSent: 14, bytesSent: 14 * BLOCK });
      expect(sha(fake.read(d.snapshotId, 40 * BLOCK))).toBe(sha(contents.get(l.server)!));
    }
    const saved = JSON.parse(await readFile(project, 'utf8')) as { replication: { servers: Array<{ serverId: string; runs?: unknown[] }> } };
    expect(saved.replication.servers.map((s) => [s.serverId, s.runs?.length])).toEqual([
      ['s1', 1],
      ['s2', 1],
    ]);
  }, 240_000);
});
