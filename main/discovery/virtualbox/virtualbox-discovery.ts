import { execFile } from 'node:child_process';
import { cancelledError, throwIfAborted } from '../../common/util/cancel';
import { DiscoveryError, excerpt } from '../errors';

/**
 * VirtualBox through `VBoxManage` (no shell): `list vms`, then per VM `showvminfo UUID --machinereadable`, and
 * `showmediuminfo disk UUID` for each attached disk's capacity (showvminfo does not give sizes).
 */

export interface VbDisk {
  /** Controller name and port/device as VBoxManage names the slot (`SATA-0-0`). */
  slot: string;
  controller: string;
  controllerType?: string;
  path: string;
  imageUuid?: string;
  capacityBytes?: number;
  usedBytes?: number;
  format?: string;
  /** `dynamic default`, `fixed default`… from showmediuminfo. */
  variant?: string;
}

export interface VbNic {
  index: number;
  /** nat, bridged, hostonly, intnet, natnetwork, generic… */
  attachment: string;
  mac?: string;
  adapterType?: string;
  network?: string;
  connected?: boolean;
}

export interface VbVm {
  name: string;
  uuid: string;
  /** The SMBIOS UUID the guest sees: `hardwareuuid` when set, else the machine UUID. */
  hardwareUuid?: string;
  osType?: string;
  memoryMiB: number;
  cpus: number;
  firmware?: string;
  /** running, poweroff, saved, paused, aborted… as VMState says it. */
  state?: string;
  description?: string;
  configFile?: string;
  groups?: string;
  disks: VbDisk[];
  nics: VbNic[];
}

/** Output bounds: more than this is not a VBoxManage answer. */
const MAX_BYTES = 8 * 1024 * 1024;
const MAX_ENTRIES = 20_000;

/**
 * Undoes VBoxManage's escaping of quoted values (`\"` and `\\`, VirtualBox 6.1 and later). Older versions print
 * Windows paths with bare backslashes (`C:\VMs\lab.vdi`): a backslash before anything else stays as it is, so both
 * read right (`\n` in a description is turned into a line break by the caller).
 */
function unescape(v: string): string {
  return v.replace(/\\([\\"])/g, '$1');
}

/**
 * Parses `showvminfo --machinereadable`: one `key=value` a line; keys with characters outside [A-Za-z0-9_] are
 * quoted (`"SATA-0-0"`); values are quoted strings or bare numbers/words. Lines that are neither are ignored.
 */
export function parseMachineReadable(out: string): Map<string, string> {
  if (out.length > MAX_BYTES) throw new DiscoveryError('discovery-malformed-response', `VBoxManage printed more than ${MAX_BYTES >> 20} MiB for one VM.`);
  const m = new Map<string, string>();
  for (const raw of out.split(/\r?\n/)) {
    const line = raw.trim();
    const k = /^(?:"((?:[^"\\]|\\.)*)"|([^="\s][^=]*?))=(.*)$/.exec(line);
    if (!k) continue;
    const key = k[1] !== undefined ? unescape(k[1]) : k[2]!;
    const rest = k[3]!;
    const q = /^"((?:[^"\\]|\\.)*)"$/.exec(rest);
    m.set(key, q ? unescape(q[1]!) : rest.trim());
    if (m.size > MAX_ENTRIES) throw new DiscoveryError('discovery-malformed-response', 'VBoxManage printed too many settings for one VM.');
  }
  return m;
}

/** `VBoxManage list vms`: `"name" {uuid}` a line. */
export function parseListVms(out: string): { name: string; uuid: string }[] {
  const vms: { name: string; uuid: string }[] = [];
  for (const line of out.split(/\r?\n/)) {
    const m = /^"(.*)"\s+\{([0-9a-fA-F-]{36})\}\s*$/.exec(line.trim());
    if (m) vms.push({ name: m[1]!, uuid: m[2]!.toLowerCase() });
    if (vms.length > MAX_ENTRIES) throw new DiscoveryError('discovery-malformed-response', 'VBoxManage listed too many VMs.');
  }
  return vms;
}

const int = (v: string | undefined): number | undefined => (v !== undefined && /^\d{1,12}$/.test(v) ? Number(v) : undefined);

