import { throwIfAborted } from '../../common/util/cancel';
import { DiscoveryError, malformed } from '../errors';
import { p95 } from '../ssh/parse-samples';
import { child, childrenNamed, num, text, xsiType, type XmlElement } from '../xml';
import { ref, type MoRef, type VimClient } from './vim-client';

/** The periods a consultant picks: the last day, week or month of vCenter's statistics. */
export const PERF_PERIODS = ['day', 'week', 'month'] as const;
export type PerfPeriod = (typeof PERF_PERIODS)[number];

/** vCenter's default historical intervals: 5 min kept a day, 30 min kept a week, 2 h kept a month (and 20 s real time, an hour). */
const WANT: Record<PerfPeriod, { intervalId: number; seconds: number }> = {
  day: { intervalId: 300, seconds: 86_400 },
  week: { intervalId: 1800, seconds: 7 * 86_400 },
  month: { intervalId: 7200, seconds: 30 * 86_400 },
};
export const REALTIME = { intervalId: 20, seconds: 3600 };

/** The counters read, by vSphere's `group.name.rollup` name (their keys differ from one vCenter to the next). */
export const PERF_COUNTERS = {
  cpu: 'cpu.usage.average',
  mem: 'mem.usage.average',
  memActive: 'mem.active.average',
  diskRead: 'disk.read.average',
  diskWrite: 'disk.write.average',
  diskReads: 'disk.numberReadAveraged.average',
  diskWrites: 'disk.numberWriteAveraged.average',
  diskUsage: 'disk.usage.average',
  netIn: 'net.received.average',
  netOut: 'net.transmitted.average',
  netUsage: 'net.usage.average',
} as const;
export type PerfMetric = keyof typeof PERF_COUNTERS;

export interface PerfCounter {
  key: number;
  unit?: string;
  level?: number;
}

export interface PerfInterval {
  samplingPeriod: number;
  length: number;
  name?: string;
  level?: number;
  enabled: boolean;
}

/** Average, 95th percentile (nearest rank) and maximum of one metric over the period, in its unit (%, KB/s, IO/s). */
export interface PerfStat {
  avg: number;
  p95: number;
  max: number;
}

/** What a VM's statistics gave over the period; a metric is absent when vCenter keeps no sample of it. */
export interface VcPerf {
  intervalId: number;
  /** Samples of the CPU series (or the longest series), and the period they cover in seconds. */
  samples: number;
  periodSeconds: number;
  cpuPct?: PerfStat;
  memPct?: PerfStat;
  diskReadKBps?: PerfStat;
  diskWriteKBps?: PerfStat;
  diskIops?: PerfStat;
  netInKBps?: PerfStat;
  netOutKBps?: PerfStat;
  /** Disk and network throughput, not split (disk.usage, net.usage): read only where the interval keeps no split. */
  diskTotalKBps?: PerfStat;
  netTotalKBps?: PerfStat;
  /** The counters the figures came from (`cpu.usage.average`, …), for provenance. */
  counters: string[];
}

/** Parses PerformanceManager.perfCounter (ArrayOfPerfCounterInfo): `group.name.rollup` → key, unit, level. */
export function parsePerfCounters(val: XmlElement | undefined): Map<string, PerfCounter> {
  const out = new Map<string, PerfCounter>();
  for (const c of childrenNamed(val, 'PerfCounterInfo')) {
    const key = num(c, 'key');
    const group = text(child(c, 'groupInfo'), 'key');
    const name = text(child(c, 'nameInfo'), 'key');
    const rollup = text(c, 'rollupType');
    if (key === undefined || !Number.isInteger(key) || !group || !name || !rollup) continue;
    const unit = text(child(c, 'unitInfo'), 'key');
    const level = num(c, 'level');
    out.set(`${group}.${name}.${rollup}`, { key, ...(unit ? { unit } : {}), ...(level !== undefined ? { level } : {}) });
  }
  return out;
}

/** Parses PerformanceManager.historicalInterval (ArrayOfPerfInterval). */
export function parsePerfIntervals(val: XmlElement | undefined): PerfInterval[] {
  const out: PerfInterval[] = [];
  for (const i of childrenNamed(val, 'PerfInterval')) {
    const samplingPeriod = num(i, 'samplingPeriod');
    const length = num(i, 'length');
    if (!samplingPeriod || samplingPeriod <= 0 || !length || length <= 0) continue;
    const name = text(i, 'name');
    const level = num(i, 'level');
    out.push({ samplingPeriod, length, ...(name ? { name } : {}), ...(level !== undefined ? { level } : {}), enabled: text(i, 'enabled') !== 'false' });
  }
  return out;
}

