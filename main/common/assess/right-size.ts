import type { Server } from '../model/server';
import { sourceArchitecture, type InstanceArch, type InstanceTypeInfo } from '../model/instance-types';
import type { AssessmentAssumptions, AssessmentRegion, FamilyClass } from '../model/assessment';

/** The catalog prices two Regions; every other Region is priced as us-east-1 (a documented approximation). */
export function pricingRegion(region: string | undefined): 'us-east-1' | 'eu-west-1' {
  return region === 'eu-west-1' ? 'eu-west-1' : 'us-east-1';
}

/** On-demand USD per hour of a type for an OS in a Region, or null when the catalog has no price there. */
export function pricePerHour(info: InstanceTypeInfo, region: string | undefined, windows: boolean): number | null {
  return info.priceUsdHour[pricingRegion(region)][windows ? 'windows' : 'linux'];
}

/** What a server needs from an instance type: at least its vCPUs and memory, on its architecture. */
export interface SizeNeed {
  vcpu: number;
  memoryGiB: number;
  arch: string;
}

/** Whether a type fits the need (a 32-bit x86 OS runs on x86_64 types). Shared by right-sizing and the type picker. */
export function fitsNeed(info: InstanceTypeInfo, need: SizeNeed): boolean {
  const arch = need.arch === 'i386' ? 'x86_64' : need.arch;
  return info.arch === arch && info.vcpu >= Math.max(1, need.vcpu) && info.memoryGiB >= need.memoryGiB;
}

/**
 * The cheapest catalog type with at least the server's allocated vCPUs and memory, on its
 * architecture, priced for its OS in the region (us-east-1 unless eu-west-1). Types without a
 * price there are skipped: a guess is never presented as cheapest. Current generation only
 * (generation ≥ 5), so old families are not proposed for a migration.
 */
export function cheapestFit(server: Server, catalog: readonly InstanceTypeInfo[], region?: string): InstanceTypeInfo | undefined {
  const r: AssessmentRegion = region === 'eu-west-1' ? 'eu-west-1' : 'us-east-1';
  const index = new SizingIndex(catalog, { region: r, burstableAllowed: true, currentGenerationOnly: true, families: ['general', 'compute', 'memory'] }, { allFamilies: true });
  return index.fit(sourceArchitecture(server.os), server.os.family === 'windows', Math.max(1, server.cpu.vcpus), server.memoryMiB / 1024)?.info;
}

/** general: m, t (burstable), a; compute: c; memory: r, x, z. Accelerated, storage and HPC families are never proposed. */
export function familyClass(family: string): FamilyClass | null {
  const c = family.charAt(0);
  if (c === 'm' || c === 't' || c === 'a') return 'general';
  if (c === 'c') return 'compute';
  if (c === 'r' || c === 'x' || c === 'z') return 'memory';
  return null;
}

/** AWS's current generation as far as migrations go: 5th generation and later, and the t3/t3a/t4g burstables. */
export function isCurrentGeneration(info: Pick<InstanceTypeInfo, 'family' | 'generation'>): boolean {
  return (info.generation ?? 0) >= 5 || /^t(3a?|4g)$/.test(info.family);
}

export function isBurstable(info: Pick<InstanceTypeInfo, 'family'>): boolean {
  return info.family.startsWith('t');
}

interface Candidate {
  info: InstanceTypeInfo;
  price: number;
}

/**
 * The catalog filtered by the assumptions and sorted by price once per platform, so sizing 10,000 servers is one
 * short scan each. A type without a price for the platform in the region is left out (never guessed).
 */
export class SizingIndex {
  private readonly lists = new Map<string, Candidate[]>();

