// Wire compatibility of the EBS direct transport with moto (a real, independent implementation of the AWS wire
// protocol; see /work/shared/peers/README.md for where moto is not faithful: it accepts wrong checksums, lists only a
// child's own blocks, says BlockSize 512 and ignores ClientToken). Moto runs on a free port of its own.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { EBSClient, GetSnapshotBlockCommand, ListSnapshotBlocksCommand } from '@aws-sdk/client-ebs';
import { tempDir } from '../../helpers/temp-dir';
import { runReplicationJob } from '../../../main/replication/engine';

const BLOCK = 512 * 1024;
const SCRIPT = '/work/shared/peers/start-moto.sh';
let dir: string;
let endpoint: string;
let motoEnv: NodeJS.ProcessEnv;

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
const run = (args: string[]) =>
  new Promise<string>((resolve, reject) => execFile('bash', [SCRIPT, ...args], { env: motoEnv, timeout: 120_000 }, (err, stdout) => (err ? reject(err) : resolve(stdout))));

beforeAll(async () => {
  dir = await tempDir('mwb-moto-');
  const port = await freePort();
  motoEnv = { ...process.env, MOTO_PORT: String(port), MOTO_PIDFILE: path.join(dir, 'moto.pid') };
  const out = await run(['start']);
  endpoint = /ENDPOINT=(\S+)/.exec(out)![1]!;
  process.env.AWS_ACCESS_KEY_ID = 'AKIDMOTO';
  process.env.AWS_SECRET_ACCESS_KEY = 'moto-secret';
  process.env.AWS_EC2_METADATA_DISABLED = 'true';
}, 150_000);
afterAll(async () => {
  await run(['stop']).catch(() => undefined);
  await fs.rm(dir, { recursive: true, force: true });
}, 60_000);

async function readBlocks(client: EBSClient, snapshotId: string): Promise<Map<number, Buffer>> {
  const out = new Map<number, Buffer>();
  const list = await client.send(new ListSnapshotBlocksCommand({ SnapshotId: snapshotId }));
  for (const b of list.Blocks ?? []) {
    const got = await client.send(new GetSnapshotBlockCommand({ SnapshotId: snapshotId, BlockIndex: Number(b.BlockIndex), BlockToken: b.BlockToken! }));
    out.set(Number(b.BlockIndex), Buffer.from(await got.BlockData!.transformToByteArray()));
  }
  return out;
}

describe('EBS direct transport against moto (wire compatibility)', () => {
  it('seed and incremental runs: moto stores exactly the blocks sent, byte for byte, with the parent named', async () => {
    const image = path.join(dir, 'disk0.raw');
    const content = Buffer.alloc(8 * BLOCK);
    for (const i of [0, 3, 5]) randomBytes(BLOCK).copy(content, i * BLOCK);
    await fs.writeFile(image, content);
    const transport = { kind: 'ebs' as const, region: 'us-east-1', endpointUrl: endpoint };
    const jobDir = path.join(dir, 'job');
    const [seed] = await runReplicationJob({ jobDir, disks: [{ disk: 'disk0', image, transport }] });
    expect(seed).toMatchObject({ status: 'completed', blocksSent: 3 });
    const client = new EBSClient({ region: 'us-east-1', endpoint });
    try {
      const blocks = await readBlocks(client, seed!.snapshotId!);
      expect([...blocks.keys()].sort()).toEqual([0, 3, 5]);
      for (const [i, data] of blocks) expect(createHash('sha256').update(data).digest('hex')).toBe(createHash('sha256').update(content.subarray(i * BLOCK, (i + 1) * BLOCK)).digest('hex'));

      const changed = randomBytes(BLOCK);
      const fh = await fs.open(image, 'r+');
      await fh.write(changed, 0, BLOCK, 6 * BLOCK);
      await fh.close();
      const [inc] = await runReplicationJob({ jobDir, disks: [{ disk: 'disk0', image, transport }] });
      expect(inc).toMatchObject({ status: 'completed', blocksSent: 1, parentSnapshotId: seed!.snapshotId });
      const child = await readBlocks(client, inc!.snapshotId!);
      // moto lists only the child's own blocks: exactly the one the incremental run sent.
      expect([...child.keys()]).toEqual([6]);
      expect(child.get(6)!.equals(changed)).toBe(true);
    } finally {
      client.destroy();
    }
  }, 240_000);
});
