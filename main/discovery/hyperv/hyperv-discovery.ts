import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { cancelledError } from '../../common/util/cancel';
import { DiscoveryError, excerpt } from '../errors';
import { childrenNamed, parseXml, text } from '../xml';

/**
 * Hyper-V (and SCVMM-managed Hyper-V hosts) through PowerShell's Hyper-V module: `Get-VM`, `Get-VMHardDiskDrive`,
 * `Get-VHD`, `Get-VMNetworkAdapter` and `Get-VMFirmware`, each piped through `Select-Object` (Microsoft's documented
 * property names) and `ConvertTo-Json`. Live: `powershell.exe`/`pwsh -NoProfile -NonInteractive -Command SCRIPT`,
 * on this machine or on a host through `Invoke-Command -ComputerName` (WinRM). Offline: the JSON files that
 * assets/discovery/hyperv-inventory.ps1 saves, one per cmdlet, read from a folder.
 */

export interface HvDisk {
  controllerType: string;
  controllerNumber?: number;
  controllerLocation?: number;
  path?: string;
  /** A physical (pass-through) disk of the host: Hyper-V's equivalent of an RDM. */
  diskNumber?: number;
  /** From Get-VHD. */
  format?: string;
  vhdType?: string;
  sizeBytes?: number;
  fileSizeBytes?: number;
  parentPath?: string;
}

export interface HvNic {
  name?: string;
  mac?: string;
  switchName?: string;
  ipAddresses: string[];
  connected?: boolean;
  legacy?: boolean;
}

export interface HvVm {
  name: string;
  vmId: string;
  state: string;
  processorCount: number;
  memoryStartupBytes?: number;
  memoryAssignedBytes?: number;
  dynamicMemory?: boolean;
  generation?: number;
  version?: string;
  notes?: string;
  computerName?: string;
  createdAt?: string;
  clustered?: boolean;
  secureBoot?: boolean;
  /** From the guest's KVP integration service (Msvm_KvpExchangeComponent), when it runs. */
  guest?: { osName?: string; osVersion?: string; fqdn?: string; ipv4: string[]; ipv6: string[] };
  disks: HvDisk[];
  nics: HvNic[];
}

/** The cmdlet outputs, under the names the offline script gives its files (`Get-VM.json`…). */
export const HYPERV_SETS = ['Get-VM', 'Get-VMHardDiskDrive', 'Get-VHD', 'Get-VMNetworkAdapter', 'Get-VMFirmware', 'Msvm_KvpExchangeComponent'] as const;
export type HyperVSets = Partial<Record<(typeof HYPERV_SETS)[number], unknown>>;

/** The PowerShell run live (the offline script in assets/discovery saves the same selections as files). */
export const HYPERV_SCRIPT = [
  "$ErrorActionPreference = 'Stop'",
  '$vms = @(Get-VM)',
  '$drives = @($vms | Get-VMHardDiskDrive)',
  "[pscustomobject]@{",
  "'Get-VM' = @($vms | Select-Object Name, VMId, @{n='State';e={[string]$_.State}}, ProcessorCount, MemoryStartup, MemoryAssigned, DynamicMemoryEnabled, Generation, Version, Notes, ComputerName, CreationTime, IsClustered)",
  "'Get-VMHardDiskDrive' = @($drives | Select-Object VMName, VMId, ControllerType, ControllerNumber, ControllerLocation, Path, DiskNumber)",
  "'Get-VHD' = @($drives | Where-Object { $_.Path -and $null -eq $_.DiskNumber } | ForEach-Object { Get-VHD -Path $_.Path -ErrorAction SilentlyContinue } | Select-Object Path, VhdFormat, VhdType, Size, FileSize, ParentPath)",
  "'Get-VMNetworkAdapter' = @($vms | Get-VMNetworkAdapter | Select-Object VMName, VMId, Name, MacAddress, SwitchName, IPAddresses, Connected, IsLegacy)",
  "'Get-VMFirmware' = @($vms | Where-Object Generation -eq 2 | Get-VMFirmware | Select-Object VMName, VMId, SecureBoot)",
  "'Msvm_KvpExchangeComponent' = @(Get-CimInstance -Namespace root/virtualization/v2 -ClassName Msvm_KvpExchangeComponent -ErrorAction SilentlyContinue | Select-Object SystemName, GuestIntrinsicExchangeItems)",
  '} | ConvertTo-Json -Depth 4 -Compress',
].join('\n');

