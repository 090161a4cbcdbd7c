import { isWorkbenchError, serializeError, type SerializedError } from '../../common/model/errors';
import { cancelledError } from '../../common/util/cancel';
import { SSH_COMMANDS, type SshCommand } from './commands';
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

export interface DiscoverOptions extends SessionOptions {
  /** Per command (default 30 s). */
  commandTimeoutMs?: number;
  /** Utilization sampling period; 0 or absent: no sampling. */
  sampleSeconds?: number;
  /** Time between samples (default 5 s, at most half the period). */
  sampleIntervalSeconds?: number;
}

/** Channels open at once on one connection (OpenSSH's MaxSessions is 10). */
const CHANNELS = 4;

async function pool<T, R>(items: readonly T[], limit: number, fn: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return out;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(cancelledError('Discovery cancelled.'));
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(cancelledError('Discovery cancelled.'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Logs in to one host, runs the fixed commands, parses their output and (when asked) samples utilization. */
export async function discoverHost(target: SshTarget, auth: SshAuth, opts: DiscoverOptions): Promise<HostFacts> {
  const session = await SshSession.open(target, auth, opts);
  try {
    const names: SshCommand[] = ['hostname', 'fqdn', 'machineId', 'osRelease', 'uname', 'cpuinfo', 'nproc', 'meminfo', 'lsblk', 'df', 'ipAddr', 'ss', 'services'];
    const results = await pool(names, CHANNELS, async (n) => {
      const r = await session.exec(SSH_COMMANDS[n], opts.commandTimeoutMs);
      return [n, r] as const;
    });
    const out = new Map(results);
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
    let sockets = optional('ss', 'Connections', parseSs);
    if (!sockets) {
      const r = await session.exec(SSH_COMMANDS.ssFallback, opts.commandTimeoutMs);
      if (r.code === 0) sockets = parseSs(r.stdout);
    }
    const os = optional('osRelease', 'OS release', parseOsRelease);
    const kernel = optional('uname', 'Kernel', parseUname);
    const facts: HostFacts = {
      target: { name: target.name, host: target.host, port: target.port, user: target.user },
      hostname,
      ...(fqdn ? { fqdn } : {}),
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
    };
    const period = opts.sampleSeconds ?? 0;
    if (period > 0) {
      const interval = Math.max(0.2, Math.min(opts.sampleIntervalSeconds ?? 5, period / 2));
      const samples: CounterSample[] = [];
      const start = Date.now();
      for (let i = 0; i < 100_000; i++) {
        const r = await session.exec(SSH_COMMANDS.sample, opts.commandTimeoutMs);
        try {
          samples.push(parseCounterSample(r.stdout, Date.now()));
        } catch (e) {
          warnings.push(`Utilization: ${serializeError(e).message}`);
          break;
        }
        const next = start + (i + 1) * interval * 1000;
        if (next > start + period * 1000 + 1) break;
        await sleep(Math.max(0, next - Date.now()), opts.signal);
      }
      const u = utilizationFromSamples(samples);
      if (u) facts.utilization = u;
      else if (!warnings.some((w) => w.startsWith('Utilization'))) warnings.push('Utilization: fewer than two usable samples.');
    }
    return facts;
  } finally {
    session.close();
  }
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
