import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { INFRA_PORTS, suggestByDependencies } from '../../../../../main/common/assess/grouping-suggestions';
import type { Connection } from '../../../../../main/common/model/connections';
import { makeServer } from '../../../../helpers/plan-fixtures';

const conn = (from: string, to: string, port: number): Connection => ({ source: { serverId: from, name: from }, destination: { serverId: to, name: to }, port, protocol: 'tcp', importId: 'i1', file: 'deps.csv', row: 2, count: 1 });

describe('suggestions by dependencies', () => {
  const names = ['SHOP-WEB01', 'SHOP-WEB02', 'SHOP-APP01', 'SHOP-DB01', 'HR-APP01', 'HR-DB01', 'DC01', 'NTP01', 'MON01', 'LONE01'];
  const servers = names.map((n) => makeServer(n.toLowerCase(), { name: n }));
  const edges: Connection[] = [
    conn('shop-web01', 'shop-app01', 8080),
    conn('shop-web02', 'shop-app01', 8080),
    conn('shop-app01', 'shop-db01', 5432),
    conn('hr-app01', 'hr-db01', 1433),
    // Everyone asks the domain controller: a hub that would glue both applications together.
    ...['shop-web01', 'shop-web02', 'shop-app01', 'shop-db01', 'hr-app01', 'hr-db01'].map((s) => conn(s, 'dc01', 389)),
    conn('shop-app01', 'ntp01', 123),
    conn('hr-db01', 'ntp01', 123),
    // Monitoring polls everything on an application port: a hub, not an application.
    ...['shop-web01', 'shop-web02', 'shop-app01', 'shop-db01', 'hr-app01', 'hr-db01'].map((s) => conn('mon01', s, 9100)),
  ];

  it('groups connected servers, leaves hubs and infrastructure out with the reason, and orders callees first', () => {
    const r = suggestByDependencies(servers, edges);
    expect(r.suggestions.map((s) => [s.name, s.serverCount])).toEqual([['SHOP', 4], ['HR', 2]]);
    expect(r.suggestions[0]!.groups.map((g) => g.serverIds)).toEqual([['shop-db01'], ['shop-app01'], ['shop-web01', 'shop-web02']]);
    expect(r.suggestions[0]!.groups.map((g) => g.name)).toEqual(['Database', 'Application', 'Web']);
    expect(r.suggestions[1]!.groups.map((g) => g.serverIds)).toEqual([['hr-db01'], ['hr-app01']]);
    expect(r.leftOut).toEqual([
      { serverId: 'dc01', name: 'DC01', reason: 'infrastructure: 6 peers, reached only on port 389' },
      { serverId: 'mon01', name: 'MON01', reason: 'hub: 6 peers' },
      { serverId: 'ntp01', name: 'NTP01', reason: 'infrastructure: 2 peers, reached only on port 123' },
    ]);
    expect(r.rule).toContain('53/88/123/389/636/445/3268');
  });

  it('puts servers calling each other in one launch group and skips servers already placed', () => {
    const cyc = [conn('shop-web01', 'shop-app01', 8080), conn('shop-app01', 'shop-web01', 8443), conn('shop-app01', 'shop-db01', 5432)];
    const r = suggestByDependencies(servers, cyc);
    expect(r.suggestions[0]!.groups.map((g) => g.serverIds)).toEqual([['shop-db01'], ['shop-app01', 'shop-web01']]);
    const placed = suggestByDependencies(servers, cyc, { placed: new Set(['shop-app01']) });
    expect(placed.suggestions).toEqual([]);
  });

  it('ignores endpoints that are not inventory servers', () => {
    const ext: Connection = { ...conn('shop-web01', 'x', 443), destination: { ip: '8.8.8.8' } };
    expect(suggestByDependencies(servers, [ext]).suggestions).toEqual([]);
  });

  it('property: every suggested server appears once, and no caller launches before its callee unless they form a cycle', () => {
    const n = 12;
    const pool = Array.from({ length: n }, (_, i) => makeServer(`s${i}`, { name: `SRV${String(i).padStart(2, '0')}` }));
    const ports = [80, 443, 1433, 5432, 8080, ...INFRA_PORTS];
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(n - 1), fc.nat(n - 1), fc.constantFrom(...ports)), { maxLength: 40 }), fc.subarray(pool.map((s) => s.id)), (raw, placedIds) => {
        const cs = raw.map(([a, b, p]) => conn(`s${a}`, `s${b}`, p));
        const placed = new Set(placedIds);
        const r = suggestByDependencies(pool, cs, { placed });
        const all = r.suggestions.flatMap((s) => s.groups.flatMap((g) => g.serverIds));
        expect(new Set(all).size).toBe(all.length);
        for (const id of all) expect(placed.has(id) || r.leftOut.some((l) => l.serverId === id)).toBe(false);
        const groupOf = new Map<string, [number, number]>();
        r.suggestions.forEach((s, si) => s.groups.forEach((g, gi) => g.serverIds.forEach((id) => groupOf.set(id, [si, gi]))));
        // Reachability, to tell a cycle from a plain edge.
        const reach = (from: string, to: string) => {
          const seen = new Set([from]);
          const q = [from];
          while (q.length) {
            const v = q.shift()!;
            for (const c of cs) {
              const to = c.destination.serverId!;
              if (c.source.serverId !== v || !groupOf.has(to) || seen.has(to)) continue;
              seen.add(to);
              q.push(to);
            }
          }
          return seen.has(to);
        };
        for (const c of cs) {
          const a = groupOf.get(c.source.serverId!);
          const b = groupOf.get(c.destination.serverId!);
          if (!a || !b || c.source.serverId === c.destination.serverId) continue;
          expect(a[0]).toBe(b[0]); // connected servers end up in the same application
          if (reach(c.destination.serverId!, c.source.serverId!)) expect(a[1]).toBe(b[1]);
          else expect(b[1]).toBeLessThan(a[1]);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('the demo estate', () => {
  it('carries dependency data from which the unplanned applications are suggested, with DC and monitoring left out', async () => {
    const { loadDemo } = await import('../../../../helpers/plan-fixtures');
    const demo = loadDemo();
    const placed = new Set(demo.planning.applications.flatMap((a) => a.groups.flatMap((g) => g.serverIds)));
    const r = suggestByDependencies(demo.inventory.servers, demo.inventory.connections, { placed });
    expect(r.leftOut.map((l) => `${l.name} (${l.reason})`)).toEqual(['FRA-DC13 (infrastructure: 25 peers, reached only on ports 53, 88, 389)', 'FRA-MON69 (hub: 25 peers)']);
    const name = new Map(demo.inventory.servers.map((s) => [s.id, s.name]));
    expect(r.suggestions.map((s) => [s.name, s.groups.map((g) => g.serverIds.map((id) => name.get(id)))])).toEqual([
      ['FRA (FRA-WEB11)', [['FRA-MQ24', 'FRA-SQL33'], ['FRA-APP15', 'FRA-ETL41'], ['FRA-WEB11']]],
      ['FRA (FRA-APP25)', [['FRA-SQL40'], ['FRA-APP25', 'FRA-APP45']]],
      ['FRA (FRA-WEB22)', [['FRA-SQL36'], ['FRA-RPT30'], ['FRA-WEB22']]],
    ]);
  });
});
