import { MAX_ENTRIES, text, unreadable } from './parse-common';

export interface Interface {
  name: string;
  mac?: string;
  up: boolean;
  loopback: boolean;
  ipv4: string[];
  ipv6: string[];
}

/** `ip -j addr` (iproute2 JSON): interfaces with MAC, state and addresses (link-local IPv6 left out). */
export function parseIpAddr(out: string): Interface[] {
  let json: unknown;
  try {
    json = JSON.parse(out);
  } catch (e) {
    throw unreadable('ip -j addr', e instanceof Error ? e.message : 'not JSON');
  }
  if (!Array.isArray(json)) throw unreadable('ip -j addr', 'not a list of interfaces');
  const res: Interface[] = [];
  for (const n of json.slice(0, MAX_ENTRIES)) {
    if (typeof n !== 'object' || n === null) continue;
    const o = n as Record<string, unknown>;
    const name = text(o.ifname);
    if (!name) continue;
    const flags = Array.isArray(o.flags) ? o.flags.filter((f): f is string => typeof f === 'string') : [];
    const loopback = o.link_type === 'loopback' || flags.includes('LOOPBACK');
    const i: Interface = { name, up: flags.includes('UP') || o.operstate === 'UP', loopback, ipv4: [], ipv6: [] };
    const mac = text(o.address);
    if (mac && /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i.test(mac) && !loopback) i.mac = mac.toLowerCase();
    const infos = Array.isArray(o.addr_info) ? o.addr_info.slice(0, 256) : [];
    for (const a of infos) {
      if (typeof a !== 'object' || a === null) continue;
      const ai = a as Record<string, unknown>;
      const local = text(ai.local);
      if (!local) continue;
      if (ai.family === 'inet') i.ipv4.push(local.slice(0, 64));
      else if (ai.family === 'inet6' && ai.scope !== 'link') i.ipv6.push(local.slice(0, 64));
    }
    res.push(i);
  }
  return res;
}
