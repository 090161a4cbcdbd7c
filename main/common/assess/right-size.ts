import type { Server } from '../model/server';
import { sourceArchitecture, type InstanceTypeInfo } from '../model/instance-types';

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
  const arch = sourceArchitecture(server.os);
  const windows = server.os.family === 'windows';
  const memGiB = server.memoryMiB / 1024;
  let best: { info: InstanceTypeInfo; price: number } | undefined;
  for (const info of catalog) {
    if ((info.generation ?? 0) < 5) continue;
    if (!fitsNeed(info, { vcpu: server.cpu.vcpus, memoryGiB: memGiB, arch })) continue;
    const price = pricePerHour(info, region, windows);
    if (price === null) continue;
    if (!best || price < best.price || (price === best.price && info.type < best.info.type)) best = { info, price };
  }
  return best?.info;
}