/** One VM from its machine-readable settings. */
export function vmFromSettings(m: Map<string, string>): VbVm {
  const name = m.get('name');
  const uuid = m.get('UUID');
  if (!name || !uuid) throw new DiscoveryError('discovery-malformed-response', 'VBoxManage showvminfo gave no name or UUID.');
  // Storage controllers: storagecontrollername<i>, then "<Name>-<port>-<device>" = image path ("none", "emptydrive").
  const controllers: { name: string; type?: string }[] = [];
  for (let i = 0; i < 64 && m.has(`storagecontrollername${i}`); i++) {
    const type = m.get(`storagecontrollertype${i}`);
    controllers.push({ name: m.get(`storagecontrollername${i}`)!, ...(type ? { type } : {}) });
  }
  const disks: VbDisk[] = [];
  for (const [key, value] of m) {
    for (const c of controllers) {
      const prefix = `${c.name}-`;
      if (!key.startsWith(prefix)) continue;
      const slot = /^(\d+)-(\d+)$/.exec(key.slice(prefix.length));
      if (!slot || value === 'none' || value === 'emptydrive' || !value) continue;
      // A DVD or floppy image is attached the same way; its ImageUUID is there too. Only hard disk images count.
      if (/\.(iso|img|dmg|cdr|vfd|flp)$/i.test(value)) continue;
      const imageUuid = m.get(`${c.name}-ImageUUID-${slot[1]}-${slot[2]}`);
      disks.push({ slot: key, controller: c.name, ...(c.type ? { controllerType: c.type } : {}), path: value, ...(imageUuid ? { imageUuid: imageUuid.toLowerCase() } : {}) });
    }
  }
  const nics: VbNic[] = [];
  for (let i = 1; i <= 36; i++) {
    const attachment = m.get(`nic${i}`);
    if (!attachment || attachment === 'none') continue;
    const mac = m.get(`macaddress${i}`);
    const network = m.get(`bridgeadapter${i}`) ?? m.get(`hostonlyadapter${i}`) ?? m.get(`intnet${i}`) ?? m.get(`nat-network${i}`) ?? m.get(`natnet${i}`);
    const type = m.get(`nictype${i}`);
    const cable = m.get(`cableconnected${i}`);
    nics.push({
      index: i,
      attachment,
      ...(mac && /^[0-9a-f]{12}$/i.test(mac) ? { mac: mac.toLowerCase().match(/../g)!.join(':') } : {}),
      ...(type ? { adapterType: type } : {}),
      ...(network ? { network } : {}),
      ...(cable ? { connected: cable === 'on' } : {}),
    });
  }
  const opt = (k: string, key: string) => (m.get(key) ? { [k]: m.get(key)! } : {});
  return {
    name,
    uuid: uuid.toLowerCase(),
    ...(m.get('hardwareuuid') ? { hardwareUuid: m.get('hardwareuuid')!.toLowerCase() } : {}),
    ...opt('osType', 'ostype'),
    memoryMiB: int(m.get('memory')) ?? 0,
    cpus: int(m.get('cpus')) ?? 0,
    ...opt('firmware', 'firmware'),
    ...opt('state', 'VMState'),
    ...(m.get('description') ? { description: m.get('description')!.replace(/\\n/g, '\n') } : {}),
    ...opt('configFile', 'CfgFile'),
    ...opt('groups', 'groups'),
    disks,
    nics,
  };
}

/** `showmediuminfo disk UUID` (human-readable `Key: value` lines): capacity and size on disk in bytes. */
export function parseMediumInfo(out: string): { capacityBytes?: number; usedBytes?: number; format?: string; variant?: string } {
  const MB = 1024 * 1024;
  const get = (k: string) => new RegExp(`^${k}:\\s*(.+)$`, 'mi').exec(out.slice(0, 64 * 1024))?.[1]?.trim();
  const size = (v: string | undefined) => {
    const m = v ? /^(\d{1,12})\s*(MBytes|GBytes|KBytes|bytes)/i.exec(v) : null;
    if (!m) return undefined;
    const u = m[2]!.toLowerCase();
    return Number(m[1]) * (u === 'gbytes' ? 1024 * MB : u === 'mbytes' ? MB : u === 'kbytes' ? 1024 : 1);
  };
  const cap = size(get('Capacity'));
  const used = size(get('Size on disk'));
  const format = get('Storage format');
  const variant = get('Format variant');
  return { ...(cap !== undefined ? { capacityBytes: cap } : {}), ...(used !== undefined ? { usedBytes: used } : {}), ...(format ? { format } : {}), ...(variant ? { variant } : {}) };
}