/** A host for `Invoke-Command -ComputerName`: a DNS name or IPv4 address, nothing PowerShell could read as code. */
export function checkHost(host: string): string {
  const h = host.trim();
  if (!/^[A-Za-z0-9](?:[A-Za-z0-9.-]{0,252})$/.test(h) || h.includes('..')) throw new DiscoveryError('discovery-unreachable', `"${excerpt(host, 60)}" is not a host name or IPv4 address.`);
  return h;
}

/** The PowerShell program and argv (no shell): locally, or on `host` over WinRM. */
export function powershellCommand(o: { host?: string; powershell?: string; platform?: NodeJS.Platform }): { file: string; args: string[] } {
  const file = o.powershell ?? ((o.platform ?? process.platform) === 'win32' ? 'powershell.exe' : 'pwsh');
  const local = !o.host || /^(localhost|\.|127\.0\.0\.1)$/i.test(o.host.trim());
  const script = local ? HYPERV_SCRIPT : `Invoke-Command -ComputerName '${checkHost(o.host!)}' -ErrorAction Stop -ScriptBlock {\n${HYPERV_SCRIPT}\n}`;
  return { file, args: ['-NoProfile', '-NonInteractive', '-Command', script] };
}

// Enum values as Windows PowerShell 5.1 writes them (numbers) and as names (PowerShell 7 -EnumsAsStrings, or text).
// VMState numbers above 32781 differ between Windows versions (Server 2016 has no Hibernated/ComponentServicing), so
// both scripts select State as its name; the table (Server 2019 and later) is for JSON saved by other means.
const VM_STATE: Record<number, string> = { 1: 'Other', 2: 'Running', 3: 'Off', 4: 'Stopping', 6: 'Saved', 9: 'Paused', 10: 'Starting', 11: 'Reset', 32773: 'Saving', 32776: 'Pausing', 32777: 'Resuming', 32779: 'FastSaved', 32780: 'FastSaving', 32781: 'ForceShutdown', 32782: 'ForceReboot', 32783: 'Hibernated', 32784: 'ComponentServicing', 32785: 'RunningCritical', 32786: 'OffCritical', 32787: 'StoppingCritical', 32788: 'SavedCritical', 32789: 'PausedCritical', 32790: 'StartingCritical', 32791: 'ResetCritical', 32792: 'SavingCritical', 32793: 'PausingCritical', 32794: 'ResumingCritical', 32795: 'FastSavedCritical', 32796: 'FastSavingCritical' };
const CONTROLLER: Record<number, string> = { 0: 'IDE', 1: 'SCSI', 2: 'PMEM' };
const VHD_FORMAT: Record<number, string> = { 0: 'Unknown', 2: 'VHD', 3: 'VHDX', 4: 'VHDSet' };
const VHD_TYPE: Record<number, string> = { 0: 'Unknown', 2: 'Fixed', 3: 'Dynamic', 4: 'Differencing' };
const ON_OFF: Record<number, string> = { 0: 'On', 1: 'Off' };

function enumName(v: unknown, table: Record<number, string>): string | undefined {
  if (typeof v === 'number' && Number.isInteger(v)) return table[v] ?? String(v);
  if (typeof v === 'string' && v.trim()) {
    const t = v.trim();
    if (/^\d+$/.test(t)) return table[Number(t)] ?? t;
    return Object.values(table).find((n) => n.toLowerCase() === t.toLowerCase()) ?? t.slice(0, 40);
  }
  if (v && typeof v === 'object' && 'value' in v) return enumName((v as { value: unknown }).value, table);
  return undefined;
}

/** A cmdlet's output: ConvertTo-Json writes one object bare and several as an array; nothing as null or ''. */
export function asList(v: unknown): Record<string, unknown>[] {
  if (v === null || v === undefined || v === '') return [];
  const list = Array.isArray(v) ? v : [v];
  return list.filter((x): x is Record<string, unknown> => !!x && typeof x === 'object' && !Array.isArray(x)).slice(0, 100_000);
}

/** `/Date(1700000000000)/` (Windows PowerShell 5.1), `/Date(1700000000000+0100)/`, an ISO string (7.x), or `{ value: … }`. */
export function psDate(v: unknown): string | undefined {
  if (v && typeof v === 'object' && 'value' in v) return psDate((v as { value: unknown }).value);
  if (typeof v !== 'string') return undefined;
  const m = /^\/Date\((-?\d{1,15})(?:[+-]\d{4})?\)\/$/.exec(v.trim());
  const d = m ? new Date(Number(m[1])) : /^\d{4}-\d{2}-\d{2}T/.test(v) ? new Date(v) : null;
  return d && !Number.isNaN(d.getTime()) ? d.toISOString() : undefined;
}

