import { throwIfAborted } from '../../common/util/cancel';
import { DiscoveryError } from '../errors';
import { bool, child, childrenNamed, num, text, xsiType, type XmlElement } from '../xml';
import { VimClient, type MoRef, type ObjectContent } from './vim-client';
import { isThumbprint } from './transport';
import { readPerf, type PerfPeriod, type VcPerf } from './perf';
import { readTags, type VcTag } from './tagging';

/** One virtual disk as vSphere describes it. */
export interface VcDisk {
  label: string;
  capacityKB: number;
  controller?: string;
  fileName?: string;
  thin?: boolean;
  /** persistent, independent_persistent, independent_nonpersistent, … */
  diskMode?: string;
  /** sharingNone or sharingMultiWriter */
  sharing?: string;
  rdm?: boolean;
  /** physicalMode / virtualMode for an RDM */
  compatibilityMode?: string;
}

export interface VcNic {
  label?: string;
  adapterType: string;
  mac?: string;
  network?: string;
  connected?: boolean;
  ipAddresses: string[];
}

/** The facts discovery reads of one VM (units as vSphere gives them). */
export interface VcVm {
  moref: string;
  name: string;
  guestId?: string;
  guestFullName?: string;
  toolsGuestFullName?: string;
  toolsRunningStatus?: string;
  uuid?: string;
  instanceUuid?: string;
  numCPU?: number;
  coresPerSocket?: number;
  memoryMB?: number;
  firmware?: string;
  template?: boolean;
  cbt?: boolean;
  annotation?: string;
  ipAddress?: string;
  hostName?: string;
  powerState?: string;
  host?: string;
  cluster?: string;
  datacenter?: string;
  folder?: string;
  resourcePool?: string;
  snapshots: { name: string; createdAt?: string }[];
  disks: VcDisk[];
  nics: VcNic[];
  /** summary.quickStats at discovery time: CPU in MHz (and the VM's ceiling, runtime.maxCpuUsage), active guest memory in MB. */
  quickStats?: { cpuMhz?: number; maxCpuMhz?: number; guestMemoryMB?: number };
  /** Custom attribute values (customValue) by field name (CustomFieldsManager.field). */
  customAttributes?: Record<string, string>;
  /** vSphere tags (category and name), when the tagging service answered. */
  tags?: VcTag[];
  /** Utilization over the chosen period from PerformanceManager. */
  perf?: VcPerf;
}

export interface VcenterInventory {
  /** vCenter's about.instanceUuid (RVTools' VI SDK UUID) and its host name: the VM manager the VMs belong to. */
  vcenter: { instanceUuid?: string; name: string; fullName?: string; apiType?: string };
  vms: VcVm[];
  /** What could not be read (tags on an ESXi host, statistics not kept) without failing the discovery. */
  warnings: string[];
  /** The statistics read, when a period was chosen. */
  perf?: { period: PerfPeriod; intervalId: number; seconds: number; vms: number };
}

export interface VcenterDiscoveryOptions {
  url: string;
  user: string;
  password: string;
  thumbprint?: string;
  /** VMs per RetrievePropertiesEx page (default 500). */
  pageSize?: number;
  timeoutMs?: number;
  /** Read utilization from vCenter's performance statistics over the last day, week or month (none when absent). */
  perfPeriod?: PerfPeriod;
  /** Read vSphere tags through the vAPI REST endpoints (default true). */
  tags?: boolean;
  signal?: AbortSignal;
  progress?: (done: number, total: number | null, message: string) => void;
}

export const VM_PATHS = [
  'name',
  'config.guestId',
  'config.guestFullName',
  'config.uuid',
  'config.instanceUuid',
  'config.hardware.numCPU',
  'config.hardware.numCoresPerSocket',
  'config.hardware.memoryMB',
  'config.hardware.device',
  'config.firmware',
  'config.template',
  'config.changeTrackingEnabled',
  'config.annotation',
  'guest.guestFullName',
  'guest.toolsRunningStatus',
  'guest.ipAddress',
  'guest.hostName',
  'guest.net',
  'runtime.powerState',
  'runtime.host',
  'snapshot',
  'resourcePool',
  'parent',
  'customValue',
  'summary.quickStats.overallCpuUsage',
  'summary.quickStats.guestMemoryUsage',
  'runtime.maxCpuUsage',
];

