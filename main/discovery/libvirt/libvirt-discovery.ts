import { execFile } from 'node:child_process';
import { cancelledError, throwIfAborted } from '../../common/util/cancel';
import { DiscoveryError, excerpt } from '../errors';
import { child, childrenNamed, parseXml, text, type XmlElement } from '../xml';

export interface LvDisk {
  target: string;
  bus?: string;
  /** file, block, network, volume */
  type?: string;
  /** disk, cdrom, floppy, lun */
  device: string;
  driverType?: string;
  source?: string;
  readonly?: boolean;
  shareable?: boolean;
  /** From `virsh domblkinfo --all`: the guest-visible size and the bytes allocated on the host. */
  capacityBytes?: number;
  allocationBytes?: number;
}

export interface LvNic {
  mac?: string;
  /** network, bridge, direct, user… */
  type?: string;
  network?: string;
  model?: string;
}

export interface LvDomain {
  name: string;
  uuid?: string;
  title?: string;
  description?: string;
  vcpus: number;
  memoryKiB: number;
  osType?: string;
  arch?: string;
  firmware?: string;
  /** libosinfo's OS id from the domain metadata (`http://microsoft.com/win/2k19`), when the tool that made the VM set it. */
  osinfo?: string;
  /** running, shut off, paused… as `virsh domstate` says it */
  state?: string;
  disks: LvDisk[];
  nics: LvNic[];
}

export interface LibvirtDiscoveryOptions {
  uri: string;
  virsh?: string;
  timeoutMs?: number;
  signal?: AbortSignal;
  progress?: (done: number, total: number | null, message: string) => void;
}

/** The argv of one virsh call: always `-c URI` first, never through a shell. */
export function virshArgs(uri: string, ...args: string[]): string[] {
  return ['-q', '-r', '-c', uri, ...args];
}

/** A libvirt connection URI (`qemu:///system`, `qemu+ssh://user@host/system`, `test:///path`); rejects anything that could be an option. */
export function checkUri(uri: string): string {
  const u = uri.trim();
  if (!/^[a-z][a-z0-9+.-]*:\/\/[^\s]*$/i.test(u)) throw new DiscoveryError('discovery-unreachable', `"${u.slice(0, 80)}" is not a libvirt connection URI (e.g. qemu:///system, qemu+ssh://user@host/system).`);
  return u;
}

const LIBOSINFO = 'http://libosinfo.org/xmlns/libvirt/domain/1.0';

const KIB: Record<string, number> = { b: 1 / 1024, bytes: 1 / 1024, k: 1, kib: 1, kb: 1000 / 1024, m: 1024, mib: 1024, mb: 1e6 / 1024, g: 1024 ** 2, gib: 1024 ** 2, gb: 1e9 / 1024, t: 1024 ** 3, tib: 1024 ** 3, tb: 1e12 / 1024 };

/** `<memory unit='GiB'>8</memory>` in KiB (libvirt's default unit). */
export function memoryKiB(el: XmlElement | undefined): number {
  const v = Number(text(el));
  if (!Number.isFinite(v) || v < 0) return 0;
  const unit = (el?.attrs.unit ?? 'KiB').toLowerCase();
  return Math.round(v * (KIB[unit] ?? 1));
}

/** Parses `virsh dumpxml` of one domain. */
export function parseDomainXml(xml: string): LvDomain {
  const dom = parseXml(xml, { maxBytes: 16 * 1024 * 1024 });
  if (dom.name !== 'domain') throw new DiscoveryError('discovery-malformed-response', `virsh dumpxml printed <${dom.name.slice(0, 40)}>, not a <domain>.`);
  const name = text(dom, 'name');
  if (!name) throw new DiscoveryError('discovery-malformed-response', 'A libvirt domain has no name.');
  const os = child(dom, 'os');
  const osType = child(os, 'type');
  const vcpus = Number(text(dom, 'vcpu') ?? 0);
  const devices = child(dom, 'devices');
  const disks: LvDisk[] = childrenNamed(devices, 'disk').map((d) => {
    const src = child(d, 'source');
    const source = src ? (src.attrs.file ?? src.attrs.dev ?? (src.attrs.pool && src.attrs.volume ? `${src.attrs.pool}/${src.attrs.volume}` : undefined) ?? src.attrs.name) : undefined;
    const target = child(d, 'target');
    return {
      target: target?.attrs.dev ?? '?',
      ...(target?.attrs.bus ? { bus: target.attrs.bus } : {}),
      ...(d.attrs.type ? { type: d.attrs.type } : {}),
      device: d.attrs.device ?? 'disk',
      ...(child(d, 'driver')?.attrs.type ? { driverType: child(d, 'driver')!.attrs.type! } : {}),
      ...(source ? { source } : {}),
      ...(child(d, 'readonly') ? { readonly: true } : {}),
      ...(child(d, 'shareable') ? { shareable: true } : {}),
    };
  });
  const nics: LvNic[] = childrenNamed(devices, 'interface').map((i) => {
    const src = child(i, 'source');
    const net = src?.attrs.network ?? src?.attrs.bridge ?? src?.attrs.dev;
    const mac = child(i, 'mac')?.attrs.address?.toLowerCase();
    const model = child(i, 'model')?.attrs.type;
    return { ...(mac ? { mac } : {}), ...(i.attrs.type ? { type: i.attrs.type } : {}), ...(net ? { network: net } : {}), ...(model ? { model } : {}) };
  });
  const firmware = os?.attrs.firmware ?? (child(os, 'loader') ? (/ovmf|efi|aavmf/i.test(text(os, 'loader') ?? '') || child(os, 'loader')?.attrs.type === 'pflash' ? 'efi' : 'bios') : undefined);
  const osinfo = child(childrenNamed(child(dom, 'metadata'), 'libosinfo').find((e) => e.uri === LIBOSINFO), 'os')?.attrs.id;
  return {
    name,
    ...(osinfo ? { osinfo } : {}),
    ...(text(dom, 'uuid') ? { uuid: text(dom, 'uuid')! } : {}),
    ...(text(dom, 'title') ? { title: text(dom, 'title')! } : {}),
    ...(text(dom, 'description') ? { description: text(dom, 'description')! } : {}),
    vcpus: Number.isInteger(vcpus) && vcpus >= 0 ? vcpus : 0,
    memoryKiB: memoryKiB(child(dom, 'memory')),
    ...(text(osType) ? { osType: text(osType)! } : {}),
    ...(osType?.attrs.arch ? { arch: osType.attrs.arch } : {}),
    ...(firmware ? { firmware } : {}),
    disks,
    nics,
  };
}