export interface VirtualBoxDiscoveryOptions {
  /** The VBoxManage program (default `VBoxManage`, on Windows its install folder). */
  vboxmanage?: string;
  timeoutMs?: number;
  signal?: AbortSignal;
  progress?: (done: number, total: number | null, message: string) => void;
}

/** The VBoxManage program when none is given. */
export function defaultVBoxManage(platform: NodeJS.Platform = process.platform): string {
  return platform === 'win32' ? 'C:\\Program Files\\Oracle\\VirtualBox\\VBoxManage.exe' : 'VBoxManage';
}

/** The argv of each call (tests check them): a VM and a disk are named by UUID, never by a name that could be an option. */
export const vboxArgs = {
  list: (): string[] => ['list', 'vms'],
  showvminfo: (uuid: string): string[] => ['showvminfo', checkUuid(uuid), '--machinereadable'],
  showmediuminfo: (uuid: string): string[] => ['showmediuminfo', 'disk', checkUuid(uuid)],
};

function checkUuid(u: string): string {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(u)) throw new DiscoveryError('discovery-malformed-response', `"${excerpt(u, 40)}" is not a VirtualBox UUID.`);
  return u;
}

function run(exe: string, args: string[], timeoutMs: number, signal?: AbortSignal): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(exe, args, { timeout: timeoutMs, maxBuffer: MAX_BYTES, encoding: 'utf8', windowsHide: true, env: { ...process.env, LC_ALL: 'C' }, ...(signal ? { signal } : {}) }, (err, stdout, stderr) => {
      if (!err) return resolve(stdout);
      const e = err as NodeJS.ErrnoException & { killed?: boolean };
      if (signal?.aborted) return reject(cancelledError('Discovery cancelled.'));
      if (e.code === 'ENOENT') return reject(new DiscoveryError('discovery-unreachable', `VBoxManage was not found (${excerpt(exe, 120)}); install VirtualBox or give its path with --vboxmanage.`));
      if (e.killed) return reject(new DiscoveryError('discovery-unreachable', `VBoxManage did not answer within ${Math.round(timeoutMs / 1000)} s.`));
      const msg = excerpt(stderr.replace(/^VBoxManage:\s*error:\s*/gim, ''), 200);
      reject(new DiscoveryError('discovery-failed', `VBoxManage ${args[0]} failed: ${msg || `exit ${String(e.code)}`}`));
    });
  });
}

/** Discovers every VM registered with the user's VirtualBox. */
export async function discoverVirtualBox(o: VirtualBoxDiscoveryOptions = {}): Promise<{ vms: VbVm[]; warnings: string[] }> {
  const exe = o.vboxmanage ?? defaultVBoxManage();
  const timeout = o.timeoutMs ?? 60_000;
  o.progress?.(0, null, 'Listing VirtualBox VMs');
  const list = parseListVms(await run(exe, vboxArgs.list(), timeout, o.signal));
  const vms: VbVm[] = [];
  const warnings: string[] = [];
  for (const [i, item] of list.entries()) {
    throwIfAborted(o.signal, 'Discovery cancelled.');
    o.progress?.(i, list.length, `Reading ${item.name}`);
    const vm = vmFromSettings(parseMachineReadable(await run(exe, vboxArgs.showvminfo(item.uuid), timeout, o.signal)));
    for (const d of vm.disks) {
      if (!d.imageUuid) continue;
      try {
        Object.assign(d, parseMediumInfo(await run(exe, vboxArgs.showmediuminfo(d.imageUuid), timeout, o.signal)));
      } catch (err) {
        throwIfAborted(o.signal, 'Discovery cancelled.');
        warnings.push(`${vm.name}: the size of ${d.slot} is unknown (${err instanceof Error ? excerpt(err.message, 120) : 'error'}).`);
      }
    }
    vms.push(vm);
  }
  return { vms, warnings };
}