/**
 * The interval and time span to read for a period: vCenter's interval for it when enabled; otherwise the enabled
 * interval that covers the period with the finest samples, or the one that keeps the longest; with none, real time
 * (the last hour). An empty list (vcsim, some ESXi builds) means the defaults. `note` says what was read instead.
 */
export function chooseInterval(period: PerfPeriod, intervals: readonly PerfInterval[]): { intervalId: number; seconds: number; note?: string } {
  const want = WANT[period];
  if (!intervals.length) return { ...want };
  const enabled = intervals.filter((i) => i.enabled);
  const exact = enabled.find((i) => i.samplingPeriod === want.intervalId);
  const covering = [...enabled].filter((i) => i.length >= want.seconds).sort((a, b) => a.samplingPeriod - b.samplingPeriod)[0];
  const longest = [...enabled].sort((a, b) => b.length - a.length)[0];
  const pick = exact ?? covering ?? longest;
  if (!pick) return { ...REALTIME, note: `vCenter keeps no historical statistics (every interval is disabled): the last hour of real-time statistics was read instead of the last ${period}.` };
  const seconds = Math.min(want.seconds, pick.length);
  const span = (s: number) => (s % 86_400 === 0 ? `${s / 86_400} day${s === 86_400 ? '' : 's'}` : `${Math.round(s / 3600)} h`);
  const notes: string[] = [];
  if (pick.samplingPeriod !== want.intervalId) notes.push(`the ${want.intervalId / 60}-minute interval is not enabled, so ${pick.samplingPeriod / 60}-minute samples were read`);
  if (seconds < want.seconds) notes.push(`statistics are kept for ${span(pick.length)} only, so the last ${span(seconds)} were read`);
  return { intervalId: pick.samplingPeriod, seconds, ...(notes.length ? { note: `Performance statistics for the last ${period}: ${notes.join('; ')}.` } : {}) };
}

/** Counter ids with the aggregate instance ("") in a QueryAvailablePerfMetric answer. */
export function parseAvailable(body: XmlElement): Set<number> {
  const out = new Set<number>();
  for (const r of childrenNamed(body, 'returnval')) {
    const id = num(r, 'counterId');
    if (id !== undefined && (text(r, 'instance') ?? '') === '') out.add(id);
  }
  return out;
}

/** One entity's series of a QueryPerf answer (normal format): counter id → values (aggregate instance only; -1 = no sample, dropped). */
export interface EntitySeries {
  entity: string;
  interval?: number;
  series: Map<number, number[]>;
}

/** Parses a QueryPerf answer (PerfEntityMetric, PerfMetricIntSeries; the CSV format is never asked for). */
export function parseQueryPerf(body: XmlElement): EntitySeries[] {
  const out: EntitySeries[] = [];
  for (const r of childrenNamed(body, 'returnval')) {
    const type = xsiType(r);
    if (type && type !== 'PerfEntityMetric') throw malformed(`QueryPerf answered ${type.slice(0, 40)}, not PerfEntityMetric`);
    const entity = text(r, 'entity');
    if (!entity) throw malformed('a QueryPerf result names no entity');
    const series = new Map<number, number[]>();
    for (const v of childrenNamed(r, 'value')) {
      const id = child(v, 'id');
      const counter = num(id, 'counterId');
      if (counter === undefined || (text(id, 'instance') ?? '') !== '') continue;
      const values: number[] = [];
      for (const x of childrenNamed(v, 'value')) {
        const n = Number(text(x));
        if (Number.isFinite(n) && n >= 0) values.push(n);
      }
      series.set(counter, values);
    }
    const interval = num(child(r, 'sampleInfo'), 'interval');
    out.push({ entity, ...(interval !== undefined ? { interval } : {}), series });
  }
  return out;
}

const round = (n: number) => Math.round(n * 10) / 10;

function stat(values: readonly number[], scale = 1): PerfStat | undefined {
  if (!values.length) return undefined;
  let sum = 0;
  let max = -Infinity;
  for (const v of values) {
    sum += v;
    if (v > max) max = v;
  }
  return { avg: round((sum / values.length) * scale), p95: round(p95(values) * scale), max: round(max * scale) };
}

