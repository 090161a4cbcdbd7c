import { lines, MAX_TEXT, unreadable } from './parse-common';
import { fqdnFromHosts } from './parse-proc';

/**
 * Pure parsers of configuration files read over SFTP: `/etc/resolv.conf`, the FQDN as far as files say it
 * (`fqdnFromFiles`), and systemd unit files (`unitDescription`). Like the other parsers they return bounded results
 * or throw `ssh-output-unreadable`.
 */

/** Most bytes of one configuration file looked at (a unit file, resolv.conf). */
const MAX_CONFIG_TEXT = 256 * 1024;
/** A DNS name: labels of letters, digits, `-` and `_`, at most 63 each, 253 in all. */
const DNS_NAME = /^(?=.{1,253}$)[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?(?:\.[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)*$/;

export interface ResolvConf {
  /** The search list (`search`, or the one domain of `domain`; the later of the two lines wins, as in glibc). */
  search: string[];
  /** `options ndots:N` (default 1, at most 15 as glibc caps it). */
  ndots: number;
}

/** `/etc/resolv.conf` as glibc's resolver reads it: `search`/`domain` (the last one wins) and `options ndots:N`. */
export function parseResolvConf(out: string): ResolvConf {
  let search: string[] = [];
  let ndots = 1;
  for (const l of lines(out.slice(0, MAX_CONFIG_TEXT), 10_000)) {
    const p = l.trim().split(/\s+/);
    const key = p[0]!;
    if (key.startsWith('#') || key.startsWith(';')) continue;
    if (key === 'search' || key === 'domain') {
      search = p
        .slice(1, key === 'domain' ? 2 : 33)
        .map((d) => d.replace(/\.$/, ''))
        .filter((d) => DNS_NAME.test(d));
    } else if (key === 'options') {
      for (const o of p.slice(1)) {
        const m = /^ndots:(\d{1,3})$/.exec(o);
        if (m) ndots = Math.min(15, Number(m[1]));
      }
    }
  }
  return { search, ndots };
}

/** What the FQDN was read from, as the provenance and the README name it. */
export type FqdnSource = '/etc/hosts' | '/proc/sys/kernel/hostname' | '/etc/hostname' | '/etc/resolv.conf search' | '/proc/sys/kernel/domainname';

export interface FqdnFiles {
  /** The kernel's host name (`/proc/sys/kernel/hostname`). */
  hostname: string;
  hosts?: string;
  etcHostname?: string;
  resolvConf?: string;
  /** `/proc/sys/kernel/domainname`: the NIS/YP domain, `(none)` when unset. */
  domainname?: string;
}

/**
 * The FQDN as far as the host's files say it, in the order `hostname -f` (with the usual `hosts: files dns`) would
 * find it: the canonical name of the `/etc/hosts` line that lists the host name (then DNS is never asked, so a name
 * without a dot there is the answer too); else a kernel host name that already has a dot (DNS would be asked for it
 * as it is); else `/etc/hostname` when it is the host name with a domain; else the host name under the first
 * `search` (or `domain`) entry of `/etc/resolv.conf`, the first name the resolver asks DNS for when the name has
 * fewer dots than `ndots`; else the host name under the NIS domain name when it looks like a DNS domain (`hostname
 * -f` does not use it; it is the last hint the files give). DNS itself is not asked: without a shell nothing on
 * the host can.
 */
export function fqdnFromFiles(f: FqdnFiles): { fqdn: string; source: FqdnSource } | undefined {
  const host = f.hostname.trim().toLowerCase();
  if (!DNS_NAME.test(host)) return undefined;
  const fromHosts = f.hosts !== undefined ? fqdnFromHosts(f.hosts.slice(0, 4 * 1024 * 1024), host) : undefined;
  if (fromHosts && DNS_NAME.test(fromHosts)) return { fqdn: fromHosts, source: '/etc/hosts' };
  if (host.includes('.')) return { fqdn: host, source: '/proc/sys/kernel/hostname' };
  const etc = f.etcHostname
    ?.split(/\r?\n/)
    .map((l) => l.replace(/#.*/, '').trim())
    .find(Boolean)
    ?.toLowerCase();
  if (etc && DNS_NAME.test(etc) && etc.startsWith(`${host}.`)) return { fqdn: etc, source: '/etc/hostname' };
  if (f.resolvConf !== undefined) {
    const r = parseResolvConf(f.resolvConf);
    const join = r.search[0] ? `${host}.${r.search[0].toLowerCase()}` : undefined;
    // A name with no dot has fewer than ndots (≥ 1) dots: the search list is tried before the name alone. With
    // `ndots:0` the bare name goes first, and what DNS answers for it cannot be known here.
    if (join && r.ndots > 0 && DNS_NAME.test(join)) return { fqdn: join, source: '/etc/resolv.conf search' };
  }
  const nis = f.domainname?.trim().toLowerCase();
  if (nis && nis !== '(none)' && nis.includes('.') && DNS_NAME.test(`${host}.${nis}`)) return { fqdn: `${host}.${nis}`, source: '/proc/sys/kernel/domainname' };
  return undefined;
}

/** A unit name's parts: `getty@tty1.service` → prefix `getty`, instance `tty1`, suffix `service`. */
function unitParts(unit: string): { prefix: string; instance?: string; suffix: string } {
  const dot = unit.lastIndexOf('.');
  const base = dot > 0 ? unit.slice(0, dot) : unit;
  const suffix = dot > 0 ? unit.slice(dot + 1) : '';
  const at = base.indexOf('@');
  return at >= 0 ? { prefix: base.slice(0, at), instance: base.slice(at + 1), suffix } : { prefix: base, suffix };
}

/** systemd's unescaping of a unit name part (`unit_name_unescape`): `-` is `/`, `\xNN` a byte. */
function unescapeUnitPart(s: string): string {
  return s.replace(/\\x([0-9a-fA-F]{2})|-/g, (m, hex: string | undefined) => (hex ? String.fromCharCode(parseInt(hex, 16)) : '/'));
}

/** The template a unit instance is made from (`getty@tty1.service` → `getty@.service`), else undefined. */
export function unitTemplate(unit: string): string | undefined {
  const p = unitParts(unit);
  return p.instance !== undefined && p.instance !== '' ? `${p.prefix}@.${p.suffix}` : undefined;
}

/**
 * The `Description=` of a unit as `systemctl` shows it: the unit file, then its drop-ins in order, each
 * `[Unit]` section's last `Description=` winning (an empty one resets it); continuation lines (`\` at the end)
 * joined; `#` and `;` comments skipped; the specifiers systemd expands in a description (`%n %N %p %P %i %I %f %H
 * %%`) expanded for this unit, others left as written. Undefined when none is set. Texts beyond 256 KiB are cut.
 */
export function unitDescription(unit: string, texts: readonly string[], hostname?: string): string | undefined {
  if (!/^[\w@.:\\-]{1,256}$/.test(unit)) throw unreadable('unit file', 'not a unit name');
  let desc: string | undefined;
  for (const t of texts.slice(0, 64)) {
    let section = '';
    let pending = '';
    for (const raw of t.slice(0, MAX_CONFIG_TEXT).split(/\r?\n/)) {
      const line = pending ? `${pending} ${raw.trim()}` : raw.trim();
      if (!pending && (line.startsWith('#') || line.startsWith(';'))) continue;
      if (line.endsWith('\\')) {
        pending = line.slice(0, -1).trimEnd();
        continue;
      }
      pending = '';
      if (/^\[[^\]]+\]$/.test(line)) {
        section = line.slice(1, -1);
        continue;
      }
      const m = /^Description\s*=\s*(.*)$/.exec(line);
      if (m && section === 'Unit') desc = m[1]!.trim() || undefined;
    }
  }
  if (!desc) return undefined;
  const p = unitParts(unit);
  const name = unit.replace(/\.[^.]*$/, '');
  const inst = p.instance ?? '';
  const spec: Record<string, string> = {
    n: unit,
    N: name,
    p: p.prefix,
    P: unescapeUnitPart(p.prefix),
    i: inst,
    I: unescapeUnitPart(inst),
    f: `/${unescapeUnitPart(inst || p.prefix).replace(/^\/+/, '')}`,
    '%': '%',
    ...(hostname ? { H: hostname } : {}),
  };
  const out = desc.replace(/%(.)/g, (m, c: string) => spec[c] ?? m).trim();
  return out ? out.slice(0, MAX_TEXT) : undefined;
}
