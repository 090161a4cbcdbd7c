import type { Server } from '../model/server';
import type { Connection } from '../model/connections';

export type SuggestionBasis = 'folder' | 'tag' | 'name';

/** A proposed application: its servers already split into launch groups (database → application → web → other). */
export interface GroupingSuggestion {
  key: string;
  name: string;
  groups: { name: string; serverIds: string[] }[];
  serverCount: number;
}

const TIERS: { name: string; re: RegExp }[] = [
  { name: 'Database', re: /\b(db|sql|database|ora|pg|mysql|mongo)\d*\b|db\d|sql\d|database/i },
  { name: 'Application', re: /\b(app|api|svc|service|mq|etl|batch)\d*\b|app\d|api\d/i },
  { name: 'Web', re: /\b(web|wfe|www|fe|proxy|nginx|iis)\d*\b|web\d|wfe\d/i },
];

function tierOf(server: Server): number {
  const tierTag = server.tags.Tier ?? server.tags.tier ?? server.tags.Role ?? '';
  const text = `${tierTag} ${server.name.replace(/[-_.]/g, ' ')}`;
  const i = TIERS.findIndex((t) => t.re.test(text));
  return i < 0 ? TIERS.length : i;
}

/** The naming pattern of a server: its name up to the first separator or digit run (SHOP-DB01 → SHOP). */
export function namePrefix(name: string): string {
  const m = /^([A-Za-z]+?)(?=[-_.\d]|$)/.exec(name);
  return (m?.[1] ?? name).toUpperCase();
}

/**
 * Proposes applications from what the inventory already says: the VM folder, a tag, or the
 * naming pattern. Only servers not yet in a group are proposed; groups with one server are
 * dropped (they are not an application).
 */
export function suggestApplications(servers: readonly Server[], basis: SuggestionBasis, opts: { tagKey?: string; placed?: ReadonlySet<string>; minServers?: number } = {}): GroupingSuggestion[] {
  const min = opts.minServers ?? 2;
  const buckets = new Map<string, Server[]>();
  for (const s of servers) {
    if (opts.placed?.has(s.id)) continue;
    const key = basis === 'folder' ? s.place.folder : basis === 'tag' ? (opts.tagKey ? s.tags[opts.tagKey] : undefined) : namePrefix(s.name);
    if (!key) continue;
    const list = buckets.get(key) ?? [];
    list.push(s);
    buckets.set(key, list);
  }
  const out: GroupingSuggestion[] = [];
  for (const [key, list] of buckets) {
    if (list.length < min) continue;
    const byTier = new Map<number, string[]>();
    for (const s of [...list].sort((a, b) => a.name.localeCompare(b.name))) {
      const t = tierOf(s);
      // push, not spread: one bucket can hold thousands of servers.
      const ids = byTier.get(t);
      if (ids) ids.push(s.id);
      else byTier.set(t, [s.id]);
    }
    const groups = [...byTier.entries()].sort(([a], [b]) => a - b).map(([t, ids]) => ({ name: TIERS[t]?.name ?? 'Other', serverIds: ids }));
    const name = basis === 'folder' ? key.split('/').filter(Boolean).pop() ?? key : key;
    out.push({ key, name, groups, serverCount: list.length });
  }
  return out.sort((a, b) => b.serverCount - a.serverCount || a.name.localeCompare(b.name));
}