const str = (v: unknown, max = 1024): string | undefined => (typeof v === 'string' && v.trim() ? v.slice(0, max) : typeof v === 'number' ? String(v) : undefined);
const num = (v: unknown): number | undefined => {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d{1,18}$/.test(v.trim()) ? Number(v) : NaN;
  return Number.isFinite(n) && n >= 0 && n <= Number.MAX_SAFE_INTEGER ? n : undefined;
};
const bool = (v: unknown): boolean | undefined => (typeof v === 'boolean' ? v : typeof v === 'string' && /^(true|false)$/i.test(v) ? v.toLowerCase() === 'true' : undefined);

/** A GUID as ConvertTo-Json writes it: a string, or `{ Guid: … }` from older serializers. Lower case, no braces. */
function guid(v: unknown): string | undefined {
  const s = typeof v === 'string' ? v : v && typeof v === 'object' && 'Guid' in v ? (v as { Guid: unknown }).Guid : undefined;
  if (typeof s !== 'string') return undefined;
  const g = s.trim().replace(/^\{|\}$/g, '').toLowerCase();
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(g) ? g : undefined;
}

function mac(v: unknown): string | undefined {
  const s = typeof v === 'string' ? v.replace(/[-:]/g, '') : '';
  return /^[0-9a-f]{12}$/i.test(s) && !/^0+$/.test(s) ? s.toLowerCase().match(/../g)!.join(':') : undefined;
}

/**
 * The guest facts a running VM's KVP integration service publishes (`GuestIntrinsicExchangeItems`: one
 * `<INSTANCE CLASSNAME="Msvm_KvpExchangeDataItem">` XML string per item, with `Name` and `Data` properties).
 */
export function parseKvpItems(items: unknown): NonNullable<HvVm['guest']> | undefined {
  const list = (Array.isArray(items) ? items : typeof items === 'string' ? [items] : []).filter((x): x is string => typeof x === 'string').slice(0, 500);
  const kv = new Map<string, string>();
  for (const xml of list) {
    let inst;
    try {
      inst = parseXml(xml, { maxBytes: 64 * 1024, maxDepth: 8 });
    } catch {
      continue; // one unreadable item does not hide the others
    }
    const props = childrenNamed(inst, 'PROPERTY');
    const prop = (n: string) => text(props.find((p) => p.attrs.NAME === n), 'VALUE');
    const name = prop('Name');
    const data = prop('Data');
    if (name && data !== undefined) kv.set(name, data.slice(0, 1024));
  }
  if (!kv.size) return undefined;
  const ips = (k: string) => (kv.get(k) ?? '').split(';').map((x) => x.trim()).filter((x) => /^[0-9a-f.:%]{2,64}$/i.test(x)).slice(0, 64);
  const g = { osName: kv.get('OSName'), osVersion: kv.get('OSVersion'), fqdn: kv.get('FullyQualifiedDomainName') };
  return { ...(g.osName ? { osName: g.osName } : {}), ...(g.osVersion ? { osVersion: g.osVersion } : {}), ...(g.fqdn ? { fqdn: g.fqdn } : {}), ipv4: ips('NetworkAddressIPv4'), ipv6: ips('NetworkAddressIPv6') };
}

