import { z } from 'zod';
import type { Server } from './server';

/**
 * Observed network dependencies between servers (discovery data such as Azure Migrate's agentless
 * dependency export). One entry is one dependency (source endpoint → destination endpoint:port),
 * with the time-slot rows of the export folded into a count and a first/last seen time.
 */

/** One side of a connection: the inventory server when matched, and what the source file said. */
export const EndpointSchema = z.object({
  /** Inventory server id when the name or IP matched one. */
  serverId: z.string().optional(),
  name: z.string().optional(),
  ip: z.string().optional(),
  process: z.string().optional(),
  application: z.string().optional(),
});
export type Endpoint = z.infer<typeof EndpointSchema>;

export const ConnectionSchema = z.object({
  source: EndpointSchema,
  destination: EndpointSchema,
  port: z.number().int().min(0).max(65535),
  protocol: z.enum(['tcp', 'udp']).default('tcp'),
  /** Provenance: the import, file and first row that reported it. */
  importId: z.string(),
  file: z.string(),
  row: z.number().int().nonnegative(),
  firstSeen: z.string().optional(),
  lastSeen: z.string().optional(),
  /** How many rows (time slots) reported this dependency. */
  count: z.number().int().positive().default(1),
});
export type Connection = z.infer<typeof ConnectionSchema>;

const lc = (v: string | undefined) => (v ?? '').trim().toLowerCase();

/** Same dependency = same endpoints (name or IP, process), port and protocol; time slots do not matter. */
export function connectionKey(c: Pick<Connection, 'source' | 'destination' | 'port' | 'protocol'>): string {
  const ep = (e: Endpoint) => `${lc(e.name) || lc(e.ip)}|${lc(e.ip)}|${lc(e.process)}`;
  return `${ep(c.source)}>${ep(c.destination)}:${c.port}/${c.protocol}`;
}

const earlier = (a: string | undefined, b: string | undefined) => (!a ? b : !b ? a : a < b ? a : b);
const later = (a: string | undefined, b: string | undefined) => (!a ? b : !b ? a : a > b ? a : b);

/** Folds rows of one dependency together (counts add, the seen window widens). */
export function foldConnection(prev: Connection, next: Connection): Connection {
  const out: Connection = { ...prev, count: prev.count + next.count };
  const first = earlier(prev.firstSeen, next.firstSeen);
  const last = later(prev.lastSeen, next.lastSeen);
  if (first) out.firstSeen = first;
  if (last) out.lastSeen = last;
  for (const side of ['source', 'destination'] as const) out[side] = { ...next[side], ...prev[side] };
  return out;
}

/** Collapses repeated rows (one per time slot) into one entry per dependency, keeping order of first appearance. */
export function aggregateConnections(rows: readonly Connection[]): Connection[] {
  const byKey = new Map<string, Connection>();
  for (const r of rows) {
    const k = connectionKey(r);
    const prev = byKey.get(k);
    byKey.set(k, prev ? foldConnection(prev, r) : r);
  }
  return [...byKey.values()];
}

export interface ConnectionMerge {
  connections: Connection[];
  added: number;
  updated: number;
}

/**
 * Merges a re-import into the project's connections: a dependency seen before is not duplicated.
 * A newer export of the same period reports the same slots again, so counts and the seen window
 * come from the newer import rather than being added up; provenance moves to the newer import.
 */
export function mergeConnections(existing: readonly Connection[], incoming: readonly Connection[]): ConnectionMerge {
  const index = new Map<string, number>();
  existing.forEach((c, i) => index.set(connectionKey(c), i));
  const out = existing.slice();
  let added = 0;
  let updated = 0;
  for (const inc of aggregateConnections(incoming)) {
    const i = index.get(connectionKey(inc));
    if (i === undefined) {
      index.set(connectionKey(inc), out.push(inc) - 1);
      added++;
    } else {
      const prev = out[i]!;
      const next: Connection = { ...inc, count: Math.max(prev.count, inc.count) };
      const first = earlier(prev.firstSeen, inc.firstSeen);
      const last = later(prev.lastSeen, inc.lastSeen);
      if (first) next.firstSeen = first;
      if (last) next.lastSeen = last;
      out[i] = next;
      updated++;
    }
  }
  return { connections: out, added, updated };
}