/** Tag keys present in the inventory, most common first (for the "by tag" choice). */
export function tagKeys(servers: readonly Server[]): string[] {
  const counts = new Map<string, number>();
  for (const s of servers) for (const k of Object.keys(s.tags)) counts.set(k, (counts.get(k) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([k]) => k);
}

/** Ports of shared infrastructure (DNS, Kerberos, NTP, LDAP, LDAPS, SMB, global catalog): servers only listening on these are not part of an application. */
export const INFRA_PORTS: ReadonlySet<number> = new Set([53, 88, 123, 389, 636, 445, 3268]);

export interface DependencyOptions {
  placed?: ReadonlySet<string>;
  minServers?: number;
  /** A server with at least this many peers is a hub… */
  hubMinPeers?: number;
  /** …when those peers are at least this share of all servers with dependency data. */
  hubShare?: number;
}

/** A server the dependency suggestion leaves out, with the reason shown to the user. */
export interface LeftOut {
  serverId: string;
  name: string;
  reason: string;
}

export interface DependencySuggestions {
  suggestions: GroupingSuggestion[];
  leftOut: LeftOut[];
  /** The hub rule in words, for the dialog. */
  rule: string;
}

/** Strongly connected components (iterative Tarjan); returns a component index per node. */
function sccs(n: number, out: readonly number[][]): number[] {
  const index = new Array<number>(n).fill(-1);
  const low = new Array<number>(n).fill(0);
  const onStack = new Array<boolean>(n).fill(false);
  const comp = new Array<number>(n).fill(-1);
  const stack: number[] = [];
  let next = 0;
  let c = 0;
  for (let root = 0; root < n; root++) {
    if (index[root] !== -1) continue;
    const work: [number, number][] = [[root, 0]];
    while (work.length) {
      const top = work[work.length - 1]!;
      const [v, i] = top;
      if (i === 0) {
        index[v] = low[v] = next++;
        stack.push(v);
        onStack[v] = true;
      }
      const edges = out[v]!;
      if (i < edges.length) {
        top[1] = i + 1;
        const w = edges[i]!;
        if (index[w] === -1) work.push([w, 0]);
        else if (onStack[w]) low[v] = Math.min(low[v]!, index[w]!);
        continue;
      }
      work.pop();
      if (work.length) {
        const parent = work[work.length - 1]![0];
        low[parent] = Math.min(low[parent]!, low[v]!);
      }
      if (low[v] === index[v]) {
        let w: number;
        do {
          w = stack.pop()!;
          onStack[w] = false;
          comp[w] = c;
        } while (w !== v);
        c++;
      }
    }
  }
  return comp;
}

/**
 * Proposes applications from observed network dependencies: servers that talk to each other form
 * one application (connected components), shared infrastructure left out. The launch order comes
 * from the direction of the connections: what is called (databases) launches before its callers;
 * servers calling each other in a cycle share one launch group.
 *
 * Left out: (a) infrastructure, a server every connection into which is on an infrastructure port
 * (INFRA_PORTS) and that calls no other port itself; then (b) hubs, a server with at least
 * `hubMinPeers` (5) non-infrastructure peers that are at least `hubShare` (25 %) of the
 * non-infrastructure servers with dependency data.
 */
export function suggestByDependencies(servers: readonly Server[], connections: readonly Connection[], opts: DependencyOptions = {}): DependencySuggestions {
  const min = opts.minServers ?? 2;
  const hubMinPeers = opts.hubMinPeers ?? 5;
  const hubShare = opts.hubShare ?? 0.25;
  const rule = `Left out: servers reached only on infrastructure ports ${[...INFRA_PORTS].join('/')}, and hubs (${hubMinPeers}+ peers that are ${Math.round(hubShare * 100)}%+ of the servers with dependency data).`;
  const byId = new Map(servers.map((s) => [s.id, s]));
  const peers = new Map<string, Set<string>>();
  const inPorts = new Map<string, Set<number>>();
  const outPorts = new Map<string, Set<number>>();
  const edges: [string, string][] = [];
  const addTo = <T,>(m: Map<string, Set<T>>, k: string, v: T) => {
    const set = m.get(k) ?? new Set<T>();
    set.add(v);
    m.set(k, set);
  };
  for (const c of connections) {
    const a = c.source.serverId;
    const b = c.destination.serverId;
    if (!a || !b || a === b || !byId.has(a) || !byId.has(b)) continue;
    addTo(peers, a, b);
    addTo(peers, b, a);
    addTo(inPorts, b, c.port);
    addTo(outPorts, a, c.port);
    edges.push([a, b]);
  }
  const leftOut: LeftOut[] = [];
  const excluded = new Set<string>();
  // Infrastructure first: reached only on infrastructure ports, calling nothing else.
  for (const [id, ps] of peers) {
    const ins = inPorts.get(id);
    const outs = [...(outPorts.get(id) ?? [])];
    if (ins && [...ins].every((p) => INFRA_PORTS.has(p)) && outs.every((p) => INFRA_PORTS.has(p))) {
      excluded.add(id);
      const ports = [...ins].sort((x, y) => x - y);
      leftOut.push({ serverId: id, name: byId.get(id)!.name, reason: `infrastructure: ${ps.size} peer${ps.size === 1 ? '' : 's'}, reached only on port${ports.length === 1 ? '' : 's'} ${ports.join(', ')}` });
    }
  }
  // Then hubs, counting only peers that are not infrastructure (an app server is not a hub because it also asks DNS).
  const counted = [...peers.keys()].filter((id) => !excluded.has(id));
  for (const id of counted) {
    const n = [...peers.get(id)!].filter((p) => !excluded.has(p)).length;
    if (n >= hubMinPeers && n >= hubShare * counted.length) {
      leftOut.push({ serverId: id, name: byId.get(id)!.name, reason: `hub: ${n} peers` });
    }
  }
  for (const l of leftOut) excluded.add(l.serverId);
  // Graph among the servers still in play (not excluded, not already in an application).
  const ids = [...peers.keys()].filter((id) => !excluded.has(id) && !opts.placed?.has(id)).sort((x, y) => byId.get(x)!.name.localeCompare(byId.get(y)!.name) || x.localeCompare(y));
  const at = new Map(ids.map((id, i) => [id, i]));
  const out: number[][] = ids.map(() => []);
  const undirected: number[][] = ids.map(() => []);
  const seen = new Set<string>();
  for (const [a, b] of edges) {
    const i = at.get(a);
    const j = at.get(b);
    if (i === undefined || j === undefined) continue;
    const k = `${i}>${j}`;
    if (seen.has(k)) continue;
    seen.add(k);
    out[i]!.push(j);
    undirected[i]!.push(j);
    undirected[j]!.push(i);
  }
  // Connected components (undirected).
  const compOf = new Array<number>(ids.length).fill(-1);
  const components: number[][] = [];
  for (let r = 0; r < ids.length; r++) {
    if (compOf[r] !== -1) continue;
    const list = [r];
    compOf[r] = components.length;
    for (let q = 0; q < list.length; q++) {
      for (const w of undirected[list[q]!]!) {
        if (compOf[w] !== -1) continue;
        compOf[w] = components.length;
        list.push(w);
      }
    }
    components.push(list.sort((x, y) => x - y));
  }
  const scc = sccs(ids.length, out);
  // Launch layer of each strongly connected component: 0 when it calls nothing, else one more than its deepest callee.
  const sccCount = Math.max(-1, ...scc) + 1;
  const sccOut: Set<number>[] = Array.from({ length: sccCount }, () => new Set());
  for (let i = 0; i < ids.length; i++) for (const j of out[i]!) if (scc[i] !== scc[j]) sccOut[scc[i]!]!.add(scc[j]!);
  const layer = new Array<number>(sccCount).fill(-1);
  const layerOf = (root: number): number => {
    // Tarjan numbers components in reverse topological order (callees first), so one pass suffices.
    const lv = layer[root]!;
    if (lv >= 0) return lv;
    let m = 0;
    for (const w of sccOut[root]!) m = Math.max(m, layer[w]! + 1);
    layer[root] = m;
    return m;
  };
  for (let k = 0; k < sccCount; k++) layerOf(k);
  const suggestions: GroupingSuggestion[] = [];
  const entries: string[] = [];
  for (const comp of components) {
    if (comp.length < min) continue;
    const byLayer = new Map<number, Server[]>();
    for (const i of comp) {
      const l = layer[scc[i]!]!;
      const list = byLayer.get(l);
      if (list) list.push(byId.get(ids[i]!)!);
      else byLayer.set(l, [byId.get(ids[i]!)!]);
    }
    const used = new Map<string, number>();
    const groups = [...byLayer.entries()]
      .sort(([a], [b]) => a - b)
      .map(([, ss], n) => {
        // Named by tier when every server of the step agrees (Database, Application, Web), else by position.
        const tiers = new Set(ss.map(tierOf));
        const base = (tiers.size === 1 ? TIERS[[...tiers][0]!]?.name : undefined) ?? `Launch step ${n + 1}`;
        const k = (used.get(base) ?? 0) + 1;
        used.set(base, k);
        return { name: k > 1 ? `${base} ${k}` : base, serverIds: ss.map((s) => s.id) };
      });
    const members = comp.map((i) => byId.get(ids[i]!)!);
    const prefixes = new Map<string, number>();
    for (const s of members) prefixes.set(namePrefix(s.name), (prefixes.get(namePrefix(s.name)) ?? 0) + 1);
    const [prefix, count] = [...prefixes.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]!;
    // The entry point: the first server of the last launch step (what users reach).
    const entry = byId.get(groups[groups.length - 1]!.serverIds[0]!)!.name;
    const name = count * 2 > members.length ? prefix : `${entry} and ${members.length - 1} connected`;
    suggestions.push({ key: `deps:${ids[comp[0]!]}`, name, groups, serverCount: members.length });
    entries.push(entry);
  }
  // Two applications with the same naming prefix are told apart by their entry point.
  const counts = new Map<string, number>();
  for (const s of suggestions) counts.set(s.name, (counts.get(s.name) ?? 0) + 1);
  suggestions.forEach((s, i) => {
    if ((counts.get(s.name) ?? 0) > 1) s.name = `${s.name} (${entries[i]})`;
  });
  suggestions.sort((a, b) => b.serverCount - a.serverCount || a.name.localeCompare(b.name));
  leftOut.sort((a, b) => a.name.localeCompare(b.name));
  return { suggestions, leftOut, rule };
}
