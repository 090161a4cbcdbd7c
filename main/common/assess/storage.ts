import { z } from 'zod';
import type { Server } from '../model/server';
import type { AssessmentRegion } from '../model/assessment';

const Gp3Schema = z.object({
  gibMonth: z.number(),
  includedIops: z.number(),
  includedThroughputMiBps: z.number(),
  iopsMonth: z.number().nullable(),
  throughputMiBpsMonth: z.number().nullable(),
  maxIops: z.number(),
  /** Provisioned throughput limit per volume, and its ratio to provisioned IOPS (MiB/s per IOPS). */
  maxThroughputMiBps: z.number(),
  maxThroughputPerIops: z.number(),
  maxSizeGiB: z.number(),
});
const Io2Schema = z.object({ gibMonth: z.number(), iopsMonth: z.number(), maxIops: z.number(), maxSizeGiB: z.number() });
/** assets/data/ebs-prices.json (see assets/data/PROVENANCE.md). */
export const EbsPricesSchema = z.object({ unit: z.string(), regions: z.record(z.string(), z.object({ gp3: Gp3Schema, io2: Io2Schema })) });
export type EbsPrices = z.infer<typeof EbsPricesSchema>;

export interface VolumeProposal {
  label: string;
  type: 'gp3' | 'io2';
  sizeGiB: number;
  /** Provisioned IOPS beyond what the type includes (gp3) or in all (io2); 0 when none. */
  iops: number;
  /** gp3 throughput provisioned beyond the included 125 MiB/s; 0 when none (io2's follows its IOPS). */
  throughputMiBps: number;
  monthlyUsd: number;
  /** Set when a part of the price is not in the bundled data (then it is left out of the cost). */
  unpriced?: string;
}

export interface StorageProposal {
  volumes: VolumeProposal[];
  totalGiB: number;
  monthlyUsd: number;
  /** Why io2 or extra IOPS, in words, or null. */
  reason: string | null;
}

const round2 = (x: number) => Math.round(x * 100) / 100;

/** The figure storage is sized from, best first: p95, else peak, else average (as instance sizing does). */
function measuredFigure(...stats: Array<number | undefined>): number | undefined {
  return stats.find((v) => v !== undefined);
}

/** Measured disk throughput in MiB/s: read + write of the same statistic, else the total (vCenter level 1). */
function measuredThroughputMiBps(u: Server['utilization']): number | undefined {
  if (!u) return undefined;
  const pick = (read: number | undefined, write: number | undefined) => (read === undefined && write === undefined ? undefined : (read ?? 0) + (write ?? 0));
  const kbps = measuredFigure(pick(u.diskReadKBpsP95, u.diskWriteKBpsP95), u.diskTotalKBpsP95, pick(u.diskReadKBpsMax, u.diskWriteKBpsMax), u.diskTotalKBpsMax, pick(u.diskReadKBps, u.diskWriteKBps), u.diskTotalKBps);
  return kbps === undefined ? undefined : kbps / 1024;
}

const fmt = (n: number) => n.toLocaleString('en-US');

/**
 * Each source disk becomes one EBS volume of its allocated size (block replication copies whole disks): gp3, with
 * IOPS above the included 3,000 and throughput above the included 125 MiB/s provisioned when the measured figures
 * (p95, else peak, else average, plus headroom) need them; io2 when the IOPS exceed what gp3 can give. The measured
 * figures are the server's; they go to its largest disk. gp3's throughput is capped at its limit and needs at least
 * 1 IOPS per 0.25 MiB/s, so a high throughput can raise the IOPS provisioned.
 */
