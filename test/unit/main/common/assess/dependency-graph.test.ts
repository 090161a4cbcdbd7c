import { describe, expect, it } from 'vitest';
import { buildDependencyGraph, NODE_HEIGHT, NODE_WIDTH, portsLabel, UNMATCHED_CLUSTER, UNPLANNED } from '../../../../../main/common/assess/dependency-graph';
import type { Connection } from '../../../../../main/common/model/connections';
import { loadDemo, makeServer } from '../../../../helpers/plan-fixtures';

const conn = (from: string, to: string, port: number, over: Partial<Connection> = {}): Connection => ({
  source: from.includes('.') ? { ip: from } : { serverId: from, name: from },
  destination: to.includes('.') ? { ip: to } : { serverId: to, name: to },
  port,
  protocol: 'tcp',
  importId: 'i1',
  file: 'deps.csv',
  row: 2,
  count: 1,
  ...over,
});

describe('dependency graph', () => {
  const servers = ['web01', 'app01', 'db01', 'dc01', 'lone01'].map((n) => makeServer(n, { name: n.toUpperCase() }));
  const apps = [{ id: 'app-shop', name: 'Shop', groups: [{ id: 'g1', name: 'All', serverIds: ['web01', 'app01'] }] }];
  const edges: Connection[] = [
    conn('web01', 'app01', 8080, { count: 4 }),
    conn('web01', 'app01', 8443, { count: 2 }),
    conn('web01', 'app01', 8080, { source: { serverId: 'web01', process: 'other' }, count: 1 }),
    conn('app01', 'db01', 1433),
    conn('app01', 'dc01', 53, { protocol: 'udp' }),
    conn('db01', 'dc01', 389),
    conn('app01', '203.0.113.40', 443),
    conn('db01', 'db01', 1433),
  ];

  it('has one node per server with data and per unknown endpoint, and one edge per direction with its ports and counts', () => {
    const g = buildDependencyGraph(servers, edges, apps);
    expect(g.nodes.map((n) => [n.id, n.kind, n.label, n.cluster, n.peers])).toEqual([
      ['s:app01', 'server', 'APP01', 'app-shop', 4],
      ['s:db01', 'server', 'DB01', UNPLANNED, 2],
      ['s:dc01', 'server', 'DC01', UNPLANNED, 2],
      ['s:web01', 'server', 'WEB01', 'app-shop', 1],
      ['u:203.0.113.40', 'unmatched', '203.0.113.40', UNMATCHED_CLUSTER, 1],
    ]);
    // LONE01 has no connections: not drawn. DB01 talking to itself is counted, not drawn.
    expect(g.selfConnections).toBe(1);
    const web = g.edges.find((e) => e.id === 's:web01>s:app01')!;
    expect(web).toMatchObject({ source: 's:web01', target: 's:app01', ports: ['8080', '8443'], dependencies: 3, observations: 7 });
    expect(g.edges.find((e) => e.id === 's:app01>s:dc01')!.ports).toEqual(['53/udp']);
    expect(g.edges).toHaveLength(5);
    expect(g.totalDependencies).toBe(8);
    expect(g.shownDependencies).toBe(7);
    expect(g.ports).toEqual([53, 389, 443, 1433, 8080, 8443].map((port) => ({ port, dependencies: port === 8080 ? 2 : port === 1433 ? 2 : 1 })));
  });

  it('filters by port, by application (its servers and their peers), and can leave unknown endpoints out', () => {
    const byPort = buildDependencyGraph(servers, edges, apps, { port: 1433 });
    expect(byPort.edges.map((e) => e.id)).toEqual(['s:app01>s:db01']);
    expect(byPort.ports).toHaveLength(6); // the choices do not shrink with the filter
    const shop = buildDependencyGraph(servers, edges, apps, { application: 'app-shop' });
    expect(shop.nodes.map((n) => n.id)).toEqual(['s:app01', 's:db01', 's:dc01', 's:web01', 'u:203.0.113.40']);
    expect(shop.edges.map((e) => e.id)).not.toContain('s:db01>s:dc01');
    const unplanned = buildDependencyGraph(servers, edges, apps, { application: UNPLANNED });
    expect(unplanned.edges.map((e) => e.id)).toEqual(['s:app01>s:db01', 's:app01>s:dc01', 's:db01>s:dc01']);
    const known = buildDependencyGraph(servers, edges, apps, { unmatched: false });
    expect(known.nodes.some((n) => n.kind === 'unmatched')).toBe(false);
    expect(known.shownDependencies).toBe(6);
    expect(buildDependencyGraph(servers, edges, apps, { port: 9999 })).toMatchObject({ nodes: [], edges: [], clusters: [], shownDependencies: 0 });
  });

  it('lays out by application, deterministically, without overlapping nodes', () => {
    const a = buildDependencyGraph(servers, edges, apps);
    const b = buildDependencyGraph([...servers].reverse(), [...edges].reverse(), apps);
    expect(b.nodes.map((n) => [n.id, n.x, n.y])).toEqual(a.nodes.map((n) => [n.id, n.x, n.y]));
    expect(a.clusters.map((c) => [c.label, c.nodeCount])).toEqual([['Shop', 2], ['Not in an application', 2], ['Not in the inventory', 1]]);
    for (const n of a.nodes) {
      const c = a.clusters.find((k) => k.id === n.cluster)!;
      expect(n.x).toBeGreaterThanOrEqual(c.x);
      expect(n.y).toBeGreaterThanOrEqual(c.y);
      expect(n.x + NODE_WIDTH).toBeLessThanOrEqual(c.x + c.width);
      expect(n.y + NODE_HEIGHT).toBeLessThanOrEqual(c.y + c.height);
    }
    for (let i = 0; i < a.clusters.length; i++)
      for (let j = i + 1; j < a.clusters.length; j++) {
        const [p, q] = [a.clusters[i]!, a.clusters[j]!];
        const apart = p.x + p.width <= q.x || q.x + q.width <= p.x || p.y + p.height <= q.y || q.y + q.height <= p.y;
        expect(apart).toBe(true);
      }
  });

  it('draws the demo estate: every observed dependency between two distinct endpoints is on an edge', () => {
    const demo = loadDemo();
    const g = buildDependencyGraph(demo.inventory.servers, demo.inventory.connections, demo.planning.applications);
    expect(g.totalDependencies).toBe(demo.inventory.connections.length);
    expect(g.shownDependencies + g.selfConnections).toBe(demo.inventory.connections.length);
    expect(g.edges.reduce((n, e) => n + e.dependencies, 0)).toBe(g.shownDependencies);
    const ids = new Set(g.nodes.map((n) => n.id));
    expect(g.edges.every((e) => ids.has(e.source) && ids.has(e.target))).toBe(true);
    expect(new Set(g.nodes.map((n) => `${n.x},${n.y}`)).size).toBe(g.nodes.length);
  });

  it('builds 20,000 servers and 100,000 connections in reasonable time', () => {
    const n = 20_000;
    const many = Array.from({ length: n }, (_, i) => makeServer(`s${i}`, { name: `SRV${String(i).padStart(5, '0')}` }));
    const conns = Array.from({ length: 100_000 }, (_, i) => conn(`s${(i * 7) % n}`, `s${(i * 13 + 1) % n}`, [80, 443, 1433, 8080][i % 4]!));
    const t = performance.now();
    const g = buildDependencyGraph(many, conns, [{ id: 'a', name: 'A', groups: [{ id: 'g', name: 'G', serverIds: many.slice(0, 5000).map((s) => s.id) }] }]);
    const ms = performance.now() - t;
    expect(g.nodes).toHaveLength(n);
    expect(g.shownDependencies + g.selfConnections).toBe(100_000);
    // Linear work: well under a second on an idle laptop; the bound leaves room for a shared, loaded CI machine (figures: test/bench/dependency-graph.bench.ts).
    expect(ms).toBeLessThan(30_000);
  });

  it('shows a server no longer in the inventory as an endpoint outside it, folds spellings, and skips endpoints with neither name nor IP', () => {
    const odd: Connection[] = [
      conn('web01', 'app01', 80, { destination: { serverId: 'gone01', name: 'GONE01' } }),
      conn('web01', 'app01', 443, { destination: { name: 'gone01' } }),
      conn('web01', 'app01', 22, { destination: { name: '  ' } }),
      conn('web01', 'app01', 23, { source: {} }),
    ];
    const g = buildDependencyGraph(servers, odd, apps);
    expect(g.nodes.map((n) => [n.id, n.kind, n.label])).toEqual([
      ['s:web01', 'server', 'WEB01'],
      ['u:gone01', 'unmatched', 'GONE01'],
    ]);
    expect(g.edges).toEqual([{ id: 's:web01>u:gone01', source: 's:web01', target: 'u:gone01', ports: ['80', '443'], dependencies: 2, observations: 2 }]);
    expect(g.shownDependencies).toBe(2);
    expect(g.totalDependencies).toBe(4);
  });

  it('says the ports in a few words', () => {
    expect(portsLabel(['1433'])).toBe('1433');
    expect(portsLabel(['80', '443'])).toBe('80, 443');
    expect(portsLabel(['80', '443', '8080', '8443'])).toBe('80, 443 +2');
  });
});
