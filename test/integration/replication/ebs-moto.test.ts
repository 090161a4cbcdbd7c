// Wire compatibility of the EBS direct transport with moto (a real, independent implementation of the AWS wire
// protocol; see /work/shared/peers/README.md for where moto is not faithful: it accepts wrong checksums, lists only a
// child's own blocks, says BlockSize 512 and ignores ClientToken). Moto runs on a free port of its own.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { DescribeImagesCommand, DescribeSnapshotsCommand } from '@aws-sdk/client-ec2';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { EBSClient, GetSnapshotBlockCommand, ListSnapshotBlocksCommand } from '@aws-sdk/client-ebs';
import { tempDir } from '../../helpers/temp-dir';
import { runReplicationJob } from '../../../main/replication/engine';
import { AmiError, createAmi, ec2Client, listServerAmis } from '../../../main/replication/ami';
import { peerPort } from '../../helpers/ports';
import { sharedPath } from '../../helpers/shared';

const BLOCK = 512 * 1024;
const SCRIPT = sharedPath('peers', 'start-moto.sh');
let dir: string;
let endpoint: string;
let motoEnv: NodeJS.ProcessEnv;

const run = (args: string[]) =>
  new Promise<string>((resolve, reject) => execFile('bash', [SCRIPT, ...args], { env: motoEnv, timeout: 120_000 }, (err, stdout) => (err ? reject(err) : resolve(stdout))));

beforeAll(async () => {
  dir = await tempDir('mwb-moto-');
  const port = await peerPort();
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
    // The integrity check (ListSnapshotBlocks, GetSnapshotBlock) ran against moto too.
    expect(seed).toMatchObject({ status: 'completed', blocksSent: 3, verified: { listed: 3, sampled: 3 } });
    const client = new EBSClient({ region: 'us-east-1', endpoint });
    try {
      const blocks = await readBlocks(client, seed!.snapshotId!);
      expect([...blocks.keys()].sort()).toEqual([0, 3, 5]);
      for (const [i, data] of blocks) expect(createHash('sha256').update(data).digest('hex')).toBe(createHash('sha256').update(content.subarray(i * BLOCK, (i + 1) * BLOCK)).digest('hex'));

      const changed = randomBytes(BLOCK);
      const fh = await fs.open(image, 'r+');
      await fh.write(changed, 0, BLOCK, 6 * BLOCK);
      await fh.close();
      // moto lists only a child's own blocks, so the integrity check (which expects the parent's too) is off here.
      const [inc] = await runReplicationJob({ jobDir, disks: [{ disk: 'disk0', image, transport, verify: false }] });
      expect(inc).toMatchObject({ status: 'completed', blocksSent: 1, parentSnapshotId: seed!.snapshotId });
      const child = await readBlocks(client, inc!.snapshotId!);
      // moto lists only the child's own blocks: exactly the one the incremental run sent.
      expect([...child.keys()]).toEqual([6]);
      expect(child.get(6)!.equals(changed)).toBe(true);

      // AMIs: RegisterImage from the snapshots written there (moto has no ImportImage), tags, retention.
      const aws = { region: 'us-east-1', endpointUrl: endpoint };
      const first = await createAmi({ mode: 'register', aws, server: 'web01', projectId: 'p-moto', runId: randomUUID(), sources: [{ kind: 'snapshot', disk: 'disk0', snapshotId: seed!.snapshotId! }], bootMode: 'uefi', keep: 1 });
      const ec2 = ec2Client(aws);
      try {
        const listed = await listServerAmis(ec2, 'web01', 'p-moto');
        expect(listed.map((i) => i.ImageId)).toEqual([first.amiId]);
        // moto 5.2 gives a registered image a snapshot of its own instead of the one in the mapping (unlike EC2).
        const firstSnap = listed[0]!.BlockDeviceMappings?.[0]?.Ebs?.SnapshotId;
        expect(firstSnap).toMatch(/^snap-/);
        const second = await createAmi({ mode: 'register', aws, server: 'web01', projectId: 'p-moto', runId: randomUUID(), sources: [{ kind: 'snapshot', disk: 'disk0', snapshotId: inc!.snapshotId! }], keep: 1 });
        expect(second.deregistered).toEqual([first.amiId]);
        expect(second.deletedSnapshots).toEqual([firstSnap]);
        const after = await ec2.send(new DescribeImagesCommand({ Owners: ['self'], Filters: [{ Name: 'tag:mwb:server', Values: ['web01'] }] }));
        expect((after.Images ?? []).map((i) => i.ImageId)).toEqual([second.amiId]);
        const snaps = await ec2.send(new DescribeSnapshotsCommand({ OwnerIds: ['self'] }));
        const ids = (snaps.Snapshots ?? []).map((x) => x.SnapshotId);
        expect(ids).toContain(inc!.snapshotId);
        expect(ids).not.toContain(firstSnap);
        // moto has no VM Import: ImportImage is a typed error, not a hang.
        await expect(createAmi({ mode: 'import', aws, server: 'web01', projectId: 'p-moto', runId: randomUUID(), sources: [{ kind: 'snapshot', disk: 'disk0', snapshotId: inc!.snapshotId! }], poll: { initialMs: 5 } })).rejects.toBeInstanceOf(AmiError);
      } finally {
        ec2.destroy();
      }
    } finally {
      client.destroy();
    }
  }, 240_000);
});
