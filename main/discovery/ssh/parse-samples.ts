import type { Utilization } from '../../common/model/server';
import { lines, unreadable } from './parse-common';
import { parseMeminfo } from './parse-meminfo';

/** One reading of the kernel counters, from `head -c 4000000 /proc/stat /proc/meminfo /proc/diskstats /proc/net/dev`. */
export interface CounterSample {
  /** When the client received it (ms). */
  at: number;
  cpuTotal: number;
  cpuIdle: number;
  memTotalKiB: number;
  memAvailableKiB: number;
  diskReadSectors: number;
  diskWriteSectors: number;
  diskIos: number;
  netRxBytes: number;
  netTxBytes: number;
}

/** Whole disks only: partitions, LVM/MD volumes (they repeat their disks' I/O), loop, RAM and optical devices are left out. */
function wholeDisk(name: string): boolean {
  if (/^(loop|ram|zram|sr|fd|dm-|md|nbd)/.test(name)) return false;
  if (/^(nvme\d+n\d+p|mmcblk\d+p)\d+$/.test(name)) return false;
  if (/^(sd|vd|xvd|hd)[a-z]+\d+$/.test(name)) return false;
  return true;
}

/** Splits `head` output of several files into the files' texts. */
function sections(out: string): Map<string, string> {
  const m = new Map<string, string>();
  const re = /^==> (.+?) <==$/gm;
  const heads = [...out.matchAll(re)];
  heads.forEach((h, i) => {
    const start = h.index + h[0].length;
    const end = i + 1 < heads.length ? heads[i + 1]!.index : out.length;
    m.set(h[1]!, out.slice(start, end));
  });
  return m;
}

export function parseCounterSample(out: string, at: number): CounterSample {
  const s = sections(out);
  const stat = s.get('/proc/stat');
  const mem = s.get('/proc/meminfo');
  if (stat === undefined || mem === undefined) throw unreadable('counter sample', 'no /proc/stat or /proc/meminfo section');
  const cpu = lines(stat, 4).find((l) => /^cpu\s/.test(l));
  if (!cpu) throw unreadable('/proc/stat', 'no "cpu" line');
  const f = cpu.trim().split(/\s+/).slice(1, 11).map(Number);
  if (f.length < 4 || f.some((n) => !Number.isFinite(n) || n < 0)) throw unreadable('/proc/stat', 'bad "cpu" line');
  // user nice system idle iowait irq softirq steal [guest guest_nice: already counted in user/nice]
  const cpuTotal = f.slice(0, 8).reduce((a, b) => a + b, 0);
  const cpuIdle = f[3]! + (f[4] ?? 0);
  const mi = parseMeminfo(mem);
  const memTotalKiB = mi.get('MemTotal') ?? 0;
  const memAvailableKiB = mi.get('MemAvailable') ?? (mi.get('MemFree') ?? 0) + (mi.get('Buffers') ?? 0) + (mi.get('Cached') ?? 0);
  if (memTotalKiB <= 0) throw unreadable('/proc/meminfo', 'no MemTotal');
  let diskReadSectors = 0;
  let diskWriteSectors = 0;
  let diskIos = 0;
  for (const l of lines(s.get('/proc/diskstats') ?? '')) {
    const p = l.trim().split(/\s+/);
    if (p.length < 14 || !wholeDisk(p[2]!)) continue;
    const n = p.slice(3, 10).map(Number);
    if (n.some((x) => !Number.isFinite(x))) continue;
    diskIos += n[0]! + n[4]!;
    diskReadSectors += n[2]!;
    diskWriteSectors += n[6]!;
  }
  let netRxBytes = 0;
  let netTxBytes = 0;
  for (const l of lines(s.get('/proc/net/dev') ?? '')) {
    const m = /^\s*([^:\s]+):\s*(.*)$/.exec(l);
    if (!m || m[1] === 'lo') continue;
    const n = m[2]!.trim().split(/\s+/).map(Number);
    if (n.length < 16 || n.some((x) => !Number.isFinite(x))) continue;
    netRxBytes += n[0]!;
    netTxBytes += n[8]!;
  }
  return { at, cpuTotal, cpuIdle, memTotalKiB, memAvailableKiB, diskReadSectors, diskWriteSectors, diskIos, netRxBytes, netTxBytes };
}