/** Adds two series sample by sample (IOPS = reads + writes); the shorter one bounds the result. */
function addSeries(a: readonly number[] | undefined, b: readonly number[] | undefined): number[] {
  if (!a?.length || !b?.length) return [...(a ?? []), ...(b ?? [])];
  const n = Math.min(a.length, b.length);
  return Array.from({ length: n }, (_, i) => a[i]! + b[i]!);
}

/**
 * A VM's figures from its series: CPU and memory usage in % (vSphere gives hundredths of a percent), memory from
 * mem.active ÷ configured memory when mem.usage is not kept, disk and network in KB/s, IOPS as reads + writes.
 */
export function perfFromSeries(s: EntitySeries, counters: ReadonlyMap<PerfMetric, PerfCounter>, memoryMB: number | undefined, intervalId: number): VcPerf | undefined {
  const get = (m: PerfMetric) => {
    const c = counters.get(m);
    return c ? s.series.get(c.key) : undefined;
  };
  const pct = (m: PerfMetric) => (counters.get(m)?.unit === 'percent' ? 0.01 : 1);
  const used: string[] = [];
  const take = (m: PerfMetric, scale = 1, values = get(m)) => {
    const r = values ? stat(values, scale) : undefined;
    if (r) used.push(PERF_COUNTERS[m]);
    return r;
  };
  const perf: Omit<VcPerf, 'intervalId' | 'samples' | 'periodSeconds' | 'counters'> = {};
  const cpu = take('cpu', pct('cpu'));
  if (cpu) perf.cpuPct = cpu;
  const mem = take('mem', pct('mem')) ?? (memoryMB ? take('memActive', 100 / (memoryMB * 1024)) : undefined);
  if (mem) perf.memPct = mem;
  const rd = take('diskRead');
  if (rd) perf.diskReadKBps = rd;
  const wr = take('diskWrite');
  if (wr) perf.diskWriteKBps = wr;
  const reads = get('diskReads');
  const writes = get('diskWrites');
  const iops = reads?.length || writes?.length ? stat(addSeries(reads, writes)) : undefined;
  if (iops) {
    perf.diskIops = iops;
    used.push(PERF_COUNTERS.diskReads, PERF_COUNTERS.diskWrites);
  }
  const rx = take('netIn');
  if (rx) perf.netInKBps = rx;
  const tx = take('netOut');
  if (tx) perf.netOutKBps = tx;
  const diskTotal = take('diskUsage');
  if (diskTotal) perf.diskTotalKBps = diskTotal;
  const netTotal = take('netUsage');
  if (netTotal) perf.netTotalKBps = netTotal;
  if (!used.length) return undefined;
  const samples = Math.max(...[...s.series.values()].map((v) => v.length));
  const interval = s.interval ?? intervalId;
  return { intervalId: interval, samples, periodSeconds: samples * interval, ...perf, counters: used };
}

export interface PerfRequest {
  period: PerfPeriod;
  /** The VMs to read (MoRef and configured memory, for mem.active). */
  vms: { moref: string; memoryMB?: number }[];
  /** At most this many series (VMs × counters) per QueryPerf call: vCenter's config.vpxd.stats.maxQueryMetrics, 64 by default. */
  maxQueryMetrics?: number;
  /** QueryPerf calls in flight at once. */
  parallel?: number;
  signal?: AbortSignal;
  progress?: (done: number, total: number) => void;
  /** The time "now" is on the vCenter (tests); the client's clock otherwise. */
  now?: Date;
}

export interface PerfResult {
  byMoref: Map<string, VcPerf>;
  warnings: string[];
  intervalId: number;
  seconds: number;
}

/**
 * Reads the utilization of many VMs from vCenter's PerformanceManager: the counter catalogue and historical
 * intervals (PropertyCollector), the counters one VM offers at that interval (QueryAvailablePerfMetric), then
 * QueryPerf over the period, many VMs per call. A failed batch is a warning (those VMs keep their quick stats).
 */
