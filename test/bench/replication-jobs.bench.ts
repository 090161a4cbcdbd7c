// Benchmark: the replication jobs service (the queue, events and shared bandwidth cap around the engine) to the fake
// EBS direct endpoint over loopback. Images: MWB_BENCH_JOBS_MB per server (default 128 MiB; half of the 512 KiB
// blocks hold data), each in its own folder (so the per-datastore limit does not serialise them).
//   Overhead: one server through the jobs service against `runReplicationJob` (the engine alone) on the same image
//             and endpoint (fresh job folders, so both seed). Expect ≈ 1×.
//   Concurrency: an application of two servers with 2 at once, against the two run one after another (1 at once).
//   Cap: two servers at once under a cap of MWB_BENCH_JOBS_CAP_MBPS (default 4 MiB/s, below what a loaded laptop sends): the achieved send rate
//        against the cap (≤ 1× plus the one-second burst).
// Prints figures and ratios; asserts nothing. Files go to a temp dir, deleted.
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startFakeEbs } from '../fakes/ebs-direct.fake';
import { docWithServers } from '../helpers/plan-fixtures';
import { testServices } from '../helpers/services';
import { runReplicationJob } from '../../main/replication/engine';
import type { ProjectDocument } from '../../main/common/model/project';

const MiB = 1024 * 1024;
const BLOCK = 512 * 1024;

async function makeImage(file: string, mb: number): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const blocks = Math.floor((mb * MiB) / BLOCK);
  const seed = randomBytes(BLOCK);
  const fh = await open(file, 'w');
  for (let i = 0; i < blocks; i += 2) {
    seed.writeUInt32LE(i, 0);
    seed.writeUInt32LE(Math.floor(Math.random() * 2 ** 32), 4);
    await fh.write(seed, 0, BLOCK, i * BLOCK);
  }
  await fh.truncate(blocks * BLOCK);
  await fh.close();
}

async function main() {
  process.env.AWS_ACCESS_KEY_ID = 'AKIDBENCH';
  process.env.AWS_SECRET_ACCESS_KEY = 'bench';
  process.env.AWS_EC2_METADATA_DISABLED = 'true';
  const mb = Number(process.env.MWB_BENCH_JOBS_MB ?? 128);
  const capMBps = Number(process.env.MWB_BENCH_JOBS_CAP_MBPS ?? 4);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'mwb-jobs-bench-'));
  const fake = await startFakeEbs();
  try {
    const images = [path.join(dir, 'ds-a', 's1.raw'), path.join(dir, 'ds-b', 's2.raw')];
    for (const f of images) await makeImage(f, mb);
    const transport = { kind: 'ebs' as const, region: 'us-east-1', endpointUrl: fake.url };
    let round = 0;
    /** A fresh project (new id → fresh job folders, so every run seeds) of two mapped servers in one application. */
    const fresh = async () => {
      const services = testServices(path.join(dir, `r${round++}`));
      const base = docWithServers(2);
      const doc: ProjectDocument = { ...base, id: `bench-${round}`, planning: { ...base.planning, applications: [{ id: 'a1', name: 'App', description: '', tags: {}, replication: { frequency: 'one-time', amisToKeep: 3, licenseType: 'Auto', encrypted: false }, groups: [{ id: 'g1', name: 'G', serverIds: ['s1', 's2'] }] }] } };
      const file = path.join(dir, `p${round}.mwb.json`);
      await writeFile(file, JSON.stringify(doc));
      await services.project.open(file);
      services.replicationJobs.setPrefs({ endpointUrl: fake.url, region: 'us-east-1' });
      images.forEach((image, i) => services.replication.configure(`s${i + 1}`, { disks: [{ disk: 'Hard disk 1', image }] }));
      return services;
    };
    const timed = async (fn: () => Promise<unknown>) => {
      const t0 = performance.now();
      await fn();
      return (performance.now() - t0) / 1000;
    };
    const logical = mb * MiB;

    const engine = await timed(() => runReplicationJob({ jobDir: path.join(dir, 'engine-job'), disks: [{ disk: 'd', image: images[0]!, transport }] }));
    let services = await fresh();
    const viaJobs = await timed(() => services.replicationJobs.settled(services.replicationJobs.start({ kind: 'server', id: 's1' }).id));
    services.dispose();
    console.log(`one server, ${mb} MiB: engine alone ${engine.toFixed(2)} s (${(logical / MiB / engine).toFixed(0)} MiB/s), through the jobs service ${viaJobs.toFixed(2)} s (${(logical / MiB / viaJobs).toFixed(0)} MiB/s): ratio ${(viaJobs / engine).toFixed(2)}×`);

    services = await fresh();
    services.replicationJobs.setPrefs({ maxConcurrent: 1 });
    const serial = await timed(() => services.replicationJobs.settled(services.replicationJobs.start({ kind: 'application', id: 'a1' }).id));
    services.dispose();
    services = await fresh();
    services.replicationJobs.setPrefs({ maxConcurrent: 2, maxPerDatastore: 1 });
    const parallel = await timed(() => services.replicationJobs.settled(services.replicationJobs.start({ kind: 'application', id: 'a1' }).id));
    services.dispose();
    console.log(`application of 2 servers: 1 at once ${serial.toFixed(2)} s, 2 at once ${parallel.toFixed(2)} s: ratio ${(parallel / serial).toFixed(2)}× (${os.availableParallelism()} CPUs)`);

    services = await fresh();
    services.replicationJobs.setPrefs({ maxConcurrent: 2, bandwidthBytesPerSecond: capMBps * MiB });
    const puts0 = fake.puts.length;
    const capped = await timed(() => services.replicationJobs.settled(services.replicationJobs.start({ kind: 'application', id: 'a1' }).id));
    services.dispose();
    const sent = (fake.puts.length - puts0) * BLOCK;
    const rate = sent / capped;
    console.log(`cap ${capMBps} MiB/s, 2 servers at once: ${(sent / MiB).toFixed(0)} MiB sent in ${capped.toFixed(2)} s = ${(rate / MiB).toFixed(1)} MiB/s: ratio to the cap ${(rate / (capMBps * MiB)).toFixed(2)}× (the floor is (sent − 1 s of burst) / cap = ${((sent / MiB - capMBps) / capMBps).toFixed(2)} s)`);
  } finally {
    await fake.close();
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