const PLACE_TYPES = ['HostSystem', 'ComputeResource', 'ClusterComputeResource', 'Folder', 'ResourcePool', 'Datacenter', 'Network', 'DistributedVirtualPortgroup'];

/** Checks and parses the address a consultant typed: `vc.corp`, `https://vc.corp`, `https://vc.corp/sdk`. */
export function sdkUrl(input: string): URL {
  const raw = input.trim();
  let u: URL;
  try {
    u = new URL(/^[a-z]+:\/\//i.test(raw) ? raw : `https://${raw}`);
  } catch {
    throw new DiscoveryError('discovery-unreachable', `"${raw.slice(0, 80)}" is not a vCenter address (expected https://HOST/sdk).`);
  }
  if (u.username || u.password) throw new DiscoveryError('discovery-unreachable', 'Give the user name with --user and the password on stdin, not inside the address.');
  if (u.pathname === '/' || u.pathname === '') u.pathname = '/sdk';
  return u;
}

function disksAndNics(devices: XmlElement | undefined, network: (key: string) => string | undefined, guestNet: Map<string, string[]>): { disks: VcDisk[]; nics: VcNic[] } {
  const all = childrenNamed(devices, 'VirtualDevice');
  const labels = new Map<string, string>();
  for (const d of all) {
    const key = text(d, 'key');
    const label = text(child(d, 'deviceInfo'), 'label');
    if (key && label) labels.set(key, label);
  }
  const disks: VcDisk[] = [];
  const nics: VcNic[] = [];
  for (const d of all) {
    const type = xsiType(d) ?? '';
    const backing = child(d, 'backing');
    const btype = xsiType(backing) ?? '';
    const label = text(child(d, 'deviceInfo'), 'label');
    if (type === 'VirtualDisk') {
      const bytes = num(d, 'capacityInBytes');
      const kb = num(d, 'capacityInKB') ?? (bytes !== undefined ? bytes / 1024 : 0);
      const disk: VcDisk = { label: label ?? `Hard disk ${disks.length + 1}`, capacityKB: Math.max(0, kb) };
      const ctl = labels.get(text(d, 'controllerKey') ?? '');
      if (ctl) disk.controller = ctl;
      const file = text(backing, 'fileName');
      if (file) disk.fileName = file;
      const thin = bool(backing, 'thinProvisioned');
      if (thin !== undefined) disk.thin = thin;
      const mode = text(backing, 'diskMode');
      if (mode) disk.diskMode = mode;
      const sharing = text(backing, 'sharing');
      if (sharing) disk.sharing = sharing;
      if (btype.startsWith('VirtualDiskRawDiskMapping') || btype === 'VirtualDiskRawDiskVer2BackingInfo') {
        disk.rdm = true;
        const cm = text(backing, 'compatibilityMode');
        if (cm) disk.compatibilityMode = cm;
      } else if (btype) disk.rdm = false;
      disks.push(disk);
    } else if (child(d, 'macAddress') || /^Virtual(E1000e?|Vmxnet\d?\w*|PCNet32|SriovEthernetCard|EthernetCard)$/i.test(type)) {
      const mac = text(d, 'macAddress')?.toLowerCase();
      const pg = text(child(backing, 'port'), 'portgroupKey');
      const net = text(backing, 'deviceName') ?? (pg ? (network(pg) ?? pg) : undefined) ?? (text(backing, 'opaqueNetworkId') ? text(backing, 'opaqueNetworkId') : undefined);
      const connected = bool(child(d, 'connectable'), 'connected');
      nics.push({
        ...(label ? { label } : {}),
        adapterType: type.replace(/^Virtual/, '') || 'unknown',
        ...(mac ? { mac } : {}),
        ...(net ? { network: net } : {}),
        ...(connected !== undefined ? { connected } : {}),
        ipAddresses: (mac && guestNet.get(mac)) || [],
      });
    }
  }
  return { disks, nics };
}

function snapshotsOf(info: XmlElement | undefined): { name: string; createdAt?: string }[] {
  const out: { name: string; createdAt?: string }[] = [];
  const walk = (list: XmlElement[], depth: number) => {
    if (depth > 64) return;
    for (const s of list) {
      const created = text(s, 'createTime');
      out.push({ name: text(s, 'name') ?? 'snapshot', ...(created ? { createdAt: created } : {}) });
      walk(childrenNamed(s, 'childSnapshotList'), depth + 1);
    }
  };
  walk(childrenNamed(info, 'rootSnapshotList'), 0);
  return out;
}

function guestNetOf(net: XmlElement | undefined): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const g of childrenNamed(net, 'GuestNicInfo')) {
    const mac = text(g, 'macAddress')?.toLowerCase();
    if (!mac) continue;
    const ips = childrenNamed(g, 'ipAddress').map((e) => text(e)).filter((x): x is string => !!x);
    m.set(mac, [...(m.get(mac) ?? []), ...ips]);
  }
  return m;
}

