import { describe, expect, it } from 'vitest';
import { catalogRow } from '../../../../../main/common/model/inventory-import';
import { blankServer } from '../../../../../main/services/inventory/importer';
import { facets, filterRows, NO_FILTERS, searchIndex, sortRows, totals } from '../../../../../renderer/features/inventory/catalog.selectors';

function row(name: string, patch: (s: ReturnType<typeof blankServer>) => void) {
  const s = blankServer(name, { kind: 'rvtools', name: 'x.xlsx' });
  s.id = name;
  patch(s);
  return catalogRow(s);
}

const rows = [
  row('web-10', (s) => Object.assign(s, { cpu: { vcpus: 2 }, memoryMiB: 4096, state: { power: 'poweredOn', template: false }, os: { reported: 'Ubuntu Linux (64-bit)', family: 'linux' }, place: { datacenter: 'DC1', cluster: 'A' }, tags: { env: 'prod' } })),
  row('web-9', (s) => Object.assign(s, { cpu: { vcpus: 4 }, memoryMiB: 8192, state: { power: 'poweredOff', template: false }, os: { reported: 'Windows Server 2019', family: 'windows' }, place: { datacenter: 'DC1', cluster: 'B' }, storage: { provisionedMiB: 100, usedMiB: 50 } })),
  row('db-1', (s) => Object.assign(s, { cpu: { vcpus: 8 }, memoryMiB: 16384, state: { power: 'poweredOn', template: false }, os: { reported: 'Windows Server 2019', family: 'windows' }, place: { datacenter: 'DC2', cluster: 'C' }, nics: [{ ipv4: ['10.0.0.9'], ipv6: [] }] })),
];
const index = searchIndex(rows);

describe('catalog selectors', () => {
  it('searches every term across name, IP, OS, place and tags', () => {
    expect(filterRows(rows, index, { ...NO_FILTERS, search: 'web' }).map((r) => r.name)).toEqual(['web-10', 'web-9']);
    expect(filterRows(rows, index, { ...NO_FILTERS, search: '10.0.0.9' }).map((r) => r.name)).toEqual(['db-1']);
    expect(filterRows(rows, index, { ...NO_FILTERS, search: 'windows dc1' }).map((r) => r.name)).toEqual(['web-9']);
    expect(filterRows(rows, index, { ...NO_FILTERS, search: 'env=prod' }).map((r) => r.name)).toEqual(['web-10']);
  });
  it('filters by facets and counts them', () => {
    expect(filterRows(rows, index, { ...NO_FILTERS, power: 'poweredOn', osFamily: 'windows' }).map((r) => r.name)).toEqual(['db-1']);
    expect(filterRows(rows, index, { ...NO_FILTERS, place: 'DC1 / B' }).map((r) => r.name)).toEqual(['web-9']);
    expect(facets(rows).osFamily).toEqual([['windows', 2], ['linux', 1]]);
  });
  it('counts each facet under the other active filters and the search, not its own', () => {
    // Power = On leaves web-10 (linux) and db-1 (windows): the OS counts follow it; the power counts do not.
    const f = facets(rows, index, { ...NO_FILTERS, power: 'poweredOn' });
    expect(f.osFamily).toEqual([['linux', 1], ['windows', 1]]);
    expect(f.power).toEqual([['poweredOn', 2], ['poweredOff', 1]]);
    // Each count is what choosing it shows.
    for (const [os, n] of f.osFamily) expect(filterRows(rows, index, { ...NO_FILTERS, power: 'poweredOn', osFamily: os })).toHaveLength(n);
    // The search counts too, and a chosen value that no longer matches stays listed at 0.
    const g = facets(rows, index, { ...NO_FILTERS, search: 'web', osFamily: 'windows', place: 'DC2 / C' });
    expect(g.place).toEqual([['DC1 / B', 1], ['DC2 / C', 0]]);
    expect(g.osFamily).toEqual([['windows', 0]]);
    expect(facets(rows, index, { ...NO_FILTERS, search: 'web', place: 'DC2 / C' }).osFamily).toEqual([]);
    expect(facets(rows, index, { ...NO_FILTERS, search: 'web' }).osFamily).toEqual([['linux', 1], ['windows', 1]]);
  });
  it('sorts names naturally and numbers numerically, both ways', () => {
    expect(sortRows(rows, { key: 'name', dir: 'asc' }).map((r) => r.name)).toEqual(['db-1', 'web-9', 'web-10']);
    expect(sortRows(rows, { key: 'vcpus', dir: 'desc' }).map((r) => r.vcpus)).toEqual([8, 4, 2]);
  });
  it('totals what is shown', () => {
    expect(totals(rows)).toEqual({ servers: 3, vcpus: 14, memoryMiB: 28672, provisionedMiB: 100, usedMiB: 50 });
  });
});