export function proposeStorage(server: Server, prices: EbsPrices, region: AssessmentRegion, headroomPct: number): StorageProposal {
  const p = prices.regions[region];
  if (!p) return { volumes: [], totalGiB: 0, monthlyUsd: 0, reason: `No EBS prices for ${region}.` };
  const u = server.utilization;
  const k = 1 + headroomPct / 100;
  const measured = measuredFigure(u?.diskIopsP95, u?.diskIopsMax, u?.diskIops);
  const mibps = measuredThroughputMiBps(u);
  const wantedThroughput = mibps === undefined ? 0 : Math.ceil(mibps * k);
  const throughput = Math.min(p.gp3.maxThroughputMiBps, wantedThroughput);
  const iopsForThroughput = Math.ceil(throughput / p.gp3.maxThroughputPerIops);
  const needIops = measured === undefined ? 0 : Math.ceil(measured * k);
  const useIo2 = needIops > p.gp3.maxIops;
  const need = useIo2 ? needIops : Math.max(needIops, throughput > p.gp3.includedThroughputMiBps ? iopsForThroughput : 0);
  const disks = server.disks.length ? server.disks : [];
  let largest = -1;
  disks.forEach((d, i) => {
    if (largest < 0 || d.capacityMiB > disks[largest]!.capacityMiB) largest = i;
  });
  const volumes = disks.map((d, i): VolumeProposal => {
    const sizeGiB = Math.max(useIo2 ? 4 : 1, Math.ceil(d.capacityMiB / 1024));
    if (useIo2) {
      const iops = i === largest ? Math.min(p.io2.maxIops, need) : 100;
      return { label: d.label, type: 'io2', sizeGiB, iops, throughputMiBps: 0, monthlyUsd: round2(sizeGiB * p.io2.gibMonth + iops * p.io2.iopsMonth) };
    }
    const extra = i === largest ? Math.max(0, need - p.gp3.includedIops) : 0;
    const extraMiBps = i === largest ? Math.max(0, throughput - p.gp3.includedThroughputMiBps) : 0;
    const priced = (n: number, price: number | null) => (n && price !== null ? n * price : 0);
    const v: VolumeProposal = { label: d.label, type: 'gp3', sizeGiB, iops: extra, throughputMiBps: extraMiBps, monthlyUsd: round2(sizeGiB * p.gp3.gibMonth + priced(extra, p.gp3.iopsMonth) + priced(extraMiBps, p.gp3.throughputMiBpsMonth)) };
    const unpriced = [
      extra && p.gp3.iopsMonth === null ? `gp3 IOPS above ${p.gp3.includedIops}` : '',
      extraMiBps && p.gp3.throughputMiBpsMonth === null ? `gp3 throughput above ${p.gp3.includedThroughputMiBps} MiB/s` : '',
    ].filter(Boolean);
    if (unpriced.length) v.unpriced = `${unpriced.join(' and ')} (no ${region} price bundled)`;
    return v;
  });
  const reasons: string[] = [];
  if (useIo2) reasons.push(`Measured ${fmt(measured!)} IOPS (+${headroomPct}%) exceed gp3's ${fmt(p.gp3.maxIops)}: io2.`);
  else if (needIops > p.gp3.includedIops) reasons.push(`Measured ${fmt(measured!)} IOPS (+${headroomPct}%): gp3 with ${fmt(needIops - p.gp3.includedIops)} IOPS above the included ${fmt(p.gp3.includedIops)}.`);
  if (!useIo2 && throughput > p.gp3.includedThroughputMiBps) {
    const raised = need > needIops && need > p.gp3.includedIops ? ` and ${fmt(need)} IOPS in all, the least that throughput allows` : '';
    reasons.push(`Measured ${fmt(Math.round(mibps!))} MiB/s of disk throughput (+${headroomPct}%): gp3 with ${fmt(throughput - p.gp3.includedThroughputMiBps)} MiB/s above the included ${fmt(p.gp3.includedThroughputMiBps)}${raised}.`);
  }
  if (!useIo2 && wantedThroughput > p.gp3.maxThroughputMiBps) reasons.push(`The measured throughput needs more than gp3's ${fmt(p.gp3.maxThroughputMiBps)} MiB/s per volume: stripe volumes or choose io2.`);
  return { volumes, totalGiB: volumes.reduce((n, v) => n + v.sizeGiB, 0), monthlyUsd: round2(volumes.reduce((n, v) => n + v.monthlyUsd, 0)), reason: reasons.length ? reasons.join(' ') : null };
}
