// Generates assets/demo/demo-estate.mwb.json: a realistic small datacenter, deterministic (seeded),
// validated against the project schema. Run: npx tsx scripts/make-demo.ts
import { writeFileSync } from 'node:fs';
import { ProjectDocumentSchema, type ProjectDocument } from '../main/common/model/project';
import type { Server } from '../main/common/model/server';
import type { Application } from '../main/common/model/planning';
import type { Connection } from '../main/common/model/connections';

let seed = 0x5eed1234;
function rand(): number {
  // mulberry32
  seed = (seed + 0x6d2b79f5) | 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
const hex = (n: number) => Array.from({ length: n }, () => Math.floor(rand() * 16).toString(16)).join('');
const uuid = () => `${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(12)}`;

const WINDOWS = [
  ['Microsoft Windows Server 2022 (64-bit)', 6],
  ['Microsoft Windows Server 2019 (64-bit)', 10],
  ['Microsoft Windows Server 2016 (64-bit)', 10],
  ['Microsoft Windows Server 2012 R2 (64-bit)', 6],
  ['Microsoft Windows Server 2008 R2 (64-bit)', 3],
  ['Microsoft Windows Server 2003 Standard (32-bit)', 1],
] as const;
const LINUX = [
  ['Red Hat Enterprise Linux 9 (64-bit)', 5],
  ['Red Hat Enterprise Linux 8 (64-bit)', 8],
  ['Red Hat Enterprise Linux 7 (64-bit)', 7],
  ['Red Hat Enterprise Linux 6 (64-bit)', 2],
  ['CentOS 7 (64-bit)', 6],
  ['CentOS 6 (64-bit)', 2],
  ['Ubuntu Linux (64-bit) 22.04', 6],
  ['Ubuntu Linux (64-bit) 20.04', 6],
  ['Ubuntu Linux (64-bit) 14.04', 1],
  ['SUSE Linux Enterprise 15 (64-bit)', 3],
  ['SUSE Linux Enterprise 12 (64-bit)', 2],
  ['Debian GNU/Linux 11 (64-bit)', 3],
  ['Oracle Linux 7 (64-bit)', 2],
  ['FreeBSD 12 (64-bit)', 1],
  ['Oracle Solaris 11 (64-bit)', 1],
] as const;
function weighted(list: readonly (readonly [string, number])[]): string {
  const total = list.reduce((n, [, w]) => n + w, 0);
  let r = rand() * total;
  for (const [v, w] of list) if ((r -= w) < 0) return v;
  return list[0]![0];
}

const servers: Server[] = [];
let ipCounter = 10;
function addServer(p: {
  name: string; source: Server['source']; vm: Server['vmManager']; dc?: string; cluster?: string; host?: string; folder?: string;
  os?: string; vcpus?: number; memGiB?: number; disksGiB?: number[]; network?: string; subnet?: string; power?: Server['state']['power']; tags?: Record<string, string>; firmware?: 'bios' | 'efi';
}): Server {
  const os = p.os ?? (rand() < 0.55 ? weighted(WINDOWS) : weighted(LINUX));
  const family = /windows/i.test(os) ? 'windows' : /linux|centos|ubuntu|debian|suse|red hat|oracle linux/i.test(os) ? 'linux' : 'other';
  const vcpus = p.vcpus ?? pick([1, 2, 2, 2, 4, 4, 4, 8, 8, 16]);
  const memGiB = p.memGiB ?? pick([2, 4, 4, 8, 8, 8, 16, 16, 32, 64]);
  const disksGiB = p.disksGiB ?? (family === 'windows' ? [pick([60, 80, 100]), ...(rand() < 0.6 ? [pick([100, 200, 500, 1024])] : [])] : [pick([20, 40, 50]), ...(rand() < 0.5 ? [pick([100, 250, 500])] : [])]);
  const id = `demo-${p.source.name}-${p.name}`.toLowerCase();
  const subnet = p.subnet ?? '10.20.1';
  const ip = `${subnet}.${(ipCounter++ % 240) + 10}`;
  const power = p.power ?? (rand() < 0.9 ? 'poweredOn' : 'poweredOff');
  const server: Server = {
    id,
    name: p.name,
    source: p.source,
    vmManager: p.vm,
    identity: { moref: p.vm.type === 'vsphere' ? `vm-${1000 + servers.length}` : undefined, instanceUuid: uuid(), biosUuid: uuid(), hostName: p.name.toLowerCase(), fqdn: `${p.name.toLowerCase()}.corp.example.com` },
    place: { datacenter: p.dc, cluster: p.cluster, host: p.host, folder: p.folder },
    state: { power, template: false, tools: p.vm.type === 'vsphere' ? (power === 'poweredOn' ? 'toolsOk' : 'toolsNotRunning') : undefined },
    os: { configured: os, reported: power === 'poweredOn' ? os : undefined, family },
    firmware: { type: p.firmware ?? (family === 'windows' && /2016|2019|2022/.test(os) ? 'efi' : 'bios'), secureBoot: false },
    cpu: { vcpus, sockets: Math.max(1, vcpus / 2), coresPerSocket: Math.min(2, vcpus) },
    memoryMiB: memGiB * 1024,
    disks: disksGiB.map((g, i) => {
      const used = Math.round(g * 1024 * (0.25 + rand() * 0.6));
      return { label: `Hard disk ${i + 1}`, capacityMiB: g * 1024, provisionedMiB: g * 1024, usedMiB: used, thin: rand() < 0.7, mode: 'persistent', controller: family === 'windows' ? 'LSI Logic SAS' : 'VMware Paravirtual', path: `[${p.cluster ?? 'local'}-ds0${1 + (i % 3)}] ${p.name}/${p.name}${i ? '_' + i : ''}.vmdk` };
    }),
    partitions: disksGiB.map((g, i) => ({ path: family === 'windows' ? `${String.fromCharCode(67 + i)}:\\` : i === 0 ? '/' : `/data${i}`, capacityMiB: g * 1024 - 500, freeMiB: Math.round(g * 1024 * (0.2 + rand() * 0.5)) })),
    nics: [{ label: 'Network adapter 1', network: p.network ?? 'VLAN-120-Servers', mac: `00:50:56:${hex(2)}:${hex(2)}:${hex(2)}`, ipv4: power === 'poweredOn' ? [ip] : [], ipv6: [], connected: true, adapterType: 'vmxnet3' }],
    cbt: p.vm.type === 'vsphere' ? rand() < 0.4 : undefined,
    snapshots: rand() < 0.08 ? [{ name: 'before-patching', createdAt: '2026-10-03T21:14:00Z', sizeMiB: 4096 }] : [],
    annotation: undefined,
    tags: { Environment: p.cluster === 'Dev-Test' ? 'Development' : 'Production', ...(p.tags ?? {}) },
    utilization: { cpuAvgPct: Math.round(rand() * 40 * 10) / 10, cpuMaxPct: Math.round((40 + rand() * 60) * 10) / 10, memAvgPct: Math.round((20 + rand() * 60) * 10) / 10, memMaxPct: Math.round((50 + rand() * 50) * 10) / 10 },
    provenance: { '*': 'Demo estate (generated, not real)' },
  };
  servers.push(server);
  return server;
}

const vc01 = { kind: 'demo' as const, name: 'vc01.corp.example.com' };
const vc02 = { kind: 'demo' as const, name: 'vc02.corp.example.com' };
const vsphere1 = { type: 'vsphere' as const, id: 'vc01', name: 'vc01.corp.example.com' };
const vsphere2 = { type: 'vsphere' as const, id: 'vc02', name: 'vc02.corp.example.com' };

// Applications first, with realistic names and sizes.
const shopDb = ['SHOP-DB01', 'SHOP-DB02'].map((n) => addServer({ name: n, source: vc01, vm: vsphere1, dc: 'Frankfurt-DC1', cluster: 'Prod-Cluster-A', host: 'esx-a03.corp.example.com', folder: 'Apps/WebShop', os: 'Red Hat Enterprise Linux 8 (64-bit)', vcpus: 8, memGiB: 64, disksGiB: [50, 500], subnet: '10.20.30', tags: { Application: 'WebShop', Tier: 'Database' } }));
const shopApp = ['SHOP-APP01', 'SHOP-APP02', 'SHOP-APP03'].map((n) => addServer({ name: n, source: vc01, vm: vsphere1, dc: 'Frankfurt-DC1', cluster: 'Prod-Cluster-A', host: 'esx-a02.corp.example.com', folder: 'Apps/WebShop', os: 'Red Hat Enterprise Linux 8 (64-bit)', vcpus: 4, memGiB: 16, disksGiB: [50, 100], subnet: '10.20.30', tags: { Application: 'WebShop', Tier: 'Application' } }));
const shopWeb = ['SHOP-WEB01', 'SHOP-WEB02'].map((n) => addServer({ name: n, source: vc01, vm: vsphere1, dc: 'Frankfurt-DC1', cluster: 'DMZ-Cluster', host: 'esx-d01.corp.example.com', folder: 'DMZ/WebShop', os: 'Ubuntu Linux (64-bit) 22.04', vcpus: 2, memGiB: 8, disksGiB: [40], network: 'VLAN-200-DMZ', subnet: '172.20.0', tags: { Application: 'WebShop', Tier: 'Web' } }));
const spSql = ['SP-SQL01'].map((n) => addServer({ name: n, source: vc01, vm: vsphere1, dc: 'Frankfurt-DC1', cluster: 'Prod-Cluster-A', host: 'esx-a01.corp.example.com', folder: 'Apps/SharePoint', os: 'Microsoft Windows Server 2019 (64-bit)', vcpus: 8, memGiB: 64, disksGiB: [100, 1024, 200], tags: { Application: 'SharePoint', Tier: 'Database' } }));
const spApp = ['SP-APP01', 'SP-APP02'].map((n) => addServer({ name: n, source: vc01, vm: vsphere1, dc: 'Frankfurt-DC1', cluster: 'Prod-Cluster-A', host: 'esx-a01.corp.example.com', folder: 'Apps/SharePoint', os: 'Microsoft Windows Server 2019 (64-bit)', vcpus: 4, memGiB: 24, disksGiB: [100, 100], tags: { Application: 'SharePoint', Tier: 'Application' } }));
const spWfe = ['SP-WFE01', 'SP-WFE02'].map((n) => addServer({ name: n, source: vc01, vm: vsphere1, dc: 'Frankfurt-DC1', cluster: 'Prod-Cluster-A', host: 'esx-a04.corp.example.com', folder: 'Apps/SharePoint', os: 'Microsoft Windows Server 2019 (64-bit)', vcpus: 4, memGiB: 16, disksGiB: [100], tags: { Application: 'SharePoint', Tier: 'Web front end' } }));
const payroll = ['PAY-DB01', 'PAY-APP01'].map((n, i) => addServer({ name: n, source: vc02, vm: vsphere2, dc: 'Munich-DC2', cluster: 'Prod-Cluster-M', host: 'esx-m01.corp.example.com', folder: 'Apps/Payroll', os: i === 0 ? 'Microsoft Windows Server 2012 R2 (64-bit)' : 'Microsoft Windows Server 2008 R2 (64-bit)', vcpus: 4, memGiB: 16, tags: { Application: 'Payroll' } }));

// The rest of the estate.
const roles = ['FS', 'DC', 'PRINT', 'APP', 'SQL', 'WEB', 'MON', 'BKP', 'JMP', 'CI', 'LOG', 'MQ', 'ETL', 'RPT', 'FTP', 'MAIL'];
for (let i = 0; servers.length < 150; i++) {
  const cluster = i % 5 === 4 ? 'DMZ-Cluster' : 'Prod-Cluster-A';
  addServer({ name: `FRA-${pick(roles)}${String(i + 10).padStart(2, '0')}`, source: vc01, vm: vsphere1, dc: 'Frankfurt-DC1', cluster, host: `esx-${cluster === 'DMZ-Cluster' ? 'd' : 'a'}0${1 + (i % 6)}.corp.example.com`, folder: pick(['Infra', 'Apps', 'Shared', 'Legacy']), network: cluster === 'DMZ-Cluster' ? 'VLAN-200-DMZ' : 'VLAN-120-Servers', subnet: cluster === 'DMZ-Cluster' ? '172.20.0' : '10.20.1' });
}
for (let i = 0; servers.length < 230; i++) {
  const cluster = i % 3 === 0 ? 'Prod-Cluster-M' : 'Dev-Test';
  addServer({ name: `MUC-${pick(roles)}${String(i + 10).padStart(2, '0')}`, source: vc02, vm: vsphere2, dc: 'Munich-DC2', cluster, host: `esx-${cluster === 'Dev-Test' ? 't' : 'm'}0${1 + (i % 4)}.corp.example.com`, folder: pick(['Dev', 'Test', 'Apps', 'Infra']), network: 'VLAN-310-Munich', subnet: '10.31.2' });
}
for (let i = 0; i < 12; i++) {
  addServer({ name: `HV-${pick(roles)}${String(i + 1).padStart(2, '0')}`, source: { kind: 'demo', name: 'hv-cluster01' }, vm: { type: 'hyperv', id: 'hv-cluster01', name: 'Hyper-V cluster hv-cluster01' }, dc: 'Frankfurt-DC1', cluster: 'HV-Cluster01', host: `hv-host0${1 + (i % 2)}`, os: weighted(WINDOWS.slice(0, 4)), network: 'vSwitch-Prod', subnet: '10.20.5', firmware: 'efi' });
}
for (let i = 0; i < 8; i++) {
  addServer({ name: `az-${pick(['web', 'api', 'batch', 'sql'])}-${String(i + 1).padStart(2, '0')}`, source: { kind: 'demo', name: 'Azure subscription Contoso-Prod' }, vm: { type: 'azure', id: 'contoso-prod', name: 'Contoso-Prod' }, dc: 'westeurope', cluster: 'rg-contoso-prod', network: 'vnet-prod/snet-app', subnet: '10.50.1' });
}

// Observed dependencies, as an Azure Migrate agentless dependency export would report them over
// 30 days (six-hour slots folded into counts). Built without rand() so the servers above stay as
// they were. Applications: web → app → db; shared infrastructure: a domain controller (DNS,
// Kerberos, LDAP) everyone asks, and a monitoring server that polls everyone.
const byName = new Map(servers.map((s) => [s.name, s]));
const connections: Connection[] = [];
let depRow = 2;
function dep(from: string, to: string | { ip: string; name?: string }, port: number, proc: [string, string], app: [string?, string?] = []): void {
  const a = byName.get(from);
  if (!a) throw new Error(`demo dependency from unknown server ${from}`);
  const b = typeof to === 'string' ? byName.get(to) : undefined;
  if (typeof to === 'string' && !b) throw new Error(`demo dependency to unknown server ${to}`);
  const ep = (s: Server | undefined, process: string, application: string | undefined, ext?: { ip: string; name?: string }) => ({
    ...(s ? { serverId: s.id, name: s.name } : ext?.name ? { name: ext.name } : {}),
    ...(s?.nics[0]?.ipv4[0] ? { ip: s.nics[0].ipv4[0] } : ext ? { ip: ext.ip } : {}),
    process,
    ...(application ? { application } : {}),
  });
  // Deterministic "how many slots saw it": 30 days × 4 slots at most.
  const count = 20 + ((from.length * 31 + port * 7 + depRow * 13) % 100);
  connections.push({
    source: ep(a, proc[0], app[0]),
    destination: ep(b, proc[1], app[1], typeof to === 'string' ? undefined : to),
    port,
    protocol: 'tcp',
    importId: 'demo',
    file: 'demo-dependencies.csv (generated)',
    row: depRow++,
    firstSeen: '2026-10-21T00:00:00.000Z',
    lastSeen: '2026-11-19T18:00:00.000Z',
    count,
  });
}
for (const w of shopWeb) for (const a of shopApp) dep(w.name, a.name, 8080, ['nginx', 'java'], ['nginx', 'WebShop services']);
for (const a of shopApp) {
  dep(a.name, shopDb[0]!.name, 5432, ['java', 'postgres'], ['WebShop services', 'PostgreSQL']);
  dep(a.name, { ip: '52.29.14.7', name: 'pay.psp.example.net' }, 443, ['java', 'Unknown process'], ['WebShop services']);
}
dep(shopDb[1]!.name, shopDb[0]!.name, 5432, ['postgres', 'postgres'], ['PostgreSQL replica', 'PostgreSQL']);
for (const w of spWfe) {
  for (const a of spApp) dep(w.name, a.name, 32843, ['w3wp', 'w3wp'], ['SharePoint', 'SharePoint']);
  dep(w.name, spSql[0]!.name, 1433, ['w3wp', 'sqlservr'], ['SharePoint', 'SQL Server']);
}
for (const a of spApp) dep(a.name, spSql[0]!.name, 1433, ['OWSTIMER', 'sqlservr'], ['SharePoint', 'SQL Server']);
dep(payroll[1]!.name, payroll[0]!.name, 1433, ['PayrollSvc', 'sqlservr'], ['Payroll', 'SQL Server']);
// Not yet planned: an order-processing chain with a message queue, a reporting pair, and two
// application servers that call each other (a cycle: one launch group).
dep('FRA-WEB11', 'FRA-APP15', 8443, ['httpd', 'java'], ['Apache', 'Order service']);
dep('FRA-APP15', 'FRA-SQL33', 1433, ['java', 'sqlservr'], ['Order service', 'SQL Server']);
dep('FRA-APP15', 'FRA-MQ24', 5672, ['java', 'beam.smp'], ['Order service', 'RabbitMQ']);
dep('FRA-ETL41', 'FRA-MQ24', 5672, ['python3', 'beam.smp'], ['Order export', 'RabbitMQ']);
dep('FRA-ETL41', 'FRA-SQL33', 1433, ['python3', 'sqlservr'], ['Order export', 'SQL Server']);
dep('FRA-WEB22', 'FRA-RPT30', 443, ['nginx', 'ReportingServicesService'], ['nginx', 'SSRS']);
dep('FRA-RPT30', 'FRA-SQL36', 1433, ['ReportingServicesService', 'sqlservr'], ['SSRS', 'SQL Server']);
dep('FRA-APP25', 'FRA-APP45', 7800, ['java', 'java'], ['Cache cluster', 'Cache cluster']);
dep('FRA-APP45', 'FRA-APP25', 7800, ['java', 'java'], ['Cache cluster', 'Cache cluster']);
dep('FRA-APP25', 'FRA-SQL40', 5432, ['java', 'postgres'], ['Cache cluster', 'PostgreSQL']);
// Shared infrastructure: everyone with dependency data asks the domain controller; monitoring polls everyone.
const talking = [...new Set(connections.flatMap((c) => [c.source.name, c.destination.serverId ? c.destination.name : undefined]).filter((n): n is string => !!n))];
for (const n of talking) {
  const windows = byName.get(n)!.os.family === 'windows';
  dep(n, 'FRA-DC13', 53, [windows ? 'svchost' : 'systemd-resolved', 'dns'], [undefined, 'DNS']);
  dep(n, 'FRA-DC13', windows ? 88 : 389, [windows ? 'lsass' : 'sssd', 'lsass'], [undefined, 'Active Directory']);
  dep('FRA-MON69', n, windows ? 5985 : 9100, ['zabbix_server', windows ? 'svchost' : 'node_exporter'], ['Monitoring']);
}

const app = (id: string, name: string, description: string, waveId: string, tiers: [string, Server[]][]): Application => ({
  id,
  name,
  description,
  waveId,
  tags: { Application: name },
  replication: { frequency: 12, amisToKeep: 3, licenseType: 'Auto', encrypted: true },
  groups: tiers.map(([g, ss], i) => ({ id: `${id}-g${i + 1}`, name: g, serverIds: ss.map((s) => s.id) })),
});

// Demo replication history (generated, labelled as demo data in the notes and on the Dashboard; nothing was sent):
// WebShop seeded on 16 November and replicated incrementally each day since (snapshots only, no AMIs); SharePoint's
// database and one application server seeded; Payroll's application server failed. No disk images are mapped.
const BLOCK = 512 * 1024;
let demoSerial = 0x100;
const demoId = (prefix: string) => `${prefix}-0de${(demoSerial++).toString(16).padStart(14, '0')}`;
type DemoRun = NonNullable<NonNullable<ProjectDocument['replication']>['servers'][number]['lastRun']>;
function demoRun(s: Server, at: string, fraction: number, ok = true): DemoRun {
  const snapshots = s.disks.map((d, i) => {
    const bytesTotal = d.capacityMiB * 2 ** 20;
    // A seed sends the blocks holding data; an incremental run the few percent that changed (varied per disk).
    const bytesSent = ok ? Math.round((bytesTotal * fraction * (1 + ((i * 7) % 5) / 10)) / BLOCK) * BLOCK : Math.round((bytesTotal * fraction * 0.3) / BLOCK) * BLOCK;
    return { disk: d.label, snapshotId: ok ? demoId('snap') : null, status: ok ? ('completed' as const) : ('failed' as const), bytesTotal, bytesSent, blocksSent: bytesSent / BLOCK, seconds: Math.round((bytesSent / (160 * 2 ** 20)) * 10) / 10 };
  });
  // No AMI ids: the export takes a server's latest replicated AMI as its default, and a made-up one must never reach a
  // template (the demo keeps its "no AMI yet" warnings).
  return { at, status: ok ? 'completed' : 'failed', snapshots, ...(ok ? {} : { message: 'Demo data: the connection to the EBS direct endpoint was reset after 4 attempts.' }) };
}
const demoHistory = (s: Server, runs: DemoRun[]) => ({ serverId: s.id, disks: [], transport: 'ebs' as const, region: 'eu-central-1', lastRun: runs[runs.length - 1]!, runs });
const days = ['2026-11-16', '2026-11-17', '2026-11-18', '2026-11-19'];
const replicationHistory = [
  ...[...shopDb, ...shopApp, ...shopWeb].map((s, k) => demoHistory(s, days.map((d, i) => demoRun(s, `${d}T0${1 + (k % 6)}:${String(10 + k * 3).padStart(2, '0')}:00.000Z`, i === 0 ? 0.42 : 0.008 + i * 0.006)))),
  ...[spSql[0]!, spApp[0]!].map((s) => demoHistory(s, [demoRun(s, '2026-11-19T22:40:00.000Z', 0.38)])),
  demoHistory(payroll[1]!, [demoRun(payroll[1]!, '2026-11-19T23:15:00.000Z', 0.4, false)]),
];

const now = '2026-11-20T09:00:00.000Z';
const doc: ProjectDocument = ProjectDocumentSchema.parse({
  format: 'migration-workbench-project',
  schemaVersion: 2,
  id: 'demo-estate',
  name: 'Demo estate — Contoso Manufacturing',
  customer: 'Contoso Manufacturing (fictitious)',
  notes: 'Generated demo data: two vCenters (Frankfurt, Munich), a Hyper-V cluster and an Azure subscription, and a replication history (WebShop, SharePoint, Payroll) that no engine produced. Nothing here is real.',
  createdAt: now,
  modifiedAt: now,
  inventory: { servers, imports: [], connections },
  planning: {
    waves: [
      { id: 'wave-1', name: 'Wave 1 — pilot', description: 'Low-risk web workloads' },
      { id: 'wave-2', name: 'Wave 2 — collaboration', description: 'SharePoint and dependencies' },
      { id: 'wave-3', name: 'Wave 3 — finance', description: 'Payroll (legacy Windows)' },
    ],
    applications: [
      app('app-webshop', 'WebShop', 'Customer-facing web shop: PostgreSQL, Java services, nginx front ends', 'wave-1', [['Database', shopDb], ['Application', shopApp], ['Web', shopWeb]]),
      app('app-sharepoint', 'SharePoint Farm', 'Intranet: SQL Server, SharePoint application servers, web front ends', 'wave-2', [['SQL Server', spSql], ['Application servers', spApp], ['Web front ends', spWfe]]),
      app('app-payroll', 'Payroll', 'Legacy payroll (Windows Server 2008 R2 app tier: needs an upgrade plan)', 'wave-3', [['Database', [payroll[0]!]], ['Application', [payroll[1]!]]]),
    ],
    launchSettings: Object.fromEntries(
      [...shopDb, ...shopApp, ...shopWeb].map((s) => [s.id, { logicalId: s.name.replace(/[^A-Za-z0-9]/g, ''), instanceType: s.name.includes('DB') ? 'r6i.2xlarge' : s.name.includes('APP') ? 'm6i.xlarge' : 't3.large', subnetId: s.name.includes('WEB') ? 'subnet-0a1b2c3d4e5f60001' : 'subnet-0a1b2c3d4e5f60002', securityGroupIds: ['sg-0123456789abcdef0'], testSecurityGroupIds: [], volumeType: 'gp3', tags: {} }]),
    ),
  },
  verification: { records: [] },
  replication: { servers: replicationHistory },
});
writeFileSync(new URL('../assets/demo/demo-estate.mwb.json', import.meta.url), JSON.stringify(doc, null, 1) + '\n');
console.log(`demo estate: ${doc.inventory.servers.length} servers, ${doc.inventory.connections.length} dependencies, ${doc.planning.applications.length} applications`);
