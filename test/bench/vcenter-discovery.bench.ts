// vCenter discovery of 2,000 VMs in vcsim (../shared/peers/start-vcsim.sh, private port, -vm BENCH_VMS): our SOAP
// discovery (in-process, and `mwb discover vcenter --json` as a process when out/main/cli.mjs is built) against
// govc-lite (govmomi, built by the start script) listing the same VMs with hardware (`ls` then `vm.info` of them all),
// measured in the same run. Target: ours ≤ 2 × govc-lite (the default: no statistics). Then the same discovery with a
// day of performance statistics (opt-in; BENCH_PERF=0 skips it), against the default and govc-lite. Prints figures; asserts nothing.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { discoverVcenter } from '../../main/discovery/vcenter/vcenter-discovery';
import { sharedPath } from '../helpers/shared';

const VMS = Number(process.env.BENCH_VMS ?? 2000);
const RUNS = 3;
// govc-lite's vm.info looks each name up through the inventory (one Finder walk per VM): slow at 2,000, so fewer runs.
const GOVC_RUNS = Number(process.env.BENCH_GOVC_RUNS ?? 1);
const best = (a: number[]) => Math.min(...a);
const CACHE = process.env.PEERS_CACHE ?? path.join(os.homedir(), '.cache', 'workbench-peers');
const GOVC = path.join(CACHE, 'bin', 'govc-lite');

const srv = net.createServer().listen(0, '127.0.0.1');
await new Promise((r) => srv.once('listening', r));
const port = (srv.address() as net.AddressInfo).port;
await new Promise((r) => srv.close(r));
const dir = await mkdtemp(path.join(os.tmpdir(), 'mwb-bench-vcsim-'));
const env = { ...process.env, VCSIM_PORT: String(port), VCSIM_PIDFILE: path.join(dir, 'vcsim.pid'), VCSIM_ARGS: `-dc 1 -cluster 1 -host 2 -vm ${VMS} -standalone-host 0` };
const script = sharedPath('peers', 'start-vcsim.sh');
try {
  const t0 = performance.now();
  const url = /ENDPOINT=(.+)/.exec(execFileSync('bash', [script], { env, timeout: 600_000, encoding: 'utf8' }))![1]!.trim();
  console.log(`vcsim with ${VMS} VMs started in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const thumbprint = await discoverVcenter({ url, user: 'user', password: 'pass' }).then(
    () => '',
    (e: { details?: { thumbprint?: string } }) => e.details?.thumbprint ?? '',
  );

  const ours: number[] = [];
  let found = 0;
  let disks = 0;
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    const inv = await discoverVcenter({ url, user: 'user', password: 'pass', thumbprint });
    ours.push((performance.now() - t) / 1000);
    found = inv.vms.length;
    disks = inv.vms.reduce((n, v) => n + v.disks.length, 0);
  }

  console.log(`our discovery: ${found} VMs, ${disks} disks, best of ${RUNS} ${best(ours).toFixed(2)} s (${ours.map((x) => x.toFixed(2)).join(', ')})`);

  const govcUrl = url.replace('https://', 'https://user:pass@');
  const govc: number[] = [];
  let govcVms = 0;
  for (let i = 0; i < GOVC_RUNS; i++) {
    const t = performance.now();
    const names = execFileSync(GOVC, ['ls', '/DC0/vm'], { env: { ...process.env, GOVC_URL: govcUrl }, encoding: 'utf8', timeout: 600_000 })
      .split('\n')
      .filter(Boolean)
      .map((p) => p.replace(/^.*\//, ''));
    const info = execFileSync(GOVC, ['vm.info', ...names], { env: { ...process.env, GOVC_URL: govcUrl }, maxBuffer: 1 << 30, timeout: 600_000 });
    govc.push((performance.now() - t) / 1000);
    govcVms = (JSON.parse(info.toString('utf8')) as { VirtualMachines: unknown[] }).VirtualMachines.length;
  }

  console.log(`govc-lite ls + vm.info: ${govcVms} VMs, best of ${GOVC_RUNS} ${best(govc).toFixed(2)} s (${govc.map((x) => x.toFixed(2)).join(', ')})`);
  console.log(`ratio ours / govc-lite: ${(best(ours) / best(govc)).toFixed(2)}× (target ≤ 2×)`);

  // Opt-in: utilization from a day of 5-minute statistics (QueryPerf, 64 series a call, 4 calls in flight).
  if (process.env.BENCH_PERF !== '0') {
    const perf: number[] = [];
    let measured = 0;
    for (let i = 0; i < RUNS; i++) {
      const t = performance.now();
      const inv = await discoverVcenter({ url, user: 'user', password: 'pass', thumbprint, perfPeriod: 'day' });
      perf.push((performance.now() - t) / 1000);
      measured = inv.perf?.vms ?? 0;
    }
    console.log(`with --perf-period day: ${measured} VMs with 288 samples per counter, best of ${RUNS} ${best(perf).toFixed(2)} s; ${(best(perf) / best(ours)).toFixed(2)}× the default discovery, ${(best(perf) / best(govc)).toFixed(2)}× govc-lite's listing`);
  }

  const cli = path.resolve('out/main/cli.mjs');
  if (existsSync(cli)) {
    const procs: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const project = path.join(dir, `p${i}.mwb.json`);
      const t = performance.now();
      const r = spawnSync(process.execPath, [cli, 'discover', 'vcenter', '--url', url, '--user', 'user', '--password-stdin', '--thumbprint', thumbprint, '--project', project, '--json'], { input: 'pass\n', timeout: 600_000, maxBuffer: 1 << 28 });
      procs.push((performance.now() - t) / 1000);
      if (r.status !== 0) console.log(`mwb discover vcenter failed: ${r.stderr.toString().slice(0, 200)}`);
    }
    console.log(`mwb discover vcenter --json (process, merge and save included): best of ${RUNS} ${best(procs).toFixed(2)} s; ratio to govc-lite ${(best(procs) / best(govc)).toFixed(2)}×`);
  } else console.log('out/main/cli.mjs not built: the CLI process is not timed (node scripts/build.mjs)');
} finally {
  spawnSync('bash', [script, 'stop'], { env, timeout: 30_000 });
  await rm(dir, { recursive: true, force: true });
}