/** `virsh -q domblkinfo --all`: `TARGET CAPACITY ALLOCATION PHYSICAL` per line (bytes; `-` when unknown). */
export function parseBlkInfo(out: string): Map<string, { capacityBytes: number; allocationBytes?: number }> {
  const m = new Map<string, { capacityBytes: number; allocationBytes?: number }>();
  for (const line of out.split('\n')) {
    const [target, cap, alloc] = line.trim().split(/\s+/);
    const c = Number(cap);
    if (!target || !cap || !/^\d+$/.test(cap) || !Number.isSafeInteger(c)) continue;
    const a = Number(alloc);
    m.set(target, { capacityBytes: c, ...(alloc && /^\d+$/.test(alloc) ? { allocationBytes: a } : {}) });
  }
  return m;
}

function run(virsh: string, args: string[], timeoutMs: number, signal?: AbortSignal): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(virsh, args, { timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024, encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' }, ...(signal ? { signal } : {}) }, (err, stdout, stderr) => {
      if (!err) return resolve(stdout);
      const e = err as NodeJS.ErrnoException & { killed?: boolean };
      // Node rejects with an untyped AbortError when the signal kills virsh: the caller sees the typed cancel.
      if (signal?.aborted) return reject(cancelledError('Discovery cancelled.'));
      if (e.code === 'ENOENT') return reject(new DiscoveryError('discovery-unreachable', `virsh was not found (${virsh}); install libvirt-clients.`));
      if (e.killed) return reject(new DiscoveryError('discovery-unreachable', `virsh did not answer within ${Math.round(timeoutMs / 1000)} s.`));
      const msg = excerpt(stderr.replace(/^error:\s*/gm, ''), 200);
      if (/authentication|permission denied|not authorized/i.test(msg)) return reject(new DiscoveryError('discovery-auth-failed', `libvirt refused the connection: ${msg}`));
      if (/failed to connect|cannot connect|no connection driver|unable to connect/i.test(msg)) return reject(new DiscoveryError('discovery-unreachable', `libvirt cannot be reached: ${msg}`));
      reject(new DiscoveryError('discovery-failed', `virsh ${args[args.indexOf('-c') + 2] ?? ''} failed: ${msg || `exit ${String(e.code)}`}`));
    });
  });
}

/**
 * Discovers every domain (running or not) of a libvirt connection with `virsh` (read-only, no shell):
 * `list --all --name`, then per domain `domstate` and `dumpxml`.
 */
export async function discoverLibvirt(o: LibvirtDiscoveryOptions): Promise<{ uri: string; domains: LvDomain[] }> {
  const uri = checkUri(o.uri);
  const virsh = o.virsh ?? 'virsh';
  const timeout = o.timeoutMs ?? 60_000;
  o.progress?.(0, null, 'Listing domains');
  const names = (await run(virsh, virshArgs(uri, 'list', '--all', '--name'), timeout, o.signal))
    .split('\n')
    .map((s) => s.trim())
    .filter(Boolean);
  const domains: LvDomain[] = [];
  for (const [i, name] of names.entries()) {
    if (o.signal?.aborted) break;
    o.progress?.(i, names.length, `Reading ${name}`);
    // `--` ends the options: a domain named like an option is still a name.
    const xml = await run(virsh, virshArgs(uri, 'dumpxml', '--', name), timeout, o.signal);
    const state = (await run(virsh, virshArgs(uri, 'domstate', '--', name), timeout, o.signal)).trim();
    const dom = parseDomainXml(xml);
    // Sizes are not in the XML; a disk whose image cannot be read gives "-" (or the call fails): sizes stay unknown.
    const sizes = parseBlkInfo(await run(virsh, virshArgs(uri, 'domblkinfo', '--all', '--', name), timeout, o.signal).catch(() => { throwIfAborted(o.signal, 'Discovery cancelled.'); return ''; }));
    for (const d of dom.disks) {
      const z = sizes.get(d.target);
      if (z) Object.assign(d, z);
    }
    domains.push({ ...dom, ...(state ? { state } : {}) });
  }
  return { uri, domains };
}