/** The 95th percentile (nearest rank) of values. */
export function p95(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(0.95 * sorted.length) - 1)]!;
}

const round = (n: number) => Math.round(n * 10) / 10;
const avg = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;

/**
 * Utilization over consecutive samples: CPU busy %, memory used % (MemTotal − MemAvailable), disk KB/s and IOPS,
 * network KB/s (loopback excluded); average, p95 and max. Counter resets (reboot, wrap) drop that interval.
 * Undefined with fewer than two usable samples.
 */
export function utilizationFromSamples(samples: readonly CounterSample[]): (Utilization & { samples: number; periodSeconds: number }) | undefined {
  const cpu: number[] = [];
  const rd: number[] = [];
  const wr: number[] = [];
  const iops: number[] = [];
  const rx: number[] = [];
  const tx: number[] = [];
  for (let i = 1; i < samples.length; i++) {
    const a = samples[i - 1]!;
    const b = samples[i]!;
    const secs = (b.at - a.at) / 1000;
    const dTotal = b.cpuTotal - a.cpuTotal;
    const deltas = [dTotal, b.cpuIdle - a.cpuIdle, b.diskReadSectors - a.diskReadSectors, b.diskWriteSectors - a.diskWriteSectors, b.diskIos - a.diskIos, b.netRxBytes - a.netRxBytes, b.netTxBytes - a.netTxBytes];
    if (secs <= 0 || dTotal <= 0 || deltas.some((d) => d < 0)) continue;
    cpu.push(Math.min(100, Math.max(0, (100 * (dTotal - (b.cpuIdle - a.cpuIdle))) / dTotal)));
    rd.push(((b.diskReadSectors - a.diskReadSectors) * 512) / 1024 / secs);
    wr.push(((b.diskWriteSectors - a.diskWriteSectors) * 512) / 1024 / secs);
    iops.push((b.diskIos - a.diskIos) / secs);
    rx.push((b.netRxBytes - a.netRxBytes) / 1024 / secs);
    tx.push((b.netTxBytes - a.netTxBytes) / 1024 / secs);
  }
  if (cpu.length === 0) return undefined;
  const mem = samples.map((s) => (100 * Math.max(0, s.memTotalKiB - s.memAvailableKiB)) / s.memTotalKiB);
  return {
    cpuAvgPct: round(avg(cpu)),
    cpuP95Pct: round(p95(cpu)),
    cpuMaxPct: round(Math.max(...cpu)),
    memAvgPct: round(avg(mem)),
    memP95Pct: round(p95(mem)),
    memMaxPct: round(Math.max(...mem)),
    diskReadKBps: round(avg(rd)),
    diskReadKBpsP95: round(p95(rd)),
    diskReadKBpsMax: round(Math.max(...rd)),
    diskWriteKBps: round(avg(wr)),
    diskWriteKBpsP95: round(p95(wr)),
    diskWriteKBpsMax: round(Math.max(...wr)),
    diskIops: round(avg(iops)),
    diskIopsP95: round(p95(iops)),
    diskIopsMax: round(Math.max(...iops)),
    netInKBps: round(avg(rx)),
    netInKBpsP95: round(p95(rx)),
    netInKBpsMax: round(Math.max(...rx)),
    netOutKBps: round(avg(tx)),
    netOutKBpsP95: round(p95(tx)),
    netOutKBpsMax: round(Math.max(...tx)),
    samples: samples.length,
    periodSeconds: round((samples[samples.length - 1]!.at - samples[0]!.at) / 1000),
  };
}
