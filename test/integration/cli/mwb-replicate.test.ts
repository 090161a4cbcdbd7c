// `mwb replicate` as a user runs it (a child process) against the fake EBS direct endpoint: usage errors, the saved
// disk mapping, SIGKILL at random points and resume without re-sending finished blocks.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { createHash, randomBytes, randomInt } from 'node:crypto';
import { open, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { tempDir } from '../../helpers/temp-dir';
import { docWithServers } from '../../helpers/plan-fixtures';
import { startFakeEbs, type FakeEbs } from '../../fakes/ebs-direct.fake';
import { mwbCli } from '../../helpers/mwb-cli';
import { mwbProcess } from '../../helpers/mwb-process';

const ROOT = path.resolve(__dirname, '../../..');
const CLI = mwbCli();
const BLOCK = 512 * 1024;
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

let dir: string;
let env: NodeJS.ProcessEnv;
let fake: FakeEbs;
let project: string;
let image: string;
let content: Buffer;
let onPut: (() => void) | undefined;

const mwb = (args: string[]) => mwbProcess(args, env, 240_000);

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
    const noBucket = await mwb(['replicate', '--project', project, '--server', 'S1', '--transport', 's3']);
    expect(noBucket.code).toBe(2);
    expect(noBucket.stderr).toContain('--transport s3 needs --bucket NAME');
    const s3Register = await mwb(['replicate', '--project', project, '--server', 'S1', '--transport', 's3', '--bucket', 'b1', '--ami', 'register']);
    expect(s3Register.code).toBe(2);
    expect(s3Register.stderr).toContain('--ami register needs EBS snapshots');
    expect(await readFile(project, 'utf8')).toBe(before);
    expect(fake.puts).toHaveLength(0);
  }, 240_000);

  it('survives SIGKILL at 20 random points across a seed and an incremental run: each restart resumes, nothing is lost, little is re-sent', async () => {
    const args = ['replicate', '--project', project, '--server', 'S1', '--disk-image', `disk0=${image}`, '--region', 'us-east-1', '--endpoint-url', fake.url, '--ami', 'none', '--once', '--json'];
    const BATCH = 16;
    const IN_FLIGHT = 16;
    /** Starts the CLI and SIGKILLs it when the fake has received `after` more blocks (the kill lands mid-batch). */
    const killed = async (after: number) => {
      const target = fake.puts.length + after;
      const child = spawn(process.execPath, [...CLI, ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: 'ignore' });
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      onPut = () => {
        if (fake.puts.length + 1 >= target) child.kill('SIGKILL');
      };
      const timer = setTimeout(() => child.kill('SIGKILL'), 100_000);
      const code = await exited;
      clearTimeout(timer);
      onPut = undefined;
      return code;
    };
    type Out = { server: string; status: string; amiId: string | null; encrypted: boolean; disks: Array<{ disk: string; image: string; snapshotId: string; parentSnapshotId: string | null; blocksTotal: number; blocksChanged: number; blocksSent: number; bytesSent: number; seconds: number; resumed: boolean }> };
    const dataBlocks = Array.from({ length: 240 }, (_, i) => i).filter((i) => i % 2 === 0 || i % 7 === 0);

    // Seed: 10 kills after 2 to 11 further blocks each (at most 110 of the 137 data blocks: never finished).
    const seedKills = 10;
    for (let k = 0; k < seedKills; k++) expect(await killed(randomInt(2, 12))).not.toBe(0);
    const seedDistinct = new Set(fake.puts.map((p) => p.index)).size;
    expect(seedDistinct).toBeLessThan(dataBlocks.length);
    const seedDone = await mwb(args);
    expect(seedDone.code, seedDone.stderr).toBe(0);
    const seed = JSON.parse(seedDone.stdout) as Out;
    expect(seed).toMatchObject({ server: 'S1', status: 'completed', amiId: null, encrypted: true });
    const sd = seed.disks[0]!;
    expect(sd).toMatchObject({ disk: 'disk0', image, blocksTotal: 240, resumed: true, parentSnapshotId: null, blocksChanged: dataBlocks.length });
    expect(sd.bytesSent).toBe(sd.blocksSent * BLOCK);
    // One snapshot throughout the seed (each restart resumed it: journal + ClientToken), read back = the image.
    expect(new Set(fake.puts.map((p) => p.snapshotId))).toEqual(new Set([sd.snapshotId]));
    expect(sha(fake.read(sd.snapshotId, content.length))).toBe(sha(content));
    const seedResent = fake.puts.length - new Set(fake.puts.map((p) => p.index)).size;
    expect(seedResent).toBeLessThanOrEqual(seedKills * (BATCH + IN_FLIGHT));

    // Incremental: 48 blocks change (some data, some zero ones gain data, some become zeros); 10 kills after 1 to 3 blocks.
    const changed = new Set<number>();
    while (changed.size < 48) changed.add(randomInt(0, 240));
    const fh = await open(image, 'r+');
    for (const i of changed) {
      const b = i % 5 === 0 ? Buffer.alloc(BLOCK) : randomBytes(BLOCK);
      b.copy(content, i * BLOCK);
      await fh.write(b, 0, BLOCK, i * BLOCK);
    }
    await fh.close();
    const seedPuts = fake.puts.length;
    const incKills = 10;
    for (let k = 0; k < incKills; k++) expect(await killed(randomInt(1, 4))).not.toBe(0);
    const incDone = await mwb(args);
    expect(incDone.code, incDone.stderr).toBe(0);
    const inc = JSON.parse(incDone.stdout) as Out;
    const id = inc.disks[0]!;
    expect(id).toMatchObject({ resumed: true, parentSnapshotId: sd.snapshotId });
    const incPuts = fake.puts.slice(seedPuts);
    expect(new Set(incPuts.map((p) => p.snapshotId))).toEqual(new Set([id.snapshotId]));
    // Only blocks whose content changed were sent (a block zero before and after is not among them).
    const expectChanged = [...changed].filter((i) => !(i % 5 === 0 && !dataBlocks.includes(i)));
    expect(new Set(incPuts.map((p) => p.index))).toEqual(new Set(expectChanged));
    expect(id.blocksChanged).toBe(expectChanged.length);
    expect(incPuts.length - expectChanged.length).toBeLessThanOrEqual(incKills * (BATCH + IN_FLIGHT));
    // The final snapshot, read back block by block through its parent, is the changed image.
    expect(sha(fake.read(id.snapshotId, content.length))).toBe(sha(content));

    // The mapping and the last run are in the project; the journal is in the data folder, not next to the project.
    const saved = JSON.parse(await readFile(project, 'utf8')) as { replication: { servers: Array<{ serverId: string; disks: unknown[]; lastRun: { status: string } }> } };
    expect(saved.replication.servers.find((x) => x.serverId === 's1')).toMatchObject({ serverId: 's1', disks: [{ disk: 'disk0', image }], lastRun: { status: 'completed' } });
    const journal = await readFile(path.join(env.MWB_HOME!, 'replication', 'p1', 's1', 'journal.log'), 'utf8');
    expect(journal).not.toContain('fake-secret');
    expect(incDone.stdout + incDone.stderr).not.toContain('fake-secret');
  }, 600_000);

  it('makes the AMI after the run (--ami import by default) and reports it in --json; --no-encryption is explicit and said', async () => {
    const args = ['replicate', '--project', project, '--server', 'S1', '--region', 'us-east-1', '--endpoint-url', fake.url, '--ami-poll-seconds', '0.05', '--json'];
    const r = await mwb(args);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { status: string; amiId: string; encrypted: boolean; disks: Array<{ verified: { listed: number; sampled: number } }> };
    expect(out).toMatchObject({ status: 'completed', encrypted: true });
    expect(out.amiId).toMatch(/^ami-/);
    expect(fake.images.get(out.amiId)).toMatchObject({ source: 'import', encrypted: true });
    expect(out.disks[0]!.verified.sampled).toBe(8);
    const saved = JSON.parse(await readFile(project, 'utf8')) as { replication: { servers: Array<{ serverId: string; lastRun: { amiId?: string } }> } };
    expect(saved.replication.servers.find((x) => x.serverId === 's1')!.lastRun.amiId).toBe(out.amiId);

    const plain = await mwb(['replicate', '--project', project, '--server', 'S1', '--region', 'us-east-1', '--endpoint-url', fake.url, '--ami', 'register', '--no-encryption']);
    expect(plain.code, plain.stderr).toBe(0);
    expect(plain.stdout).toMatch(/S1: replicated, AMI ami-[0-9a-f]+ \(NOT encrypted\)/);
    expect(plain.stderr).toContain('NOT encrypted');
    const bad = await mwb(['replicate', '--project', project, '--server', 'S1', '--ami', 'copy']);
    expect(bad.code).toBe(2);
  }, 240_000);
});
