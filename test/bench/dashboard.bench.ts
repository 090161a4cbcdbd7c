// The Dashboard's figures and MGN matching at scale, with same-run references.
//  - dashboardSummary over 20,000 servers in 40 applications and 5 waves, 5,000 of them with the full history of 50
//    runs (250,000 runs): what the screen recomputes on each live job change. Reference: JSON.stringify of the same
//    document (what a save serialises).
//  - trackMgn: 10,000 MGN source servers and 2,000 jobs matched to the 20,000 servers. Reference: JSON.parse of the
//    saved DescribeSourceServers + DescribeJobs responses (reading the file the match starts from).
//  - ThroughputRing: 1,000,000 progress samples pushed into the 300-sample ring; reference: Array.push of as many.
// Run: npm run bench dashboard
import { performance } from 'node:perf_hooks';
import { ThroughputRing, dashboardSummary, type LiveJobState } from '../../main/common/dashboard/summary';
import { readSavedResponses, trackMgn } from '../../main/common/dashboard/mgn-track';
import type { ProjectDocument } from '../../main/common/model/project';
import type { ReplicationRunSummary } from '../../main/common/model/replication';
import type { MgnJob, MgnSourceServer } from '../../main/common/model/mgn';
import { docWithServers } from '../helpers/plan-fixtures';

const SERVERS = 20_000;
const WITH_HISTORY = 5_000;
const RUNS = 50;
const MGN = 10_000;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}
function time(fn: () => unknown, rounds = 5): number {
  const ms: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const t = performance.now();
    fn();
    ms.push(performance.now() - t);
  }
  return median(ms);
}

function bigProject(): ProjectDocument {
  const doc = docWithServers(SERVERS, 'srv');
  doc.inventory.servers.forEach((s, i) => {
    s.identity = { hostName: `srv${i + 1}.corp.example`, biosUuid: `4211${(i + 1).toString(16).padStart(4, '0')}-aaaa-bbbb-cccc-${(i + 1).toString(16).padStart(12, '0')}` };
    s.nics = [{ ipv4: [`10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`], ipv6: [] }];
  });
  const ids = doc.inventory.servers.map((s) => s.id);
  doc.planning.waves = Array.from({ length: 5 }, (_, w) => ({ id: `w${w}`, name: `Wave ${w + 1}`, description: '' }));
  const per = SERVERS / 40;
  doc.planning.applications = Array.from({ length: 40 }, (_, a) => ({ id: `a${a}`, name: `App ${a}`, description: '', waveId: `w${a % 5}`, tags: {}, replication: { frequency: 12, amisToKeep: 3, licenseType: 'Auto' as const, encrypted: true }, groups: [{ id: `g${a}`, name: 'All', serverIds: ids.slice(a * per, (a + 1) * per) }] }));
  const run = (k: number, day: number): ReplicationRunSummary => ({
    at: new Date(Date.UTC(2026, 9, 1) + day * 3_600_000).toISOString(),
    status: k % 97 === 0 ? 'failed' : 'completed',
    snapshots: [{ disk: 'Hard disk 1', snapshotId: `snap-${k}`, status: 'completed', bytesTotal: 50 * 2 ** 30, bytesSent: 2 ** 30, blocksSent: 2048, seconds: 12 }],
    amiId: `ami-${k.toString(16).padStart(17, '0')}`,
  });
  doc.replication = { servers: ids.slice(0, WITH_HISTORY).map((id, i) => { const runs = Array.from({ length: RUNS }, (_, r) => run(i * RUNS + r, r)); return { serverId: id, disks: [], transport: 'ebs' as const, lastRun: runs.at(-1)!, runs }; }) };
  return doc;
}

