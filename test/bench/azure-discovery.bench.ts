// Azure discovery (DiscoveryService.azure: the Azure SDK, the mapping and the merge into a project) of N VMs
// (MWB_BENCH_AZURE_VMS, default 500) against the fake Resource Manager over loopback HTTPS
// (test/fakes/azure-arm.fake.ts; pages of 100 with nextLink), against a reference in the same run: plain node:https
// GETs of exactly the same resources (the same list pages, the VM sizes and every instance view, eight at a time,
// one keep-alive agent), i.e. the wire and the fake's own cost without the SDK, mapping or merge. No target is set by
// the issue; the ratio shows what the SDK and the merge add. Prints figures; asserts nothing.
import https from 'node:https';
import os from 'node:os';
import { rm } from 'node:fs/promises';
import type { TokenCredential } from '@azure/identity';
import { startFakeArm, type FakeArmVm } from '../fakes/azure-arm.fake';
import { tempDir } from '../helpers/temp-dir';
import { createNodeServices } from '../../main/shell/node-runtime';
import { silentLogger } from '../../main/platform/logger';

const N = Number(process.env.MWB_BENCH_AZURE_VMS ?? 500);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SUB = '0f1e2d3c-4b5a-4697-8877-665544332211';
const TOKEN = 'bench-token';
const credential: TokenCredential = { getToken: async () => ({ token: TOKEN, expiresOnTimestamp: Date.now() + 3_600_000 }) };
const vms: FakeArmVm[] = Array.from({ length: N }, (_, i) => ({
  name: `vm${String(i).padStart(5, '0')}`,
  resourceGroup: `rg-${i % 10}`,
  vmId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
  size: ['Standard_B2s', 'Standard_D2s_v3', 'Standard_D4s_v5', 'Standard_E8s_v5'][i % 4]!,
  os: i % 3 ? 'Linux' : 'Windows',
  power: i % 5 ? 'running' : 'deallocated',
  dataDisksGiB: i % 2 ? [128] : [],
  tags: { app: `app${i % 20}` },
  ...(i % 7 === 0 ? { publicIp: `20.0.${(i >> 8) & 255}.${i & 255}` } : {}),
}));

const dir = await tempDir('mwb-bench-azure-');
const arm = await startFakeArm({ subscriptionId: SUB, token: TOKEN, vms, pageSize: 100, dir });
try {
  const agent = new https.Agent({ keepAlive: true, ca: arm.ca, maxSockets: 8 });
  const get = (url: string): Promise<{ value?: { id: string; name: string }[]; nextLink?: string }> =>
    new Promise((resolve, reject) => {
      https.get(url, { agent, headers: { authorization: `Bearer ${TOKEN}` } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => (res.statusCode === 200 ? resolve(JSON.parse(Buffer.concat(chunks).toString('utf8'))) : reject(new Error(`${res.statusCode} ${url}`))));
      }).on('error', reject);
    });
  const all = async (first: string) => {
    const out: { id: string; name: string }[] = [];
    for (let url: string | undefined = first; url; ) {
      const page = await get(url);
      out.push(...(page.value ?? []));
      url = page.nextLink;
    }
    return out;
  };
  const reference = async (): Promise<number> => {
    const base = `${arm.url}/subscriptions/${SUB}/providers`;
    const q = '?api-version=2024-07-01';
    const [list] = await Promise.all([all(`${base}/Microsoft.Compute/virtualMachines${q}`), all(`${base}/Microsoft.Network/networkInterfaces${q}`), all(`${base}/Microsoft.Network/publicIPAddresses${q}`), all(`${base}/Microsoft.Compute/disks${q}`)]);
    await get(`${base}/Microsoft.Compute/locations/westeurope/vmSizes${q}`);
    let next = 0;
    await Promise.all(Array.from({ length: 8 }, async () => {
      while (next < list.length) {
        const vm = list[next++]!;
        await get(`${arm.url}${vm.id}/instanceView${q}`);
      }
    }));
    return list.length;
  };
  const discovery = async (): Promise<number> => {
    const s = createNodeServices({ shell: 'browser', logger: silentLogger, dataDir: dir });
    try {
      s.project.newProject('bench');
      const r = await s.discovery.azure({ subscriptionId: SUB, credential, endpoint: arm.url, ca: arm.ca });
      return r.servers;
    } finally {
      s.dispose();
    }
  };
  // Warm-up (loads the SDK, TLS sessions), then interleaved rounds.
  await discovery();
  await reference();
  const ours: number[] = [];
  const ref: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    let t = performance.now();
    const n = await discovery();
    ours.push(performance.now() - t);
    if (n !== N) throw new Error(`discovered ${n} of ${N} VMs`);
    t = performance.now();
    await reference();
    ref.push(performance.now() - t);
  }
  const median = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)]!;
  const m = median(ours);
  const r = median(ref);
  console.log(`azure discovery, ${N} VMs, ${ROUNDS} interleaved rounds, ${os.cpus().length} CPUs, load ${os.loadavg()[0]!.toFixed(2)}; median:`);
  console.log(`  DiscoveryService.azure (SDK + mapping + merge): ${m.toFixed(0)} ms  (runs: ${ours.map((x) => x.toFixed(0)).join(', ')})`);
  console.log(`  reference, plain HTTPS GETs of the same resources: ${r.toFixed(0)} ms  (runs: ${ref.map((x) => x.toFixed(0)).join(', ')})`);
  console.log(`  ratio: ${(m / r).toFixed(2)}× (no target; what the SDK, mapping and merge add)`);
  agent.destroy();
} finally {
  await arm.close();
  await rm(dir, { recursive: true, force: true });
}