/** Finds inventory servers by name (case-insensitive; FQDN or short name) or by IP address. */
export interface EndpointIndex {
  match(e: Endpoint): string | undefined;
}

const shortName = (n: string) => n.split('.')[0]!;

export function endpointIndex(servers: readonly Server[]): EndpointIndex {
  const byName = new Map<string, string | null>();
  const byIp = new Map<string, string | null>();
  // A name or IP two servers share is ambiguous: it matches neither (null) rather than a guess.
  const put = (m: Map<string, string | null>, k: string, id: string) => {
    if (!k) return;
    const prev = m.get(k);
    m.set(k, prev === undefined || prev === id ? id : null);
  };
  for (const s of servers) {
    const names = new Set([lc(s.name), lc(s.identity.fqdn), lc(s.identity.hostName)].filter(Boolean));
    for (const n of [...names]) names.add(shortName(n));
    for (const n of names) put(byName, n, s.id);
    for (const nic of s.nics) for (const ip of [...nic.ipv4, ...nic.ipv6]) put(byIp, lc(ip), s.id);
  }
  return {
    match(e) {
      const n = lc(e.name);
      if (n) {
        const hit = byName.get(n) ?? byName.get(shortName(n));
        if (hit) return hit;
      }
      const ip = lc(e.ip);
      return ip ? byIp.get(ip) ?? undefined : undefined;
    },
  };
}

/** Resolves (or re-resolves) every endpoint against the inventory; returns the connections and the unmatched endpoint labels with counts. */
export function matchConnections(connections: readonly Connection[], servers: readonly Server[]): { connections: Connection[]; unmatched: Map<string, number> } {
  const index = endpointIndex(servers);
  const unmatched = new Map<string, number>();
  // One label per endpoint however the export spells its case (APP01, app01).
  const spelled = new Map<string, string>();
  const resolve = (e: Endpoint): Endpoint => {
    const id = index.match(e);
    const { serverId: _old, ...rest } = e;
    if (!id) {
      const raw = e.name || e.ip || '(no name or IP)';
      const label = spelled.get(raw.toLowerCase()) ?? raw;
      spelled.set(raw.toLowerCase(), label);
      unmatched.set(label, (unmatched.get(label) ?? 0) + 1);
      return rest;
    }
    return { ...rest, serverId: id };
  };
  return { connections: connections.map((c) => ({ ...c, source: resolve(c.source), destination: resolve(c.destination) })), unmatched };
}

/** A server's connections as the detail panel lists them: direction, peer, port. */
export interface ServerConnectionRow {
  direction: 'in' | 'out';
  peer: string;
  peerServerId?: string;
  port: number;
  protocol: string;
  process?: string;
  count: number;
}

export function connectionsOf(serverId: string, connections: readonly Connection[], names: ReadonlyMap<string, string>): ServerConnectionRow[] {
  const rows: ServerConnectionRow[] = [];
  const label = (e: Endpoint) => (e.serverId ? names.get(e.serverId) : undefined) ?? e.name ?? e.ip ?? '?';
  for (const c of connections) {
    if (c.source.serverId === serverId) {
      const row: ServerConnectionRow = { direction: 'out', peer: label(c.destination), port: c.port, protocol: c.protocol, count: c.count };
      if (c.destination.serverId) row.peerServerId = c.destination.serverId;
      if (c.source.process) row.process = c.source.process;
      rows.push(row);
    }
    if (c.destination.serverId === serverId) {
      const row: ServerConnectionRow = { direction: 'in', peer: label(c.source), port: c.port, protocol: c.protocol, count: c.count };
      if (c.source.serverId) row.peerServerId = c.source.serverId;
      if (c.destination.process) row.process = c.destination.process;
      rows.push(row);
    }
  }
  return rows.sort((a, b) => (a.direction === b.direction ? a.peer.localeCompare(b.peer) || a.port - b.port : a.direction === 'in' ? -1 : 1));
}
