import { isWorkbenchError, serializeError, type SerializedError } from '../../common/model/errors';
import { throwIfAborted } from '../../common/util/cancel';
import { randomBytes } from 'node:crypto';
import { WorkbenchError } from '../../common/model/errors';
import { factsScript, sampleScript, splitFacts, splitSamples, SSH_COMMANDS, type SshCommand } from './commands';
import type { HostFacts } from './host-facts';
import { parseCpuinfo, parseNproc } from './parse-cpu';
import { parseDf } from './parse-df';
import { parseIpAddr } from './parse-ip-addr';
import { parseLsblk } from './parse-lsblk';
import { memoryMiB } from './parse-meminfo';
import { parseOsRelease, parseUname } from './parse-os-release';
import { parseCounterSample, utilizationFromSamples, type CounterSample } from './parse-samples';
import { parseSs } from './parse-ss';
import { parseSystemctl } from './parse-systemctl';
import { SshSession, type SessionOptions, type SshAuth, type SshTarget } from './session';
import { collectOverSftp, sampleOverSftp } from './collect-sftp';
import { delay } from '../../platform/delay';
import { SftpReader } from './sftp';
import type { SFTPWrapper } from 'ssh2';
import { pool } from '../../common/util/pool';

export interface DiscoverOptions extends SessionOptions {
  /** Reading the facts, over SFTP or by the fallback script (default 120 s: a busy host's login shell can take long to start). */
  commandTimeoutMs?: number;
  /** Utilization sampling period; 0 or absent: no sampling. */
  sampleSeconds?: number;
  /** Time between samples (default 5 s, at most half the period). */
  sampleIntervalSeconds?: number;
}

const HOST_RE = /^(?:([A-Za-z0-9][A-Za-z0-9._-]{0,252})=)?(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9][A-Za-z0-9._:-]{0,252})$/;

/** `NAME` or `NAME=ADDRESS`: the name shown and recorded, the address dialled (IPv6 in brackets). */
export function parseHostArg(v: string, port: number, user: string): SshTarget | null {
  const m = HOST_RE.exec(v.trim());
  if (!m) return null;
  const addr = m[2]!.replace(/^\[(.*)\]$/, '$1');
  return { name: m[1] ?? addr, host: addr, port, user };
}

/**
 * Opens the session; a connection dropped before the SSH banner (sshd's MaxStartups shedding unauthenticated
 * connections when many hosts behind one sshd, or one busy host, are discovered at once) is tried again, up to 3 times.
 */
async function openWithRetry(target: SshTarget, auth: SshAuth, opts: DiscoverOptions): Promise<SshSession> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await SshSession.open(target, auth, opts);
    } catch (e) {
      if (attempt >= 3 || !isWorkbenchError(e, 'ssh-unreachable') || !/before handshake|closed the connection during/i.test(e.message)) throw e;
      await new Promise((r) => setTimeout(r, 150 * attempt + Math.floor(Math.random() * 200)));
      throwIfAborted(opts.signal, `Discovery of ${target.name} cancelled.`);
    }
  }
}

/**
 * Logs in to one host and reads its facts (and, when asked, samples utilization). The facts are files
 * (`/proc`, `/sys`, `/etc`), read over SFTP: OpenSSH's internal-sftp runs inside sshd and starts no shell, so a
 * slow login script (`.bashrc` hooks) costs nothing. A server that refuses SFTP gets the one batched command
 * script instead (one shell start for the facts and the samples), and the run's warnings say so.
 */
export async function discoverHost(target: SshTarget, auth: SshAuth, opts: DiscoverOptions): Promise<HostFacts> {
  const session = await openWithRetry(target, auth, opts);
  try {
    const period = opts.sampleSeconds ?? 0;
    const interval = Math.max(0.2, Math.min(opts.sampleIntervalSeconds ?? 5, period / 2));
    const count = period > 0 ? Math.floor(period / interval) + 1 : 0;
    const timeoutMs = opts.commandTimeoutMs ?? 120_000;
    let sftp: SFTPWrapper | undefined;
    let refused: string | undefined;
    try {
      sftp = await session.openSftp(timeoutMs);
    } catch (e) {
      if (!isWorkbenchError(e, 'ssh-command-failed')) throw e;
      refused = serializeError(e).message;
    }
    if (sftp) return await viaSftp(sftp, target, opts, timeoutMs + period * 1000, count, interval);
    const facts = await viaShell(session, target, opts, timeoutMs, count, interval);
    facts.warnings.unshift(`${refused} Every fact was read by one shell command instead (the login shell starts once; a slow login script slows discovery).`);
    return facts;
  } finally {
    session.close();
  }
}

