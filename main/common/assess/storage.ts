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

/**
 * Each source disk becomes one EBS volume of its allocated size (block replication copies whole disks): gp3, with
 * IOPS above the included 3,000 provisioned when the measured IOPS (plus headroom) need it; io2 when they exceed what
 * gp3 can give. The measured IOPS are the server's; they go to its largest disk.
 */
export function proposeStorage(server: Server, prices: EbsPrices, region: AssessmentRegion, headroomPct: number): StorageProposal {
  const p = prices.regions[region];
  if (!p) return { volumes: [], totalGiB: 0, monthlyUsd: 0, reason: `No EBS prices for ${region}.` };
  const measured = server.utilization?.diskIops;
  const need = measured === undefined ? 0 : Math.ceil(measured * (1 + headroomPct / 100));
  const useIo2 = need > p.gp3.maxIops;
  const disks = server.disks.length ? server.disks : [];
  let largest = -1;
  disks.forEach((d, i) => {
    if (largest < 0 || d.capacityMiB > disks[largest]!.capacityMiB) largest = i;
  });
  const volumes = disks.map((d, i): VolumeProposal => {
    const sizeGiB = Math.max(useIo2 ? 4 : 1, Math.ceil(d.capacityMiB / 1024));
    if (useIo2) {
      const iops = i === largest ? Math.min(p.io2.maxIops, need) : 100;
      return { label: d.label, type: 'io2', sizeGiB, iops, monthlyUsd: round2(sizeGiB * p.io2.gibMonth + iops * p.io2.iopsMonth) };
    }
    const extra = i === largest ? Math.max(0, need - p.gp3.includedIops) : 0;
    const v: VolumeProposal = { label: d.label, type: 'gp3', sizeGiB, iops: extra, monthlyUsd: round2(sizeGiB * p.gp3.gibMonth + (extra && p.gp3.iopsMonth !== null ? extra * p.gp3.iopsMonth : 0)) };
    if (extra && p.gp3.iopsMonth === null) v.unpriced = `gp3 IOPS above ${p.gp3.includedIops} (no ${region} price bundled)`;
    return v;
  });
  const reason = useIo2
    ? `Measured ${measured} IOPS (+${headroomPct}%) exceed gp3's ${p.gp3.maxIops.toLocaleString('en-US')}: io2.`
    : need > p.gp3.includedIops
      ? `Measured ${measured} IOPS (+${headroomPct}%): gp3 with ${(need - p.gp3.includedIops).toLocaleString('en-US')} IOPS above the included ${p.gp3.includedIops.toLocaleString('en-US')}.`
      : null;
  return { volumes, totalGiB: volumes.reduce((n, v) => n + v.sizeGiB, 0), monthlyUsd: round2(volumes.reduce((n, v) => n + v.monthlyUsd, 0)), reason };
}