/** Joins the cmdlets' outputs into VMs (drives and adapters by VMId, else VM name; VHDs by path). */
export function parseHyperV(sets: HyperVSets): HvVm[] {
  const vhds = new Map<string, Record<string, unknown>>();
  for (const v of asList(sets['Get-VHD'])) {
    const p = str(v.Path);
    if (p) vhds.set(p.toLowerCase(), v);
  }
  const byVm = <T>(list: Record<string, unknown>[], map: (x: Record<string, unknown>) => T) => {
    const m = new Map<string, T[]>();
    for (const x of list) {
      const key = guid(x.VMId) ?? `name:${(str(x.VMName) ?? '').toLowerCase()}`;
      m.set(key, [...(m.get(key) ?? []), map(x)]);
    }
    return m;
  };
  const disks = byVm(asList(sets['Get-VMHardDiskDrive']), (d): HvDisk => {
    const p = str(d.Path);
    const dn = num(d.DiskNumber);
    const vhd = p ? vhds.get(p.toLowerCase()) : undefined;
    const size = num(vhd?.Size);
    const file = num(vhd?.FileSize);
    const fmt = vhd ? enumName(vhd.VhdFormat, VHD_FORMAT) : undefined;
    const type = vhd ? enumName(vhd.VhdType, VHD_TYPE) : undefined;
    const parent = str(vhd?.ParentPath);
    return {
      controllerType: enumName(d.ControllerType, CONTROLLER) ?? 'Unknown',
      ...(num(d.ControllerNumber) !== undefined ? { controllerNumber: num(d.ControllerNumber)! } : {}),
      ...(num(d.ControllerLocation) !== undefined ? { controllerLocation: num(d.ControllerLocation)! } : {}),
      ...(p ? { path: p } : {}),
      ...(dn !== undefined ? { diskNumber: dn } : {}),
      ...(fmt ? { format: fmt } : {}),
      ...(type ? { vhdType: type } : {}),
      ...(size !== undefined ? { sizeBytes: size } : {}),
      ...(file !== undefined ? { fileSizeBytes: file } : {}),
      ...(parent ? { parentPath: parent } : {}),
    };
  });
  const nics = byVm(asList(sets['Get-VMNetworkAdapter']), (n): HvNic => {
    const ips = (Array.isArray(n.IPAddresses) ? n.IPAddresses : typeof n.IPAddresses === 'string' ? [n.IPAddresses] : []).filter((x): x is string => typeof x === 'string' && /^[0-9a-f.:%]{2,64}$/i.test(x)).slice(0, 256);
    const m = mac(n.MacAddress);
    const c = bool(n.Connected);
    const l = bool(n.IsLegacy);
    return { ...(str(n.Name, 256) ? { name: str(n.Name, 256)! } : {}), ...(m ? { mac: m } : {}), ...(str(n.SwitchName, 256) ? { switchName: str(n.SwitchName, 256)! } : {}), ipAddresses: ips, ...(c !== undefined ? { connected: c } : {}), ...(l !== undefined ? { legacy: l } : {}) };
  });
  const firmware = byVm(asList(sets['Get-VMFirmware']), (f) => enumName(f.SecureBoot, ON_OFF));
  const kvp = new Map<string, NonNullable<HvVm['guest']>>();
  for (const k of asList(sets['Msvm_KvpExchangeComponent'])) {
    const id = guid(k.SystemName);
    const g = id ? parseKvpItems(k.GuestIntrinsicExchangeItems) : undefined;
    if (id && g) kvp.set(id, g);
  }
  const vms: HvVm[] = [];
  for (const v of asList(sets['Get-VM'])) {
    const name = str(v.Name ?? v.VMName, 512);
    const vmId = guid(v.VMId) ?? guid(v.Id);
    if (!name || !vmId) throw new DiscoveryError('discovery-malformed-response', 'A Get-VM entry has no Name or VMId.');
    const keyOf = <T>(m: Map<string, T[]>) => m.get(vmId) ?? m.get(`name:${name.toLowerCase()}`) ?? [];
    const sb = keyOf(firmware)[0];
    const gen = num(v.Generation);
    const created = psDate(v.CreationTime);
    const mem = num(v.MemoryStartup);
    const assigned = num(v.MemoryAssigned);
    const dyn = bool(v.DynamicMemoryEnabled);
    const clustered = bool(v.IsClustered);
    vms.push({
      name,
      vmId,
      state: enumName(v.State, VM_STATE) ?? 'Unknown',
      processorCount: Math.round(num(v.ProcessorCount) ?? 0),
      ...(mem !== undefined ? { memoryStartupBytes: mem } : {}),
      ...(assigned !== undefined ? { memoryAssignedBytes: assigned } : {}),
      ...(dyn !== undefined ? { dynamicMemory: dyn } : {}),
      ...(gen !== undefined ? { generation: gen } : {}),
      ...(str(v.Version, 40) ? { version: str(v.Version, 40)! } : {}),
      ...(str(v.Notes, 4096) ? { notes: str(v.Notes, 4096)! } : {}),
      ...(str(v.ComputerName, 256) ? { computerName: str(v.ComputerName, 256)! } : {}),
      ...(created ? { createdAt: created } : {}),
      ...(clustered !== undefined ? { clustered } : {}),
      ...(sb ? { secureBoot: sb === 'On' } : {}),
      ...(kvp.get(vmId) ? { guest: kvp.get(vmId)! } : {}),
      disks: keyOf(disks),
      nics: keyOf(nics),
    });
  }
  return vms;
}

const MAX_JSON = 64 * 1024 * 1024;

