// Replication under network faults: the loopback fault proxy in front of the strict fake drops connections (before
// and after the request was handled), stalls, and answers 500 and 503 SlowDown for 5 % of the requests. The SDK's
// configured retry strategy (not a loop of ours) must carry seed, incremental and AMI runs to identical content.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { tempDir } from '../../helpers/temp-dir';
import { startFakeEbs, type FakeEbs } from '../../fakes/ebs-direct.fake';
import { startFaultProxy, type FaultProxy } from '../../fakes/fault-proxy.fake';
import { runReplicationJob } from '../../../main/replication/engine';
import { createAmi } from '../../../main/replication/ami';

const BLOCK = 512 * 1024;
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

let fake: FakeEbs | undefined;
let proxy: FaultProxy | undefined;
beforeAll(() => {
  process.env.AWS_ACCESS_KEY_ID = 'AKIDFAKEFAKEFAKE';
  process.env.AWS_SECRET_ACCESS_KEY = 'fake-secret';
  process.env.AWS_EC2_METADATA_DISABLED = 'true';
});
afterEach(async () => {
  await proxy?.close();
  await fake?.close();
  proxy = fake = undefined;
});

describe('replication through the fault proxy', () => {
  it('with 5 % of requests failing (resets, lost answers, stalls, 500, 503 SlowDown) seed, incremental and AMI runs complete with identical content', async () => {
    fake = await startFakeEbs({ importSteps: 2 });
    proxy = await startFaultProxy(fake.url, { rate: 0.05, stallMs: 200, seed: 20261129 });
    const dir = await tempDir('mwb-faults-');
    const image = path.join(dir, 'disk0.raw');
    const content = Buffer.alloc(200 * BLOCK);
    for (let i = 0; i < 200; i += 2) randomBytes(BLOCK).copy(content, i * BLOCK);
    await fs.writeFile(image, content);
    const jobDir = path.join(dir, 'job');
    const transport = { kind: 'ebs' as const, region: 'us-east-1', endpointUrl: proxy.url };

    const [seed] = await runReplicationJob({ jobDir, disks: [{ disk: 'disk0', image, transport, verify: { sample: 32 } }] });
    expect(seed, seed!.message).toMatchObject({ status: 'completed', blocksChanged: 100, verified: { listed: 100, sampled: 32 } });
    expect(sha(fake.read(seed!.snapshotId!, content.length))).toBe(sha(content));

    const fh = await fs.open(image, 'r+');
    for (let i = 1; i < 200; i += 10) {
      const b = randomBytes(BLOCK);
      b.copy(content, i * BLOCK);
      await fh.write(b, 0, BLOCK, i * BLOCK);
    }
    await fh.close();
    const [inc] = await runReplicationJob({ jobDir, disks: [{ disk: 'disk0', image, transport, verify: { sample: 32 } }] });
    expect(inc, inc!.message).toMatchObject({ status: 'completed', blocksChanged: 20, parentSnapshotId: seed!.snapshotId });
    expect(sha(fake.read(inc!.snapshotId!, content.length))).toBe(sha(content));

    const ami = await createAmi({ mode: 'import', aws: transport, server: 'web01', projectId: 'p1', runId: inc!.run!, sources: [{ kind: 'snapshot', disk: 'disk0', snapshotId: inc!.snapshotId! }], poll: { initialMs: 5, maxMs: 20 } });
    expect(sha(fake.read(fake.images.get(ami.amiId)!.snapshotIds[0]!, content.length))).toBe(sha(content));
    const reg = await createAmi({ mode: 'register', aws: transport, server: 'web01', projectId: 'p1', runId: randomUUID(), sources: [{ kind: 'snapshot', disk: 'disk0', snapshotId: inc!.snapshotId! }], keep: 1 });
    expect(reg.deregistered).toEqual([ami.amiId]);

    // The faults really happened: about 5 % of the requests, of every kind.
    const c = proxy.counts;
    const faults = c.drop + c['drop-after'] + c.stall + c['500'] + c['503'];
    expect(c.requests).toBeGreaterThan(150);
    expect(faults).toBeGreaterThanOrEqual(Math.floor(c.requests * 0.02));
    expect(faults).toBeLessThanOrEqual(Math.ceil(c.requests * 0.1));
    expect((['drop', 'drop-after', 'stall', '500', '503'] as const).filter((k) => c[k] > 0).length).toBeGreaterThanOrEqual(3);
  }, 180_000);

  it('a request that stalls for good is abandoned after the socket inactivity timeout and retried', async () => {
    fake = await startFakeEbs();
    proxy = await startFaultProxy(fake.url, { rate: 0.2, kinds: ['stall'], stallMs: 120_000, seed: 7 });
    const dir = await tempDir('mwb-stall-');
    const image = path.join(dir, 'disk0.raw');
    const content = randomBytes(12 * BLOCK);
    await fs.writeFile(image, content);
    const [r] = await runReplicationJob({ jobDir: path.join(dir, 'job'), disks: [{ disk: 'disk0', image, transport: { kind: 'ebs', region: 'us-east-1', endpointUrl: proxy.url, requestTimeoutMs: 1000 } }] });
    expect(r, r!.message).toMatchObject({ status: 'completed' });
    expect(proxy.counts.stall).toBeGreaterThan(0);
    expect(sha(fake.read(r!.snapshotId!, content.length))).toBe(sha(content));
  }, 120_000);
});
