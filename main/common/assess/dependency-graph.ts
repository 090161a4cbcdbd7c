import type { Server } from '../model/server';
import type { Connection, Endpoint } from '../model/connections';
import type { Application } from '../model/planning';

/**
 * The dependency map: one graph of servers and the ports between them, built from the observed
 * connections (imported dependency exports, later live discovery). Pure and deterministic: the
 * same inputs give the same nodes, edges and positions, so the screen can be tested and diffed.
 *
 * Nodes are inventory servers that take part in at least one connection, plus endpoints the
 * inventory does not know (matched by neither name nor IP). Edges are one per direction between
 * two nodes, carrying every port seen and the number of dependencies and time slots behind it.
 */

/** Filter value for "servers in no application". */
export const UNPLANNED = ':unplanned';

export interface GraphFilters {
  /** An application id (its servers and everything they talk to), UNPLANNED, or empty for all. */
  application?: string;
  /** Only connections on this port. */
  port?: number;
  /** Include endpoints that match no inventory server (default true). */
  unmatched?: boolean;
}

export type GraphNodeKind = 'server' | 'unmatched';

export interface GraphNode {
  /** `s:<serverId>` for a server, `u:<endpoint>` for an endpoint outside the inventory. */
  id: string;
  kind: GraphNodeKind;
  label: string;
  serverId?: string;
  /** The application the server is in (planning), if any. */
  applicationId?: string;
  /** The cluster it is drawn in: an application id, UNPLANNED, or UNMATCHED_CLUSTER. */
  cluster: string;
  x: number;
  y: number;
  /** Distinct peers in the filtered graph. */
  peers: number;
}

export interface GraphEdge {
  /** `<source node id>><target node id>`. */
  id: string;
  source: string;
  target: string;
  /** Ports seen, ascending (with protocol when not TCP: `53/udp`). */
  ports: string[];
  /** Dependencies behind the edge (distinct process/port pairs). */
  dependencies: number;
  /** Time slots (rows of the export) that reported them. */
  observations: number;
}

export interface GraphCluster {
  id: string;
  label: string;
  x: number;
  y: number;
  width: number;
  height: number;
  nodeCount: number;
}

export interface DependencyGraph {
  nodes: GraphNode[];
  edges: GraphEdge[];
  clusters: GraphCluster[];
  /** Every port in the project's connections (not just the filtered ones), with how many dependencies use it: the port filter's choices. */
  ports: { port: number; dependencies: number }[];
  /** Dependencies in the project, and those the filters kept. */
  totalDependencies: number;
  shownDependencies: number;
  /** Connections of a server with itself (not drawn). */
  selfConnections: number;
}

export const UNMATCHED_CLUSTER = ':unmatched';
export const NODE_WIDTH = 180;
export const NODE_HEIGHT = 40;
const GAP_X = 30;
const GAP_Y = 30;
const CLUSTER_PAD = 24;
const CLUSTER_HEAD = 32;
const CLUSTER_GAP = 60;
/** Clusters wrap to a new row past this width. */
const ROW_WIDTH = 1800;