/** JSON as PowerShell writes it to a file or stdout (a BOM, UTF-16 from `Out-File` in 5.1), or a typed error. */
export function parsePsJson(buf: Buffer | string, what: string): unknown {
  let text = typeof buf === 'string' ? buf : buf[0] === 0xff && buf[1] === 0xfe ? buf.subarray(2).toString('utf16le') : buf.toString('utf8');
  text = text.replace(/^\uFEFF/, '').trim();
  if (text.length > MAX_JSON) throw new DiscoveryError('discovery-malformed-response', `${what} is larger than 64 MiB.`);
  if (!text) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new DiscoveryError('discovery-malformed-response', `${what} is not JSON as ConvertTo-Json writes it (it starts "${excerpt(text, 40)}").`);
  }
}

/** Reads the files the offline script saved (`Get-VM.json` required; the others when present). */
export async function readHyperVFolder(dir: string): Promise<HyperVSets> {
  const sets: HyperVSets = {};
  for (const name of HYPERV_SETS) {
    const file = path.join(dir, `${name}.json`);
    const st = await fs.stat(file).catch(() => null);
    if (!st?.isFile()) {
      if (name === 'Get-VM') throw new DiscoveryError('discovery-unreachable', `${excerpt(dir, 200)} has no Get-VM.json; save it with assets/discovery/hyperv-inventory.ps1 on the host.`);
      continue;
    }
    if (st.size > MAX_JSON) throw new DiscoveryError('discovery-malformed-response', `${name}.json is larger than 64 MiB.`);
    sets[name] = parsePsJson(await fs.readFile(file), `${name}.json`);
  }
  return sets;
}

export interface HyperVDiscoveryOptions {
  /** A Hyper-V host reached over WinRM; this machine when absent. */
  host?: string;
  /** A folder of JSON saved by the offline script, instead of running PowerShell. */
  fromJson?: string;
  powershell?: string;
  timeoutMs?: number;
  signal?: AbortSignal;
  progress?: (done: number, total: number | null, message: string) => void;
}

/** Runs PowerShell (or reads the saved files) and returns the VMs. */
export async function discoverHyperV(o: HyperVDiscoveryOptions): Promise<{ host: string; vms: HvVm[] }> {
  if (o.fromJson) {
    o.progress?.(0, null, 'Reading the saved Hyper-V JSON');
    const vms = parseHyperV(await readHyperVFolder(o.fromJson));
    return { host: vms.find((v) => v.computerName)?.computerName ?? path.basename(path.resolve(o.fromJson)), vms };
  }
  const { file, args } = powershellCommand(o);
  const timeout = o.timeoutMs ?? 300_000;
  o.progress?.(0, null, o.host ? `Asking ${o.host} for its VMs` : 'Asking Hyper-V for its VMs');
  const out = await new Promise<string>((resolve, reject) => {
    execFile(file, args, { timeout, maxBuffer: MAX_JSON, encoding: 'utf8', windowsHide: true, ...(o.signal ? { signal: o.signal } : {}) }, (err, stdout, stderr) => {
      if (!err) return resolve(stdout);
      const e = err as NodeJS.ErrnoException & { killed?: boolean };
      if (o.signal?.aborted) return reject(cancelledError('Discovery cancelled.'));
      if (e.code === 'ENOENT') return reject(new DiscoveryError('discovery-unreachable', `PowerShell was not found (${excerpt(file, 120)}); on Linux and macOS install pwsh, or save the JSON on the host and use --from-json.`));
      if (e.killed) return reject(new DiscoveryError('discovery-unreachable', `PowerShell did not answer within ${Math.round(timeout / 1000)} s.`));
      const msg = excerpt(stderr, 200);
      if (/access is denied|unauthori[sz]ed|logon failure|permission/i.test(msg)) return reject(new DiscoveryError('discovery-auth-failed', `Hyper-V refused: ${msg}`));
      if (/winrm|cannot connect|cannot find the computer|connecting to remote server/i.test(msg)) return reject(new DiscoveryError('discovery-unreachable', `The host cannot be reached over WinRM: ${msg}`));
      if (/not recognized as the name of a cmdlet|Get-VM/i.test(msg)) return reject(new DiscoveryError('discovery-failed', `The Hyper-V PowerShell module is not available: ${msg}`));
      reject(new DiscoveryError('discovery-failed', `PowerShell failed: ${msg || `exit ${String(e.code)}`}`));
    });
  });
  const json = parsePsJson(out, 'PowerShell output');
  if (!json || typeof json !== 'object' || Array.isArray(json)) throw new DiscoveryError('discovery-malformed-response', 'PowerShell did not print the expected object of cmdlet outputs.');
  const vms = parseHyperV(json as HyperVSets);
  return { host: o.host?.trim() || vms.find((v) => v.computerName)?.computerName || 'localhost', vms };
}