  constructor(
    catalog: readonly InstanceTypeInfo[],
    a: Pick<AssessmentAssumptions, 'region' | 'burstableAllowed' | 'currentGenerationOnly' | 'families'>,
    legacy: { allFamilies?: boolean } = {},
  ) {
    for (const arch of ['x86_64', 'arm64'] as const) {
      for (const windows of [false, true]) {
        const list: Candidate[] = [];
        for (const info of catalog) {
          if (info.arch !== arch) continue;
          if (legacy.allFamilies ? (info.generation ?? 0) < 5 : a.currentGenerationOnly && !isCurrentGeneration(info)) continue;
          const cls = familyClass(info.family);
          if (!legacy.allFamilies && (cls === null || !a.families.includes(cls))) continue;
          if (!a.burstableAllowed && isBurstable(info)) continue;
          const price = info.priceUsdHour[a.region][windows ? 'windows' : 'linux'];
          if (price === null) continue;
          list.push({ info, price });
        }
        list.sort((x, y) => x.price - y.price || (x.info.type < y.info.type ? -1 : x.info.type > y.info.type ? 1 : 0));
        this.lists.set(`${arch}/${windows}`, list);
      }
    }
  }

  /** The cheapest type with at least `vcpu` and `memGiB` for a source of this architecture (32-bit runs on x86_64). */
  fit(arch: InstanceArch, windows: boolean, vcpu: number, memGiB: number): Candidate | undefined {
    const list = this.lists.get(`${arch === 'arm64' ? 'arm64' : 'x86_64'}/${windows}`) ?? [];
    for (const c of list) if (c.info.vcpu >= vcpu && c.info.memoryGiB >= memGiB) return c;
    return undefined;
  }
}

export interface SizingNeed {
  vcpu: number;
  memGiB: number;
  /** How the need was found, in words. */
  basis: string;
  fromUtilization: boolean;
}

/**
 * What the server needs on EC2: its allocation, or (when the source measured it and the assumptions allow) the
 * measured 95th percentile plus headroom, never more than the allocation. Sampled sources (SSH, vCenter statistics
 * over a period) give the p95; where a source gives only the maximum (RVTools, quick stats) the maximum stands in for
 * it (the safer side); with only an average, the average is used.
 */
export function sizingNeed(server: Server, a: Pick<AssessmentAssumptions, 'headroomPct' | 'useUtilization'>): SizingNeed {
  const vcpus = Math.max(1, server.cpu.vcpus);
  const memGiB = server.memoryMiB / 1024;
  const u = server.utilization;
  const cpu = measured(u?.cpuP95Pct, u?.cpuMaxPct, u?.cpuAvgPct);
  const memory = measured(u?.memP95Pct, u?.memMaxPct, u?.memAvgPct);
  if (!a.useUtilization || (!cpu && !memory)) return { vcpu: vcpus, memGiB, basis: 'allocated size', fromUtilization: false };
  const k = 1 + a.headroomPct / 100;
  const vcpu = !cpu ? vcpus : Math.min(vcpus, Math.max(1, Math.ceil((vcpus * Math.min(100, cpu.pct) * k) / 100)));
  const mem = !memory ? memGiB : Math.min(memGiB, Math.max(0.5, (memGiB * Math.min(100, memory.pct) * k) / 100));
  const parts = [
    !cpu ? 'CPU as allocated' : `CPU ${cpu.label} ${cpu.pct}%`,
    !memory ? 'memory as allocated' : `memory ${memory.label} ${memory.pct}%`,
  ];
  return { vcpu, memGiB: mem, basis: `${parts.join(', ')} + ${a.headroomPct}% headroom`, fromUtilization: true };
}

/** The figure sizing uses, best first: p95, else peak, else average. */
function measured(p95: number | undefined, max: number | undefined, avg: number | undefined): { pct: number; label: 'p95' | 'peak' | 'average' } | undefined {
  if (p95 !== undefined) return { pct: p95, label: 'p95' };
  if (max !== undefined) return { pct: max, label: 'peak' };
  if (avg !== undefined) return { pct: avg, label: 'average' };
  return undefined;
}