interface Place {
  type: string;
  name?: string;
  parent?: MoRef;
}

/** Reads one VM's properties (a RetrievePropertiesEx object) into facts; places resolve host, cluster, folder and network names. */
export function vmFromObject(o: ObjectContent, places: Map<string, Place>, fields: ReadonlyMap<string, string> = new Map()): VcVm {
  const p = (k: string) => o.props.get(k);
  const s = (k: string) => text(p(k));
  const n = (k: string) => {
    const v = s(k);
    const x = v === undefined ? undefined : Number(v);
    return x !== undefined && Number.isFinite(x) ? x : undefined;
  };
  const b = (k: string) => (s(k) === 'true' ? true : s(k) === 'false' ? false : undefined);
  const key = (m: MoRef | undefined) => (m ? `${m.type}:${m.value}` : '');
  const refOf = (el: XmlElement | undefined): MoRef | undefined => {
    const v = text(el);
    return el && v ? { type: el.attrs.type ?? xsiType(el) ?? '', value: v } : undefined;
  };
  const nameOf = (m: MoRef | undefined) => (m ? places.get(key(m))?.name : undefined);
  const networkByKey = (pgKey: string) => places.get(`DistributedVirtualPortgroup:${pgKey}`)?.name ?? places.get(`Network:${pgKey}`)?.name;
  const hostRef = refOf(p('runtime.host'));
  const host = hostRef ? places.get(key(hostRef)) : undefined;
  const compute = host?.parent ? places.get(key(host.parent)) : undefined;
  // The datacenter: walk up from the VM's folder (or the host) until a Datacenter.
  let datacenter: string | undefined;
  let cur: MoRef | undefined = refOf(p('parent')) ?? hostRef;
  for (let i = 0; cur && i < 32; i++) {
    const pl = places.get(key(cur));
    if (!pl) break;
    if (pl.type === 'Datacenter') {
      datacenter = pl.name;
      break;
    }
    cur = pl.parent;
  }
  const name = s('name');
  if (!name) throw new DiscoveryError('discovery-malformed-response', `The answer lists a VM (${o.obj.value.slice(0, 40)}) without a name.`);
  const { disks, nics } = disksAndNics(p('config.hardware.device'), networkByKey, guestNetOf(p('guest.net')));
  const vm: VcVm = { moref: o.obj.value, name, snapshots: snapshotsOf(p('snapshot')), disks, nics };
  const set = <K extends keyof VcVm>(k: K, v: VcVm[K] | undefined) => {
    if (v !== undefined && v !== '') vm[k] = v;
  };
  set('guestId', s('config.guestId'));
  set('guestFullName', s('config.guestFullName'));
  set('toolsGuestFullName', s('guest.guestFullName'));
  set('toolsRunningStatus', s('guest.toolsRunningStatus'));
  set('uuid', s('config.uuid'));
  set('instanceUuid', s('config.instanceUuid'));
  set('numCPU', n('config.hardware.numCPU'));
  set('coresPerSocket', n('config.hardware.numCoresPerSocket'));
  set('memoryMB', n('config.hardware.memoryMB'));
  set('firmware', s('config.firmware'));
  set('template', b('config.template'));
  set('cbt', b('config.changeTrackingEnabled'));
  set('annotation', s('config.annotation'));
  set('ipAddress', s('guest.ipAddress'));
  set('hostName', s('guest.hostName'));
  set('powerState', s('runtime.powerState'));
  set('host', host?.name);
  if (compute?.type === 'ClusterComputeResource') set('cluster', compute.name);
  set('datacenter', datacenter);
  const folder = refOf(p('parent'));
  if (folder?.type === 'Folder') set('folder', nameOf(folder));
  const pool = refOf(p('resourcePool'));
  const poolName = nameOf(pool);
  // Every cluster and host has a root pool named "Resources": a VM in it has no pool worth naming.
  if (poolName && poolName !== 'Resources') set('resourcePool', poolName);
  const qs = { cpuMhz: n('summary.quickStats.overallCpuUsage'), maxCpuMhz: n('runtime.maxCpuUsage'), guestMemoryMB: n('summary.quickStats.guestMemoryUsage') };
  if (Object.values(qs).some((v) => v !== undefined)) vm.quickStats = Object.fromEntries(Object.entries(qs).filter(([, v]) => v !== undefined && v >= 0));
  const custom = customValuesOf(p('customValue'), fields);
  if (Object.keys(custom).length) vm.customAttributes = custom;
  return vm;
}

