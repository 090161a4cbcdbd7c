// The dependency map at estate scale: 20,000 servers and 100,000 observed connections (each a
// distinct pair, so 100,000 edges; 5 % to endpoints outside the inventory) built into the graph the
// Dependencies screen draws: unfiltered, by one port, and for one application. Reference in the same run: the by-dependencies grouping suggestion on the same data
// (what the Suggestions dialog already computes). Prints figures and ratios; asserts nothing.
import { buildDependencyGraph } from '../../main/common/assess/dependency-graph';
import { suggestByDependencies } from '../../main/common/assess/grouping-suggestions';
import type { Connection } from '../../main/common/model/connections';
import type { Application } from '../../main/common/model/planning';
import { makeServer } from '../helpers/plan-fixtures';

const N = Number(process.env.BENCH_SERVERS ?? 20_000);
const M = Number(process.env.BENCH_CONNECTIONS ?? 100_000);
const ROUNDS = 3;

const servers = Array.from({ length: N }, (_, i) => makeServer(`srv-${i}`, { name: `APP${String(Math.floor(i / 4)).padStart(5, '0')}-${['DB', 'APP', 'WEB', 'BAT'][i % 4]}01` }));
const at = (i: number) => ({ serverId: `srv-${i % N}`, name: servers[i % N]!.name });
const PORTS = [1433, 8080, 8443, 443, 5432, 53];
// Every connection a distinct server pair (so 100,000 connections are 100,000 edges), 5 % to endpoints outside the inventory.
const connections: Connection[] = Array.from({ length: M }, (_, d) => {
  const from = d % N;
  const to = (from + 1 + ((d * 7919 + Math.floor(d / N) * 104_729) % (N - 1))) % N;
  const destination = d % 20 === 19 ? { ip: `203.0.${(d >> 8) & 255}.${d & 255}` } : at(to);
  return { source: at(from), destination, port: PORTS[d % PORTS.length]!, protocol: 'tcp', importId: 'bench', file: 'bench.csv', row: d + 2, count: 1 + (d % 24) };
});
// A quarter of the estate already planned, in applications of 400 servers.
const applications: Pick<Application, 'id' | 'name' | 'groups'>[] = Array.from({ length: Math.floor(N / 1600) }, (_, a) => ({
  id: `app-${a}`,
  name: `Application ${a}`,
  groups: [{ id: `grp-${a}`, name: 'All', serverIds: Array.from({ length: 400 }, (_, k) => `srv-${a * 400 + k}`) }],
}));

/** Median of ROUNDS timed runs (after one warm-up), in ms. */
function time(fn: () => unknown): number {
  fn();
  const runs: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const t = performance.now();
    fn();
    runs.push(performance.now() - t);
  }
  return runs.sort((a, b) => a - b)[Math.floor(ROUNDS / 2)]!;
}

const refMs = time(() => suggestByDependencies(servers, connections));
const g = buildDependencyGraph(servers, connections, applications);
const allMs = time(() => buildDependencyGraph(servers, connections, applications));
const portMs = time(() => buildDependencyGraph(servers, connections, applications, { port: 1433 }));
const appMs = time(() => buildDependencyGraph(servers, connections, applications, { application: 'app-0', unmatched: false }));

const f = (n: number) => n.toLocaleString('en-US');
console.log(`${f(N)} servers, ${f(M)} connections; graph: ${f(g.nodes.length)} nodes, ${f(g.edges.length)} edges, ${g.clusters.length} clusters (median of ${ROUNDS})`);
console.log(`  by-dependencies suggestion (reference): ${refMs.toFixed(0)} ms`);
console.log(`  dependency graph, unfiltered:           ${allMs.toFixed(0)} ms = ${(allMs / refMs).toFixed(2)}× the suggestion`);
console.log(`  dependency graph, port 1433:            ${portMs.toFixed(0)} ms = ${(portMs / refMs).toFixed(2)}× the suggestion`);
console.log(`  dependency graph, one application:      ${appMs.toFixed(0)} ms = ${(appMs / refMs).toFixed(2)}× the suggestion`);