async function viaSftp(sftp: SFTPWrapper, target: SshTarget, opts: DiscoverOptions, timeoutMs: number, count: number, interval: number): Promise<HostFacts> {
  const reader = new SftpReader(sftp, target.name, timeoutMs, opts.signal);
  // Ends the sampling loop's wait between samples when the facts fail (the reader's calls end by themselves).
  const done = new AbortController();
  try {
    // Samples are taken while the facts are read: the period is the only wait.
    const sampling = count > 0 ? sampleLoop(reader, count, interval, opts.signal ? AbortSignal.any([opts.signal, done.signal]) : done.signal) : null;
    sampling?.catch(() => undefined);
    const files = await collectOverSftp(reader, target.name);
    const facts: HostFacts = { target: { name: target.name, host: target.host, port: target.port, user: target.user }, ...files, discoveredAt: new Date().toISOString() };
    if (sampling) addUtilization(facts, await sampling);
    return facts;
  } finally {
    done.abort();
    reader.close();
  }
}

/** `count` samples `interval` seconds apart; a sample that cannot be read ends the series with a warning. */
async function sampleLoop(reader: SftpReader, count: number, interval: number, signal?: AbortSignal): Promise<{ samples: CounterSample[]; warning?: string }> {
  const samples: CounterSample[] = [];
  for (let i = 0; i < count; i++) {
    if (i > 0) await delay(interval * 1000, signal);
    try {
      samples.push(await sampleOverSftp(reader));
    } catch (e) {
      if (!isWorkbenchError(e, 'ssh-output-unreadable')) throw e;
      return { samples, warning: `Utilization: ${serializeError(e).message}` };
    }
  }
  return { samples };
}

function addUtilization(facts: HostFacts, r: { samples: CounterSample[]; warning?: string }): void {
  if (r.warning) facts.warnings.push(r.warning);
  const u = utilizationFromSamples(r.samples);
  if (u) facts.utilization = u;
  else if (!r.warning) facts.warnings.push('Utilization: fewer than two usable samples.');
}