/** customValue (ArrayOfCustomFieldValue) by field name; a value whose field is not known keeps its key as `custom field KEY`. */
export function customValuesOf(val: XmlElement | undefined, fields: ReadonlyMap<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const c of childrenNamed(val, 'CustomFieldValue')) {
    const key = text(c, 'key');
    const value = text(c, 'value');
    if (!key || value === undefined) continue;
    out[fields.get(key) ?? `custom field ${key}`] = value;
  }
  return out;
}

/** CustomFieldsManager.field (ArrayOfCustomFieldDef): key → name, for VM fields and global ones (no managedObjectType). */
export function customFieldNames(val: XmlElement | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const d of childrenNamed(val, 'CustomFieldDef')) {
    const key = text(d, 'key');
    const name = text(d, 'name');
    const type = text(d, 'managedObjectType');
    if (key && name && (!type || type === 'VirtualMachine')) out.set(key, name);
  }
  return out;
}

/**
 * Discovers every VM of a vCenter (or ESXi host) over the vSphere SOAP API: service content, login, one container
 * view of VirtualMachine (recursive) read page by page, one of the places (hosts, clusters, folders, pools,
 * datacenters, networks) for their names, then logout. The password is sent once, in Login, and kept nowhere.
 */
export async function discoverVcenter(o: VcenterDiscoveryOptions): Promise<VcenterInventory> {
  if (o.thumbprint && !isThumbprint(o.thumbprint)) throw new DiscoveryError('discovery-certificate-untrusted', 'The thumbprint must be a SHA-1 fingerprint: 40 hexadecimal digits (colons allowed).');
  const url = sdkUrl(o.url);
  const client = new VimClient({ url, ...(o.thumbprint ? { thumbprint: o.thumbprint } : {}), ...(o.timeoutMs ? { timeoutMs: o.timeoutMs } : {}), ...(o.signal ? { signal: o.signal } : {}) });
  let loggedIn = false;
  try {
    o.progress?.(0, null, `Connecting to ${url.host}`);
    const sc = await client.retrieveServiceContent();
    await client.login(o.user, o.password);
    loggedIn = true;
    o.progress?.(0, null, 'Reading hosts, clusters and folders');
    const placeView = await client.createContainerView(PLACE_TYPES);
    const placeObjs = await client.retrieveAll(
      placeView,
      PLACE_TYPES.map((type) => ({ type, paths: ['name', 'parent'] })),
      { maxObjects: 1000, ...(o.signal ? { signal: o.signal } : {}) },
    );
    await client.destroyView(placeView).catch(() => undefined);
    const places = new Map<string, Place>();
    for (const p of placeObjs) {
      const parent = p.props.get('parent');
      const pv = parent ? text(parent) : undefined;
      places.set(`${p.obj.type}:${p.obj.value}`, { type: p.obj.type, ...(text(p.props.get('name')) ? { name: text(p.props.get('name'))! } : {}), ...(parent && pv ? { parent: { type: parent.attrs.type ?? '', value: pv } } : {}) });
    }
    const warnings: string[] = [];
    // Custom attribute names: one read of CustomFieldsManager.field (absent for some users and on some ESXi builds).
    const fields = sc.customFieldsManager
      ? await client.retrieveOne(sc.customFieldsManager, ['field']).then(
          (props) => customFieldNames(props.get('field')),
          (e: unknown) => {
            if (o.signal?.aborted) throw e;
            warnings.push(`Custom attribute names could not be read (${e instanceof Error ? e.message.slice(0, 120) : 'error'}); values are kept under their field number.`);
            return new Map<string, string>();
          },
        )
      : new Map<string, string>();
    const view = await client.createContainerView(['VirtualMachine']);
    const vms: VcVm[] = [];
    await client.retrieveAll(view, [{ type: 'VirtualMachine', paths: VM_PATHS }], {
      maxObjects: o.pageSize ?? 500,
      ...(o.signal ? { signal: o.signal } : {}),
      onPage: (objs) => {
        for (const obj of objs) vms.push(vmFromObject(obj, places, fields));
        o.progress?.(vms.length, null, `Reading VMs: ${vms.length}`);
      },
    });
    await client.destroyView(view).catch(() => undefined);
    let perf: VcenterInventory['perf'];
    if (o.perfPeriod) {
      if (!sc.perfManager) warnings.push('This server offers no performance manager: utilization comes from the quick stats only.');
      else {
        const measured = vms.filter((v) => !v.template);
        o.progress?.(0, measured.length, `Reading performance statistics of the last ${o.perfPeriod}`);
        const r = await readPerf(client, sc.perfManager, {
          period: o.perfPeriod,
          vms: measured.map((v) => ({ moref: v.moref, ...(v.memoryMB ? { memoryMB: v.memoryMB } : {}) })),
          ...(o.signal ? { signal: o.signal } : {}),
          progress: (d, t) => o.progress?.(d, t, `Reading performance statistics: ${d} of ${t} VMs`),
        });
        for (const vm of vms) {
          const p = r.byMoref.get(vm.moref);
          if (p) vm.perf = p;
        }
        warnings.push(...r.warnings);
        perf = { period: o.perfPeriod, intervalId: r.intervalId, seconds: r.seconds, vms: r.byMoref.size };
      }
    }
    if (o.tags !== false && sc.about.apiType !== 'HostAgent') {
      o.progress?.(vms.length, null, 'Reading vSphere tags');
      const t = await readTags(client.http, { user: o.user, password: o.password, vmMorefs: new Set(vms.map((v) => v.moref)), ...(o.signal ? { signal: o.signal } : {}) });
      for (const vm of vms) {
        const tags = t.byMoref.get(vm.moref);
        if (tags) vm.tags = tags;
      }
      warnings.push(...t.warnings);
    } else if (o.tags !== false) warnings.push(`vSphere tags were not read: ${url.host} is an ESXi host (tags live in vCenter). Custom attributes were read.`);
    throwIfAborted(o.signal, 'Discovery cancelled; the project is unchanged.');
    return {
      vcenter: { ...(sc.about.instanceUuid ? { instanceUuid: sc.about.instanceUuid } : {}), name: url.hostname, ...(sc.about.fullName ? { fullName: sc.about.fullName } : {}), ...(sc.about.apiType ? { apiType: sc.about.apiType } : {}) },
      vms,
      warnings,
      ...(perf ? { perf } : {}),
    };
  } finally {
    if (loggedIn) await client.logout().catch(() => undefined);
    client.close();
  }
}
