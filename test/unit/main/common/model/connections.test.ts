import { describe, expect, it } from 'vitest';
import { aggregateConnections, connectionsOf, endpointIndex, matchConnections, mergeConnections, type Connection } from '../../../../../main/common/model/connections';
import { ProjectDocumentSchema, emptyProject } from '../../../../../main/common/model/project';
import { makeServer } from '../../../../helpers/plan-fixtures';

const c = (src: string, dst: string, port: number, over: Partial<Connection> = {}): Connection => ({ source: { name: src }, destination: { name: dst }, port, protocol: 'tcp', importId: 'i1', file: 'f.csv', row: 2, count: 1, ...over });

describe('connections model', () => {
  it('a project file without connections parses with an empty list (same schema version)', () => {
    const doc = emptyProject({ id: 'p', name: 'P', now: '2026-11-22T00:00:00Z' });
    const inventory: Partial<typeof doc.inventory> = { ...doc.inventory };
    delete inventory.connections;
    const parsed = ProjectDocumentSchema.parse({ ...doc, inventory });
    expect(parsed.inventory.connections).toEqual([]);
    expect(parsed.schemaVersion).toBe(2);
  });

  it('folds time-slot rows into one dependency and merges re-imports without duplicates', () => {
    const rows = [c('WEB01', 'APP01', 80, { firstSeen: '2026-11-20T06:00:00.000Z', lastSeen: '2026-11-20T12:00:00.000Z' }), c('web01', 'app01', 80, { row: 3, firstSeen: '2026-11-20T00:00:00.000Z', lastSeen: '2026-11-20T06:00:00.000Z' }), c('WEB01', 'APP01', 443)];
    const agg = aggregateConnections(rows);
    expect(agg).toHaveLength(2);
    expect(agg[0]).toMatchObject({ count: 2, row: 2, firstSeen: '2026-11-20T00:00:00.000Z', lastSeen: '2026-11-20T12:00:00.000Z' });
    const m1 = mergeConnections([], rows);
    const m2 = mergeConnections(m1.connections, rows.map((r) => ({ ...r, importId: 'i2' })));
    expect(m2).toMatchObject({ added: 0, updated: 2 });
    expect(m2.connections).toHaveLength(2);
    expect(m2.connections[0]).toMatchObject({ count: 2, importId: 'i2' });
  });

  it('matches by name (case, FQDN or short) or IP; an ambiguous name matches nothing', () => {
    const servers = [
      makeServer('a', { name: 'APP01', identity: { fqdn: 'app01.corp.example.com' }, nics: [{ ipv4: ['10.0.0.1'], ipv6: [] }] }),
      makeServer('b', { name: 'DB01.corp.example.com' }),
      makeServer('x1', { name: 'DUP' }),
      makeServer('x2', { name: 'dup' }),
    ];
    const idx = endpointIndex(servers);
    expect(idx.match({ name: 'app01' })).toBe('a');
    expect(idx.match({ name: 'APP01.other.example.org' })).toBe('a');
    expect(idx.match({ name: 'db01' })).toBe('b');
    expect(idx.match({ ip: '10.0.0.1' })).toBe('a');
    expect(idx.match({ name: 'dup' })).toBeUndefined();
    const { connections, unmatched } = matchConnections([c('app01', 'db01', 1433), c('app01', 'ghost', 80)], servers);
    expect(connections[0]).toMatchObject({ source: { serverId: 'a' }, destination: { serverId: 'b' } });
    expect([...unmatched]).toEqual([['ghost', 1]]);
    const names = new Map(servers.map((s) => [s.id, s.name]));
    expect(connectionsOf('a', connections, names).map((r) => [r.direction, r.peer, r.port])).toEqual([['out', 'DB01.corp.example.com', 1433], ['out', 'ghost', 80]]);
    expect(connectionsOf('b', connections, names).map((r) => [r.direction, r.peer, r.port])).toEqual([['in', 'APP01', 1433]]);
  });
});
