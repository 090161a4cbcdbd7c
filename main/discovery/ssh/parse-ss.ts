import { lines, MAX_ENTRIES } from './parse-common';

export interface Socket {
  protocol: 'tcp' | 'udp';
  state: string;
  localIp: string;
  localPort: number;
  peerIp: string;
  peerPort: number | null;
  process?: string;
}

const NETIDS = new Set(['tcp', 'udp']);

/** `127.0.0.1:22`, `[::1]:22`, `*:22`, `0.0.0.0%lo:53`, `[fe80::1]%eth0:22`, `[::ffff:10.0.0.5]:443`, `*:*`. */
export function splitEndpoint(s: string): { ip: string; port: number | null } | null {
  const i = s.lastIndexOf(':');
  if (i <= 0) return null;
  const portText = s.slice(i + 1);
  let host = s.slice(0, i);
  const port = portText === '*' ? null : /^\d{1,5}$/.test(portText) && Number(portText) <= 65535 ? Number(portText) : undefined;
  if (port === undefined) return null;
  host = host.replace(/%[^\]]*$/, '');
  if (host.startsWith('[')) {
    const end = host.indexOf(']');
    if (end < 0) return null;
    host = host.slice(1, end);
  }
  host = host.replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/i, '$1');
  if (!host || host.length > 64) return null;
  return { ip: host, port };
}

/**
 * `ss -tunapH` (Netid State Recv-Q Send-Q Local Peer Process) or `ss -Htan` (no Netid column, TCP only).
 * Rows it cannot read are left out.
 */
export function parseSs(out: string): Socket[] {
  const res: Socket[] = [];
  for (const l of lines(out)) {
    const parts = l.trim().split(/\s+/);
    let protocol: 'tcp' | 'udp' = 'tcp';
    if (NETIDS.has(parts[0]!)) protocol = parts.shift() as 'tcp' | 'udp';
    else if (/^(u_|raw|p_|nl|v_|x)/.test(parts[0]!)) continue;
    if (parts.length < 5) continue;
    const [state, , , local, peer, ...rest] = parts;
    if (!/^[A-Z][A-Z0-9-]*$/.test(state!)) continue;
    const le = splitEndpoint(local!);
    const pe = splitEndpoint(peer!);
    if (!le || le.port === null || !pe) continue;
    const s: Socket = { protocol, state: state!, localIp: le.ip, localPort: le.port, peerIp: pe.ip, peerPort: pe.port };
    const proc = /users:\(\("((?:[^"\\]|\\.){1,128})"/.exec(rest.join(' '));
    if (proc) s.process = proc[1]!;
    res.push(s);
    if (res.length >= MAX_ENTRIES) break;
  }
  return res;
}

export function isLoopback(ip: string): boolean {
  return /^127\./.test(ip) || ip === '::1' || ip === 'localhost';
}

export function isWildcard(ip: string): boolean {
  return ip === '*' || ip === '0.0.0.0' || ip === '::';
}

/** Listening TCP ports (and bound UDP ports) with their process, deduplicated across address families. */
export function listeningPorts(sockets: readonly Socket[]): { protocol: 'tcp' | 'udp'; port: number; process?: string; loopbackOnly: boolean }[] {
  const by = new Map<string, { protocol: 'tcp' | 'udp'; port: number; process?: string; loopbackOnly: boolean }>();
  for (const s of sockets) {
    const listening = s.protocol === 'tcp' ? s.state === 'LISTEN' : s.state === 'UNCONN' && s.peerPort === null;
    if (!listening) continue;
    const k = `${s.protocol}/${s.localPort}`;
    const prev = by.get(k);
    const lo = isLoopback(s.localIp);
    if (prev) {
      prev.loopbackOnly &&= lo;
      prev.process ??= s.process;
    } else by.set(k, { protocol: s.protocol, port: s.localPort, ...(s.process ? { process: s.process } : {}), loopbackOnly: lo });
  }
  return [...by.values()].sort((a, b) => a.port - b.port || a.protocol.localeCompare(b.protocol));
}