/** The fallback: one exec channel running the facts script and then the sample loop (one shell start). */
async function viaShell(session: SshSession, target: SshTarget, opts: DiscoverOptions, timeoutMs: number, count: number, interval: number): Promise<HostFacts> {
  const nonce = randomBytes(12).toString('hex');
  const script = count > 0 ? `${factsScript(nonce)}; ${sampleScript(nonce, count, interval)}` : factsScript(nonce);
  const run = await session.exec(script, timeoutMs + (count > 0 ? (count * interval + 30) * 1000 : 0), 'Reading the host facts');
  const out = splitFacts(run.stdout, nonce);
  if (out.size === 0) throw new WorkbenchError('ssh-command-failed', `${target.name} ran no discovery command (exit ${run.code ?? '?'}); is its login shell a POSIX shell?`);
  const warnings: string[] = [];
  const ok = (n: SshCommand) => {
    const r = out.get(n);
    return r && r.code === 0 && r.stdout.trim() ? r.stdout : undefined;
  };
  /** Parses an optional fact; a missing command or unreadable output becomes a warning. */
  const optional = <T>(n: SshCommand, what: string, parse: (s: string) => T): T | undefined => {
    const s = ok(n);
    if (s === undefined) {
      const r = out.get(n);
      warnings.push(`${what}: \`${SSH_COMMANDS[n]}\` ${r?.code === 127 ? 'is not installed' : `failed (exit ${r?.code ?? '?'})`} on ${target.name}.`);
      return undefined;
    }
    try {
      return parse(s);
    } catch (e) {
      warnings.push(`${what}: ${serializeError(e).message}`);
      return undefined;
    }
  };
  const hostname = ok('hostname')?.trim().split(/\s+/)[0]?.slice(0, 253) || target.name;
  const fqdn = ok('fqdn')?.trim().split(/\s+/)[0]?.slice(0, 253);
  const machineId = ok('machineId')?.trim();
  const cpu = optional('cpuinfo', 'CPU', parseCpuinfo) ?? { vcpus: optional('nproc', 'CPU count', parseNproc) ?? 0 };
  const mem = optional('meminfo', 'Memory', memoryMiB) ?? 0;
  const ssOut = ok('ss') ?? ok('ssFallback');
  const sockets = ssOut !== undefined ? parseSs(ssOut) : optional('ss', 'Connections', parseSs);
  const os = optional('osRelease', 'OS release', parseOsRelease);
  const kernel = optional('uname', 'Kernel', parseUname);
  const facts: HostFacts = {
    target: { name: target.name, host: target.host, port: target.port, user: target.user },
    hostname,
    ...(fqdn ? { fqdn, fqdnSource: SSH_COMMANDS.fqdn } : {}),
    ...(machineId && /^[0-9a-f]{32}$/i.test(machineId) ? { machineId: machineId.toLowerCase() } : {}),
    ...(os ? { os } : {}),
    ...(kernel ? { kernel } : {}),
    cpu,
    memoryMiB: mem,
    blockDevices: optional('lsblk', 'Disks', parseLsblk) ?? [],
    fileSystems: optional('df', 'File systems', parseDf) ?? [],
    interfaces: optional('ipAddr', 'IP addresses', parseIpAddr) ?? [],
    sockets: sockets ?? [],
    services: optional('services', 'Running services', parseSystemctl) ?? [],
    warnings,
    discoveredAt: new Date().toISOString(),
    via: 'shell',
  };
  if (count > 0) {
    const samples: CounterSample[] = [];
    let warning: string | undefined;
    for (const s of splitSamples(run.stdout, nonce)) {
      try {
        samples.push(parseCounterSample(s.text, s.at));
      } catch (e) {
        warning = `Utilization: ${serializeError(e).message}`;
        break;
      }
    }
    addUtilization(facts, { samples, ...(warning ? { warning } : {}) });
  }
  return facts;
}

export type HostOutcome = { target: SshTarget; ok: true; facts: HostFacts } | { target: SshTarget; ok: false; error: SerializedError };

/** Discovers many hosts, at most `parallel` at once; one host failing does not stop the others (cancel does). */
export async function discoverHosts(targets: readonly SshTarget[], auth: SshAuth, opts: DiscoverOptions & { parallel?: number; onDone?: (o: HostOutcome) => void }): Promise<HostOutcome[]> {
  return pool(targets, opts.parallel ?? 8, async (t) => {
    let o: HostOutcome;
    try {
      o = { target: t, ok: true, facts: await discoverHost(t, auth, opts) };
    } catch (e) {
      if (isWorkbenchError(e, 'cancelled')) throw e;
      o = { target: t, ok: false, error: serializeError(e) };
    }
    opts.onDone?.(o);
    return o;
  });
}

/**
 * Names that reach the same machine (aliases, several addresses) are one server: outcomes with the same machine-id
 * (else the same host name) keep the first; the others are reported as duplicates.
 */
export function sameMachines(found: readonly HostFacts[]): { unique: HostFacts[]; duplicates: { name: string; sameAs: string }[] } {
  const seen = new Map<string, HostFacts>();
  const unique: HostFacts[] = [];
  const duplicates: { name: string; sameAs: string }[] = [];
  for (const f of found) {
    const key = f.machineId ? `id:${f.machineId}` : `name:${f.hostname.toLowerCase()}`;
    const first = seen.get(key);
    if (first) duplicates.push({ name: f.target.name, sameAs: first.target.name });
    else {
      seen.set(key, f);
      unique.push(f);
    }
  }
  return { unique, duplicates };
}