const doc = bigProject();
const live = new Map<string, LiveJobState>(doc.inventory.servers.slice(WITH_HISTORY, WITH_HISTORY + 20).map((s) => [s.id, { state: 'running' }]));
const summaryMs = time(() => dashboardSummary(doc, live));
const stringifyMs = time(() => JSON.stringify(doc));
const s = dashboardSummary(doc, live);
console.log(`dashboardSummary: ${SERVERS.toLocaleString('en-US')} servers, ${(WITH_HISTORY * RUNS).toLocaleString('en-US')} runs: ${summaryMs.toFixed(1)} ms (median of 5); ${s.runs.length.toLocaleString('en-US')} runs listed, stages ${s.stages.map((x) => `${x.label} ${x.count}`).join(', ')}`);
console.log(`  reference JSON.stringify of the document: ${stringifyMs.toFixed(1)} ms  → ratio ${(summaryMs / stringifyMs).toFixed(2)}×`);

const sourceServers: MgnSourceServer[] = Array.from({ length: MGN }, (_, i) => ({
  sourceServerID: `s-${i.toString(16).padStart(17, '0')}`,
  lifeCycle: { state: 'READY_FOR_TEST' },
  dataReplicationInfo: { dataReplicationState: 'CONTINUOUS', replicatedDisks: [{ deviceName: '/dev/sda', totalStorageBytes: 50 * 2 ** 30, replicatedStorageBytes: 50 * 2 ** 30 }] },
  // A third by UUID, a third by host name, a third by IP (the match tries them in that order).
  sourceProperties: {
    identificationHints: i % 3 === 0 ? { hostname: `x${i}`, vmWareUuid: doc.inventory.servers[i]!.identity.biosUuid! } : i % 3 === 1 ? { hostname: `srv${i + 1}` } : { hostname: `y${i}` },
    networkInterfaces: [{ ips: [doc.inventory.servers[i]!.nics[0]!.ipv4[0]!] }],
  },
}));
const jobs: MgnJob[] = Array.from({ length: 2_000 }, (_, j) => ({ jobID: `mgnjob-${j}`, type: 'LAUNCH', initiatedBy: 'START_TEST', status: 'COMPLETED', creationDateTime: new Date(Date.UTC(2026, 10, 1) + j * 60_000).toISOString(), participatingServers: [0, 1, 2, 3, 4].map((k) => ({ sourceServerID: sourceServers[(j * 5 + k) % MGN]!.sourceServerID })) }));
const saved = JSON.stringify({ DescribeSourceServers: { items: sourceServers }, DescribeJobs: { items: jobs } });
const source = { kind: 'file' as const, name: 'bench', region: null };
const trackMs = time(() => {
  const r = readSavedResponses(JSON.parse(saved));
  if (typeof r === 'string') throw new Error(r);
  return trackMgn(r, doc.inventory.servers, source, 'now');
});
const parseMs = time(() => JSON.parse(saved));
const r = readSavedResponses(JSON.parse(saved));
const st = typeof r === 'string' ? null : trackMgn(r, doc.inventory.servers, source, 'now');
console.log(`MGN tracking: ${MGN.toLocaleString('en-US')} source servers, ${jobs.length.toLocaleString('en-US')} jobs against ${SERVERS.toLocaleString('en-US')} servers (${(saved.length / 2 ** 20).toFixed(1)} MiB saved): ${trackMs.toFixed(1)} ms including parse and schema checks; ${st?.matched} matched`);
console.log(`  reference JSON.parse of the saved responses: ${parseMs.toFixed(1)} ms  → ratio ${(trackMs / parseMs).toFixed(2)}×`);

const N = 1_000_000;
const ringMs = time(() => {
  const ring = new ThroughputRing(300);
  for (let i = 0; i < N; i++) ring.push(i * 250, i);
  return ring.toArray();
}, 3);
const arrayMs = time(() => {
  const a: { t: number; bytesPerSecond: number }[] = [];
  for (let i = 0; i < N; i++) a.push({ t: i * 250, bytesPerSecond: i });
  return a.length;
}, 3);
console.log(`ThroughputRing: ${N.toLocaleString('en-US')} samples into 300 slots: ${ringMs.toFixed(1)} ms; reference Array.push of ${N.toLocaleString('en-US')} (unbounded): ${arrayMs.toFixed(1)} ms  → ratio ${(ringMs / arrayMs).toFixed(2)}×`);