export async function readPerf(client: VimClient, perfManager: MoRef, req: PerfRequest): Promise<PerfResult> {
  const warnings: string[] = [];
  const props = await client.retrieveOne(perfManager, ['perfCounter', 'historicalInterval']);
  const catalogue = parsePerfCounters(props.get('perfCounter'));
  const chosen = chooseInterval(req.period, parsePerfIntervals(props.get('historicalInterval')));
  if (chosen.note) warnings.push(chosen.note);
  const counters = new Map<PerfMetric, PerfCounter>();
  for (const [m, name] of Object.entries(PERF_COUNTERS) as [PerfMetric, string][]) {
    const c = catalogue.get(name);
    if (c) counters.set(m, c);
  }
  const result: PerfResult = { byMoref: new Map(), warnings, intervalId: chosen.intervalId, seconds: chosen.seconds };
  if (!counters.size) {
    warnings.push('vCenter lists none of the CPU, memory, disk and network usage counters: utilization comes from the quick stats only.');
    return result;
  }
  // What the interval keeps (its statistics level): asked of the first VMs until one answers with counters.
  for (const vm of req.vms.slice(0, 3)) {
    throwIfAborted(req.signal, 'Discovery cancelled; the project is unchanged.');
    const body = await client.call(`<QueryAvailablePerfMetric>${ref('_this', perfManager)}${ref('entity', { type: 'VirtualMachine', value: vm.moref })}<intervalId>${chosen.intervalId}</intervalId></QueryAvailablePerfMetric>`).catch((e: unknown) => {
      if (e instanceof DiscoveryError && e.code === 'discovery-auth-failed') throw e;
      return undefined;
    });
    const available = body ? parseAvailable(body) : new Set<number>();
    if (!available.size) continue;
    for (const [m, c] of counters) if (!available.has(c.key)) counters.delete(m);
    break;
  }
  // Statistics level 1 (vCenter's default) keeps only the sums, disk.usage and net.usage: they are read where the
  // interval keeps no split (read/write, received/transmitted), and asked for nowhere else (fewer series per call).
  if (counters.has('diskRead') || counters.has('diskWrite')) counters.delete('diskUsage');
  if (counters.has('netIn') || counters.has('netOut')) counters.delete('netUsage');
  if (!counters.size) return result;

  const metricIds = [...counters.values()].map((c) => `<metricId><counterId>${c.key}</counterId><instance></instance></metricId>`).join('');
  const perVmMetrics = counters.size;
  const batchSize = Math.max(1, Math.floor((req.maxQueryMetrics ?? 64) / perVmMetrics));
  const end = req.now ?? new Date();
  const start = new Date(end.getTime() - chosen.seconds * 1000);
  const maxSample = Math.ceil(chosen.seconds / chosen.intervalId);
  const memory = new Map(req.vms.map((v) => [v.moref, v.memoryMB]));
  const batches: string[][] = [];
  for (let i = 0; i < req.vms.length; i += batchSize) batches.push(req.vms.slice(i, i + batchSize).map((v) => v.moref));
  let next = 0;
  let done = 0;
  const failed: { count: number; message: string }[] = [];
  const worker = async () => {
    while (next < batches.length) {
      throwIfAborted(req.signal, 'Discovery cancelled; the project is unchanged.');
      const batch = batches[next++]!;
      const specs = batch
        .map((m) => `<querySpec>${ref('entity', { type: 'VirtualMachine', value: m })}<startTime>${start.toISOString()}</startTime><endTime>${end.toISOString()}</endTime><maxSample>${maxSample}</maxSample>${metricIds}<intervalId>${chosen.intervalId}</intervalId><format>normal</format></querySpec>`)
        .join('');
      try {
        const body = await client.call(`<QueryPerf>${ref('_this', perfManager)}${specs}</QueryPerf>`);
        for (const s of parseQueryPerf(body)) {
          const perf = perfFromSeries(s, counters, memory.get(s.entity), chosen.intervalId);
          if (perf) result.byMoref.set(s.entity, perf);
        }
      } catch (e) {
        if (req.signal?.aborted || (e instanceof DiscoveryError && e.code === 'discovery-auth-failed')) throw e;
        failed.push({ count: batch.length, message: e instanceof Error ? e.message : String(e) });
      }
      done += batch.length;
      req.progress?.(done, req.vms.length);
    }
  };
  await Promise.all(Array.from({ length: Math.min(req.parallel ?? 4, batches.length) }, worker));
  if (failed.length) warnings.push(`The performance statistics of ${failed.reduce((n, f) => n + f.count, 0)} VMs could not be read (${failed[0]!.message.slice(0, 160)}); they keep the quick stats.`);
  return result;
}