const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export function buildDependencyGraph(
  servers: readonly Server[],
  connections: readonly Connection[],
  applications: readonly Pick<Application, 'id' | 'name' | 'groups'>[],
  filters: GraphFilters = {},
): DependencyGraph {
  const known = new Map(servers.map((s) => [s.id, s]));
  const appOf = new Map<string, string>();
  for (const a of applications) for (const g of a.groups) for (const id of g.serverIds) appOf.set(id, a.id);
  const appName = new Map(applications.map((a) => [a.id, a.name]));
  const showUnmatched = filters.unmatched ?? true;
  const portCounts = new Map<number, number>();
  const nodes = new Map<string, GraphNode>();
  // Edges by source node, then target node: no key string per connection.
  const edges = new Map<GraphNode, Map<GraphNode, GraphEdge>>();
  const peerSets = new Map<GraphNode, Set<GraphNode>>();
  let shown = 0;
  let selfConnections = 0;
  // One node object per server or unknown endpoint, made on first sight and reused (100,000 connections, few endpoints).
  const serverNodes = new Map<string, GraphNode>();
  const unknownNodes = new Map<string, GraphNode>();
  const nodeOf = (e: Endpoint): GraphNode | undefined => {
    const server = e.serverId ? known.get(e.serverId) : undefined;
    if (server) {
      let n = serverNodes.get(server.id);
      if (!n) {
        const applicationId = appOf.get(server.id);
        n = { id: `s:${server.id}`, kind: 'server', label: server.name, serverId: server.id, cluster: applicationId ?? UNPLANNED, x: 0, y: 0, peers: 0 };
        if (applicationId) n.applicationId = applicationId;
        serverNodes.set(server.id, n);
      }
      return n;
    }
    const raw = e.name || e.ip;
    if (!raw) return undefined;
    let n = unknownNodes.get(raw);
    if (!n) {
      const label = raw.trim();
      if (!label) return undefined;
      // APP01 and app01 are one endpoint.
      const id = `u:${label.toLowerCase()}`;
      n = nodes.get(id) ?? { id, kind: 'unmatched', label, cluster: UNMATCHED_CLUSTER, x: 0, y: 0, peers: 0 };
      unknownNodes.set(raw, n);
    }
    return n;
  };
  const inScope = (n: GraphNode) => {
    if (!filters.application) return true;
    if (!n.serverId) return false;
    return filters.application === UNPLANNED ? n.applicationId === undefined : n.applicationId === filters.application;
  };
  const peer = (x: GraphNode, y: GraphNode) => {
    const set = peerSets.get(x);
    if (set) set.add(y);
    else peerSets.set(x, new Set([y]));
  };
  for (const c of connections) {
    portCounts.set(c.port, (portCounts.get(c.port) ?? 0) + 1);
    if (filters.port !== undefined && c.port !== filters.port) continue;
    const a = nodeOf(c.source);
    const b = nodeOf(c.destination);
    if (!a || !b) continue;
    if (!showUnmatched && (a.kind === 'unmatched' || b.kind === 'unmatched')) continue;
    // An application's view: its servers and everything they talk to, either way.
    if (!inScope(a) && !inScope(b)) continue;
    if (a.id === b.id) {
      selfConnections++;
      continue;
    }
    shown++;
    nodes.set(a.id, a);
    nodes.set(b.id, b);
    let from = edges.get(a);
    if (!from) edges.set(a, (from = new Map()));
    let e = from.get(b);
    if (!e) {
      e = { id: `${a.id}>${b.id}`, source: a.id, target: b.id, ports: [], dependencies: 0, observations: 0 };
      from.set(b, e);
      peer(a, b);
      peer(b, a);
    }
    // An edge has a handful of ports: a list beats a Set per edge (100,000 edges).
    const p = c.protocol === 'tcp' ? String(c.port) : `${c.port}/${c.protocol}`;
    if (!e.ports.includes(p)) e.ports.push(p);
    e.dependencies++;
    e.observations += c.count;
  }
  for (const [n, set] of peerSets) n.peers = set.size;
  const edgeList: GraphEdge[] = [...edges.values()]
    .flatMap((m) => [...m.values()])
    .sort((x, y) => byText(x.id, y.id));
  for (const e of edgeList) if (e.ports.length > 1) e.ports.sort((x, y) => parseInt(x, 10) - parseInt(y, 10) || byText(x, y));
  const clusters = layout([...nodes.values()], appName);
  const nodeList = [...nodes.values()].sort((x, y) => byText(x.id, y.id));
  const ports = [...portCounts.entries()].sort((x, y) => x[0] - y[0]).map(([port, dependencies]) => ({ port, dependencies }));
  return { nodes: nodeList, edges: edgeList, clusters, ports, totalDependencies: connections.length, shownDependencies: shown, selfConnections };
}

/**
 * Grouped by application: one box per application (by name), then servers in no application,
 * then endpoints outside the inventory; inside a box a near-square grid by label; boxes flow left
 * to right and wrap at ROW_WIDTH. Sets x/y on the nodes and returns the boxes.
 */
function layout(nodes: GraphNode[], appName: ReadonlyMap<string, string>): GraphCluster[] {
  const byCluster = new Map<string, GraphNode[]>();
  for (const n of nodes) {
    const list = byCluster.get(n.cluster);
    if (list) list.push(n);
    else byCluster.set(n.cluster, [n]);
  }
  const label = (id: string) => (id === UNPLANNED ? 'Not in an application' : id === UNMATCHED_CLUSTER ? 'Not in the inventory' : appName.get(id) ?? id);
  const rank = (id: string) => (id === UNMATCHED_CLUSTER ? 2 : id === UNPLANNED ? 1 : 0);
  const order = [...byCluster.keys()].sort((a, b) => rank(a) - rank(b) || label(a).localeCompare(label(b)) || byText(a, b));
  const out: GraphCluster[] = [];
  let x = 0;
  let y = 0;
  let rowHeight = 0;
  for (const id of order) {
    const list = byCluster.get(id)!.sort((a, b) => a.label.localeCompare(b.label) || byText(a.id, b.id));
    const cols = Math.max(1, Math.ceil(Math.sqrt(list.length)));
    const rows = Math.ceil(list.length / cols);
    const width = CLUSTER_PAD * 2 + cols * NODE_WIDTH + (cols - 1) * GAP_X;
    const height = CLUSTER_HEAD + CLUSTER_PAD + rows * NODE_HEIGHT + (rows - 1) * GAP_Y + CLUSTER_PAD;
    if (x > 0 && x + width > ROW_WIDTH) {
      x = 0;
      y += rowHeight + CLUSTER_GAP;
      rowHeight = 0;
    }
    list.forEach((n, i) => {
      n.x = x + CLUSTER_PAD + (i % cols) * (NODE_WIDTH + GAP_X);
      n.y = y + CLUSTER_HEAD + CLUSTER_PAD + Math.floor(i / cols) * (NODE_HEIGHT + GAP_Y);
    });
    out.push({ id, label: label(id), x, y, width, height, nodeCount: list.length });
    x += width + CLUSTER_GAP;
    rowHeight = Math.max(rowHeight, height);
  }
  return out;
}

/** The edge's ports in a few words for its label: `1433`, `80, 443`, `80, 443 +3`. */
export function portsLabel(ports: readonly string[], max = 2): string {
  return ports.length <= max ? ports.join(', ') : `${ports.slice(0, max).join(', ')} +${ports.length - max}`;
}
