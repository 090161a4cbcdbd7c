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
  it('sorts names naturally and numbers numerically, both ways', () => {
    expect(sortRows(rows, { key: 'name', dir: 'asc' }).map((r) => r.name)).toEqual(['db-1', 'web-9', 'web-10']);
    expect(sortRows(rows, { key: 'vcpus', dir: 'desc' }).map((r) => r.vcpus)).toEqual([8, 4, 2]);
  });
  it('totals what is shown', () => {
    expect(totals(rows)).toEqual({ servers: 3, vcpus: 14, memoryMiB: 28672, provisionedMiB: 100, usedMiB: 50 });
  });
});
