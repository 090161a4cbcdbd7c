import type { CatalogRow } from '../../../main/common/model/inventory-import';

/** Catalog columns: what the table can show, sort and export. */
export const CATALOG_COLUMNS = [
  { key: 'name', label: 'Name', width: 200, num: false },
  { key: 'power', label: 'Power', width: 80, num: false },
  { key: 'os', label: 'Guest OS', width: 210, num: false },
  { key: 'vcpus', label: 'vCPU', width: 64, num: true },
  { key: 'memoryMiB', label: 'Memory', width: 90, num: true },
  { key: 'provisionedMiB', label: 'Provisioned', width: 100, num: true },
  { key: 'usedMiB', label: 'Used', width: 90, num: true },
  { key: 'datacenter', label: 'Datacenter', width: 120, num: false },
  { key: 'cluster', label: 'Cluster', width: 130, num: false },
  { key: 'host', label: 'Host', width: 170, num: false },
  { key: 'ip', label: 'IP address', width: 120, num: false },
  { key: 'vmManager', label: 'VM manager', width: 140, num: false },
  { key: 'source', label: 'Source', width: 200, num: false },
  { key: 'folder', label: 'Folder', width: 140, num: false },
  { key: 'disks', label: 'Disks', width: 60, num: true },
  { key: 'nics', label: 'NICs', width: 60, num: true },
  { key: 'firmware', label: 'Firmware', width: 80, num: false },
  { key: 'tags', label: 'Tags', width: 220, num: false },
] as const;
export type ColumnKey = (typeof CATALOG_COLUMNS)[number]['key'];
export const DEFAULT_COLUMNS: ColumnKey[] = ['name', 'power', 'os', 'vcpus', 'memoryMiB', 'provisionedMiB', 'cluster', 'host', 'ip', 'source'];

export interface CatalogFilters {
  search: string;
  vmManager: string;
  osFamily: string;
  power: string;
  place: string;
  tag: string;
}
export const NO_FILTERS: CatalogFilters = { search: '', vmManager: '', osFamily: '', power: '', place: '', tag: '' };

export interface SortSpec {
  key: ColumnKey;
  dir: 'asc' | 'desc';
}

export type FacetKey = 'vmManager' | 'osFamily' | 'power' | 'place' | 'tag';
export type Facets = Record<FacetKey, [string, number][]>;
const FACET_KEYS: FacetKey[] = ['vmManager', 'osFamily', 'power', 'place', 'tag'];

/**
 * Facet values for the filter menus, with counts, most common first. As in any faceted search, a
 * facet's counts follow every other active filter (the search text and the other facets) but not its
 * own, so each count is what choosing that value would show. The chosen value stays listed even at 0.
 */
export function facets(rows: CatalogRow[], index?: string[], f: CatalogFilters = NO_FILTERS): Facets {
  const maps: Record<FacetKey, Map<string, number>> = { vmManager: new Map(), osFamily: new Map(), power: new Map(), place: new Map(), tag: new Map() };
  const inc = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);
  const terms = f.search.trim().toLowerCase().split(/\s+/).filter(Boolean);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    if (terms.length && index) {
      const text = index[i]!;
      if (!terms.every((t) => text.includes(t))) continue;
    }
    // Which facet filters this row fails: counted in every facet when none, only in that one when one.
    const fails: FacetKey[] = [];
    if (f.vmManager && r.vmManager !== f.vmManager) fails.push('vmManager');
    if (f.osFamily && r.osFamily !== f.osFamily) fails.push('osFamily');
    if (f.power && r.power !== f.power) fails.push('power');
    if (f.place && placeKey(r) !== f.place) fails.push('place');
    if (f.tag && !r.tags.includes(f.tag)) fails.push('tag');
    if (fails.length > 1) continue;
    const counts = (k: FacetKey) => fails.length === 0 || fails[0] === k;
    if (counts('vmManager')) inc(maps.vmManager, r.vmManager);
    if (counts('osFamily')) inc(maps.osFamily, r.osFamily);
    if (counts('power')) inc(maps.power, r.power);
    if (counts('place')) inc(maps.place, placeKey(r));
    if (counts('tag')) for (const t of r.tags) inc(maps.tag, t);
  }
  for (const k of FACET_KEYS) if (f[k] && !maps[k].has(f[k])) maps[k].set(f[k], 0);
  const sorted = (m: Map<string, number>) => [...m.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  return { vmManager: sorted(maps.vmManager), osFamily: sorted(maps.osFamily), power: sorted(maps.power), place: sorted(maps.place), tag: sorted(maps.tag).slice(0, 500) };
}

export function placeKey(r: CatalogRow): string {
  return [r.datacenter || '—', r.cluster || '—'].join(' / ');
}

/** Lower-cased text each row is searched in; built once per catalog. */
export function searchIndex(rows: CatalogRow[]): string[] {
  return rows.map((r) => `${r.name}\u0001${r.ip}\u0001${r.os}\u0001${r.host}\u0001${r.cluster}\u0001${r.datacenter}\u0001${r.folder}\u0001${r.source}\u0001${r.tags.join('\u0001')}`.toLowerCase());
}

export function filterRows(rows: CatalogRow[], index: string[], f: CatalogFilters): CatalogRow[] {
  const terms = f.search.trim().toLowerCase().split(/\s+/).filter(Boolean);
  if (!terms.length && !f.vmManager && !f.osFamily && !f.power && !f.place && !f.tag) return rows;
  const out: CatalogRow[] = [];
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    if (f.vmManager && r.vmManager !== f.vmManager) continue;
    if (f.osFamily && r.osFamily !== f.osFamily) continue;
    if (f.power && r.power !== f.power) continue;
    if (f.place && placeKey(r) !== f.place) continue;
    if (f.tag && !r.tags.includes(f.tag)) continue;
    if (terms.length) {
      const text = index[i]!;
      let ok = true;
      for (const t of terms) if (!text.includes(t)) (ok = false);
      if (!ok) continue;
    }
    out.push(r);
  }
  return out;
}

const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

export function sortRows(rows: CatalogRow[], sort: SortSpec | null): CatalogRow[] {
  if (!sort) return rows;
  const k = sort.key;
  const sign = sort.dir === 'asc' ? 1 : -1;
  const copy = rows.slice();
  if (k === 'tags') copy.sort((a, b) => sign * collator.compare(a.tags.join(', '), b.tags.join(', ')));
  else if (typeof rows[0]?.[k] === 'number') copy.sort((a, b) => sign * ((a[k] as number) - (b[k] as number)));
  else copy.sort((a, b) => sign * collator.compare(String(a[k]), String(b[k])));
  return copy;
}

export interface Totals {
  servers: number;
  vcpus: number;
  memoryMiB: number;
  provisionedMiB: number;
  usedMiB: number;
}

export function totals(rows: CatalogRow[]): Totals {
  const t: Totals = { servers: rows.length, vcpus: 0, memoryMiB: 0, provisionedMiB: 0, usedMiB: 0 };
  for (const r of rows) {
    t.vcpus += r.vcpus;
    t.memoryMiB += r.memoryMiB;
    t.provisionedMiB += r.provisionedMiB;
    t.usedMiB += r.usedMiB;
  }
  return t;
}
