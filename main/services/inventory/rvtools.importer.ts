import { WorkbenchError } from '../../common/model/errors';
import type { SkippedRow } from '../../common/model/inventory-import';
import type { Disk, Nic, PowerState, Server } from '../../common/model/server';
import { basename, blankServer, osFamily, splitList, yieldToCancel, type ImportBatch, type Importer, type LoadedFile } from './importer';
import { cellBool, cellDate, cellText, describeHeaders, mapColumns, normHeader, type Cell, type Table } from './table';
import { provenance, tableIssues, type TableIssues } from './csv-importer.kit';

/** The RVTools tabs the importer joins; the others (vHealth, vLicense…) say nothing about a VM's migration. */
export const RVTOOLS_SHEETS = ['vInfo', 'vCPU', 'vMemory', 'vDisk', 'vPartition', 'vNetwork', 'vHost', 'vSource', 'vSnapshot', 'vTools'] as const;
type Sheet = (typeof RVTOOLS_SHEETS)[number];
const ALL_RVTOOLS_SHEETS = new Set(
  [...RVTOOLS_SHEETS, 'vCD', 'vUSB', 'vRP', 'vCluster', 'vHBA', 'vNIC', 'vSwitch', 'vPort', 'dvSwitch', 'dvPort', 'vSC_VMK', 'vDatastore', 'vMultiPath', 'vLicense', 'vFileInfo', 'vHealth', 'vMetaData'].map((s) => s.toLowerCase()),
);

/** Columns that identify a VM on every VM tab, in every header era. */
const VM_KEY = {
  vm: ['VM', 'vInfoVMName', 'VM Name', 'Name'],
  uuid: ['VM UUID', 'vInfoUUID', 'UUID'],
  smbios: ['SMBIOS UUID', 'vInfoSMBIOSUUID'],
  vmId: ['VM ID', 'vInfoVMID', 'Object ID'],
  sdkServer: ['VI SDK Server', 'vInfoVISDKServer', 'vCenter'],
  sdkUuid: ['VI SDK UUID', 'vCenter UUID', 'vInfoVISDKUUID'],
} as const;

const VINFO = {
  ...VM_KEY,
  vm: ['VM', 'vInfoVMName', 'VM Name'],
  power: ['Powerstate', 'Power state', 'vInfoPowerstate'],
  template: ['Template', 'vInfoTemplate'],
  cpus: ['CPUs', 'vInfoCPUs', 'Num CPU'],
  memory: ['Memory', 'vInfoMemory', 'Memory MiB', 'Memory MB'],
  provisioned: ['Provisioned MiB', 'Provisioned MB', 'vInfoProvisioned', 'vInfoProvisionedMiB'],
  inUse: ['In Use MiB', 'In Use MB', 'vInfoInUse', 'vInfoInUseMiB'],
  datacenter: ['Datacenter', 'vInfoDataCenter'],
  cluster: ['Cluster', 'vInfoCluster'],
  host: ['Host', 'vInfoHost'],
  folder: ['Folder', 'vInfoFolder'],
  resourcePool: ['Resource pool', 'vInfoResourcePool'],
  osConfig: ['OS according to the configuration file', 'vInfoOS', 'OS'],
  osTools: ['OS according to the VMware Tools', 'vInfoOSTools'],
  primaryIp: ['Primary IP Address', 'vInfoPrimaryIPAddress'],
  dnsName: ['DNS Name', 'vInfoDNSName'],
  firmware: ['Firmware', 'vInfoFirmware'],
  secureBoot: ['EFI Secure boot', 'vInfoEFISecureBoot'],
  cbt: ['CBT', 'vInfoCBT'],
  annotation: ['Annotation', 'vInfoAnnotation'],
  cpuUsage: ['CPU Usage %'],
} as const;

/**
 * vInfo headers RVTools 4.x writes, in its order (checked against a 27-tab RVTools 4.x export of 133
 * VMs; network columns `Network #1`…`#8` are matched by pattern). Custom attributes sit between
 * `Annotation` and `Datacenter`.
 */
export const RVTOOLS_4_VINFO_COLUMNS = [
  'VM', 'Powerstate', 'Template', 'SRM Placeholder', 'Config status', 'DNS Name', 'Connection state', 'Guest state', 'Heartbeat',
  'Consolidation Needed', 'PowerOn', 'Suspended To Memory', 'Suspend time', 'Suspend Interval', 'Creation date', 'Change Version', 'CPUs',
  'Overall Cpu Readiness', 'Memory', 'Active Memory', 'NICs', 'Disks', 'Total disk capacity MiB', 'Fixed Passthru HotPlug',
  'min Required EVC Mode Key', 'Latency Sensitivity', 'Op Notification Timeout', 'EnableUUID', 'CBT', 'Primary IP Address', 'Num Monitors',
  'Video Ram KiB', 'Resource pool', 'Folder ID', 'Folder', 'vApp', 'DAS protection', 'FT State', 'FT Role', 'FT Latency', 'FT Bandwidth',
  'FT Sec. Latency', 'Vm Failover In Progress', 'Provisioned MiB', 'In Use MiB', 'Unshared MiB', 'HA Restart Priority', 'HA Isolation Response',
  'HA VM Monitoring', 'Cluster rule(s)', 'Cluster rule name(s)', 'Boot Required', 'Boot delay', 'Boot retry delay', 'Boot retry enabled',
  'Boot BIOS setup', 'Reboot PowerOff', 'EFI Secure boot', 'Firmware', 'HW version', 'HW upgrade status', 'HW upgrade policy', 'HW target', 'Path',
  'Log directory', 'Snapshot directory', 'Suspend directory', 'Annotation', 'Datacenter', 'Cluster', 'Host', 'OS according to the configuration file',
  'OS according to the VMware Tools', 'Customization Info', 'Guest Detailed Data', 'VM ID', 'SMBIOS UUID', 'VM UUID', 'VI SDK Server type',
  'VI SDK API Version', 'VI SDK Server', 'VI SDK UUID',
] as const;

/**
 * vCenter custom fields that other products create for their own bookkeeping, not labels a consultant
 * set: System Center VMM's per-object id and vCenter's internal `com.vmware.*` fields. RVTools lists
 * them with the custom attributes; the importer reads them as neither columns nor tags.
 */
export const isToolField = (n: string) => n === 'clusterinvariantvmmid' || n.startsWith('comvmware');

/** vInfo headers RVTools itself writes (4.x and the 3.x spellings); any other column is a vCenter custom attribute. */
const VINFO_STANDARD = new Set(
  [
    ...RVTOOLS_4_VINFO_COLUMNS,
    'VM', 'Powerstate', 'Template', 'SRM Placeholder', 'Config status', 'DNS Name', 'Connection state', 'Guest state', 'Heartbeat',
    'Consolidation Needed', 'PowerOn', 'Suspended To Memory', 'Suspend time', 'Suspend Interval', 'Creation date', 'Change Version', 'CPUs',
    'Overall Cpu Readiness', 'Memory', 'Active Memory', 'NICs', 'Disks', 'Total disk capacity MiB', 'Total disk capacity MB', 'Fixed Passthru HotPlug',
    'min Required EVC Mode Key', 'Latency Sensitivity', 'Op Notification Timeout', 'EnableUUID', 'CBT', 'Primary IP Address', 'Num Monitors',
    'Video Ram KiB', 'Video Ram KB', 'Resource pool', 'Folder ID', 'Folder', 'vApp', 'DAS protection', 'FT State', 'FT Role', 'FT Latency', 'FT Bandwidth',
    'FT Secondary Latency', 'Vm Failover In Progress', 'Provisioned MiB', 'Provisioned MB', 'In Use MiB', 'In Use MB', 'Unshared MiB', 'Unshared MB',
    'HA Restart Priority', 'HA Isolation Response', 'HA VM Monitoring', 'Cluster rule(s)', 'Cluster rule name(s)', 'Boot Required', 'Boot delay',
    'Boot retry delay', 'Boot retry enabled', 'Boot BIOS setup', 'Reboot PowerOff', 'EFI Secure boot', 'Firmware', 'HW version', 'HW upgrade status',
    'HW upgrade policy', 'HW target', 'Path', 'Log directory', 'Snapshot directory', 'Suspend directory', 'Annotation', 'Datacenter', 'Cluster', 'Host',
    'OS according to the configuration file', 'OS according to the VMware Tools', 'Customization Info', 'Guest Detailed Data', 'VM ID', 'SMBIOS UUID',
    'VM UUID', 'VI SDK Server type', 'VI SDK API Version', 'VI SDK Server', 'VI SDK UUID', 'vCenter UUID', 'Object ID', 'CPU Usage %',
    'Memory Usage %', 'Internal Sort Column', 'Tools', 'Tools Version', 'Owner',
  ].map(normHeader),
);
const isStandardVinfo = (h: string) => {
  const n = normHeader(h);
  return VINFO_STANDARD.has(n) || n.startsWith('vinfo') || /^network#\d+$/.test(n) || n === '' || isToolField(n);
};

const SHEET_COLUMNS = {
  vCPU: { ...VM_KEY, cpus: ['CPUs', 'vCPUCPUs'], sockets: ['Sockets', 'vCPUSockets'], cores: ['Cores p/s', 'Cores per socket', 'vCPUCoresPerSocket'] },
  vMemory: { ...VM_KEY, size: ['Size MiB', 'Size MB', 'vMemorySizeMiB', 'vMemorySize'], active: ['Active', 'vMemoryActive'], consumed: ['Consumed', 'vMemoryConsumed'] },
  vDisk: {
    ...VM_KEY,
    disk: ['Disk', 'vDiskDisk', 'Disk label'],
    capacity: ['Capacity MiB', 'Capacity MB', 'vDiskCapacityMiB', 'vDiskCapacity'],
    thin: ['Thin', 'vDiskThin'],
    mode: ['Disk Mode', 'Mode', 'vDiskMode'],
    controller: ['Controller', 'vDiskController'],
    sharing: ['Sharing mode', 'vDiskSharingMode'],
    raw: ['Raw', 'vDiskRaw'],
    path: ['Path', 'vDiskPath'],
  },
  vPartition: {
    ...VM_KEY,
    disk: ['Disk', 'vPartitionDisk'],
    capacity: ['Capacity MiB', 'Capacity MB', 'vPartitionCapacityMiB', 'vPartitionCapacity'],
    consumed: ['Consumed MiB', 'Consumed MB', 'vPartitionConsumedMiB'],
    free: ['Free MiB', 'Free MB', 'vPartitionFreeMiB', 'vPartitionFree'],
  },
  vNetwork: {
    ...VM_KEY,
    label: ['NIC label', 'vNetworkNICLabel'],
    adapter: ['Adapter', 'vNetworkAdapter'],
    network: ['Network', 'vNetworkNetwork', 'Port Group'],
    connected: ['Connected', 'vNetworkConnected'],
    mac: ['Mac Address', 'MAC Address', 'vNetworkMacAddress'],
    ipv4: ['IPv4 Address', 'IP Address', 'vNetworkIPv4Address', 'vNetworkIpv4'],
    ipv6: ['IPv6 Address', 'vNetworkIPv6Address', 'vNetworkIpv6'],
  },
  vSnapshot: {
    ...VM_KEY,
    name: ['Name', 'Snapshot', 'vSnapshotName'],
    date: ['Date / time', 'Date/time', 'vSnapshotDateTime'],
    size: ['Size MiB (total)', 'Size MB (total)', 'Size MiB (vmsn)', 'vSnapshotSizeTotal'],
  },
  vTools: { ...VM_KEY, tools: ['Tools', 'vToolsTools', 'Tools status'], version: ['Tools Version', 'vToolsVersion'] },
  vHost: { host: ['Host', 'vHostName', 'Name'], datacenter: ['Datacenter', 'vHostDatacenter'], cluster: ['Cluster', 'vHostCluster'] },
  vSource: { name: ['Name', 'vSourceName', 'VI SDK Server'], uuid: ['VI SDK UUID', 'vCenter UUID', 'Instance UUID', 'vSourceUUID'], fullName: ['Fullname', 'Full name', 'vSourceFullName'] },
} as const;

/**
 * Which columns of an RVTools tab the importer reads: the mapped ones, plus every non-standard
 * vInfo column (custom attributes). Skipping the rest while parsing halves the work on big exports.
 */
export function rvtoolsColumnFilter(sheetName: string): ((header: string) => boolean) | undefined {
  const sheet = RVTOOLS_SHEETS.find((s) => s.toLowerCase() === rvtoolsSheetOf(sheetName));
  if (!sheet) return undefined;
  const spec: Record<string, readonly string[]> = sheet === 'vInfo' ? VINFO : SHEET_COLUMNS[sheet];
  const wanted = new Set(Object.values(spec).flat().map(normHeader));
  return sheet === 'vInfo' ? (h) => wanted.has(normHeader(h)) || !isStandardVinfo(h) : (h) => wanted.has(normHeader(h));
}

/** Sheet name as RVTools writes it, from a sheet name or a CSV file name (`RVTools_tabvInfo.csv`). */
export function rvtoolsSheetOf(name: string): string | null {
  const m = /(?:^|tab)(v[A-Za-z]+|dv[A-Za-z]+|vSC_VMK)(?:\.csv)?$/i.exec(name.replace(/^.*[\\/]/, ''));
  const candidate = (m ? m[1]! : name).toLowerCase();
  return ALL_RVTOOLS_SHEETS.has(candidate) ? candidate : null;
}

function sheetKey(t: Table): Sheet | null {
  const s = rvtoolsSheetOf(t.name);
  return (RVTOOLS_SHEETS.find((x) => x.toLowerCase() === s) ?? null) as Sheet | null;
}

function power(v: string | undefined): PowerState | null {
  if (!v) return 'unknown';
  const t = v.toLowerCase().replace(/[\s_-]/g, '');
  if (t === 'poweredon' || t === 'on' || t === 'running') return 'poweredOn';
  if (t === 'poweredoff' || t === 'off' || t === 'stopped') return 'poweredOff';
  if (t === 'suspended') return 'suspended';
  return null;
}

interface VmIndex {
  byUuid: Map<string, number>;
  byMoref: Map<string, number>;
  byName: Map<string, number | 'ambiguous'>;
}

function lc(v: string | undefined): string {
  return v ? v.toLowerCase() : '';
}

/** What every tab reader shares: the VMs read from vInfo, their index, the report, and the row clock. */
interface JoinContext {
  servers: Server[];
  index: VmIndex;
  warnings: string[];
  skipped: SkippedRow[];
  source: string;
  issues(t: Table): TableIssues;
  /** Every 2,048 rows: report progress, let cancel requests in, stop if cancelled. */
  tick(): Promise<void>;
}

const prov = (sheet: string, header: string | undefined, rowNo: number) => provenance(header, rowNo, sheet);

/** vInfo: one server per row, with the identities the other tabs are joined on. */
async function readVinfo(vinfo: Table, fileLabel: string, ctx: JoinContext): Promise<void> {
  const { servers, index, warnings } = ctx;
  const cols = mapColumns(vinfo, VINFO, ['vm', 'uuid', 'vmId', 'smbios']);
  const ix = cols.index;
  if (ix.vm < 0) {
    throw new WorkbenchError('import-missing-columns', `${fileLabel}: the vInfo tab has no "VM" column (found: ${describeHeaders(vinfo.headers)}). It is the VM name RVTools always writes; was the header row edited?`);
  }
  for (const f of ['cpus', 'memory'] as const) {
    if (ix[f] < 0) warnings.push(`vInfo has no ${VINFO[f][0]} column: ${f === 'cpus' ? 'vCPU counts' : 'memory sizes'} come from ${f === 'cpus' ? 'vCPU' : 'vMemory'} if present, else stay 0.`);
  }
  const mbEra = /\bMB$/.test(cols.header.provisioned ?? '') || /\bMB$/.test(cols.header.inUse ?? '');
  if (mbEra) warnings.push('vInfo uses RVTools 3.x "MB" headers; RVTools has always counted those in MiB, so they are read as MiB.');
  const customCols = vinfo.headers.map((h, i) => ({ h, i })).filter(({ h }) => !isStandardVinfo(h));
  const { issue, num } = ctx.issues(vinfo);
  const vinfoRow = (row: Cell[], rowNo: number) => {
    const name = cellText(row[ix.vm]);
    if (!name) {
      issue(rowNo, ix.vm, null, 'no VM name; row skipped');
      return;
    }
    const s = blankServer(name, { kind: 'rvtools', name: ctx.source });
    const p = s.provenance;
    p.name = prov('vInfo', cols.header.vm, rowNo);
    const text = (f: keyof typeof VINFO) => (ix[f] >= 0 ? cellText(row[ix[f]]) : undefined);
    const set = (path: string, f: keyof typeof VINFO) => (p[path] = prov('vInfo', cols.header[f], rowNo));
    s.vmManager = { type: 'vsphere' };
    const sdkServer = text('sdkServer');
    const sdkUuid = text('sdkUuid');
    if (sdkServer) { s.vmManager.name = sdkServer; set('vmManager.name', 'sdkServer'); }
    if (sdkUuid) { s.vmManager.id = sdkUuid; set('vmManager.id', 'sdkUuid'); }
    const uuid = text('uuid');
    const smbios = text('smbios');
    const moref = text('vmId');
    if (uuid) { s.identity.biosUuid = uuid; set('identity.biosUuid', 'uuid'); }
    // Older exports have no SMBIOS UUID column: the VM UUID is the same value.
    if (smbios ?? uuid) { s.identity.smbiosUuid = smbios ?? uuid; set('identity.smbiosUuid', smbios ? 'smbios' : 'uuid'); }
    if (moref) { s.identity.moref = moref; set('identity.moref', 'vmId'); }
    const dns = text('dnsName');
    if (dns) {
      s.identity.hostName = dns.split('.')[0];
      if (dns.includes('.')) s.identity.fqdn = dns;
      set('identity.hostName', 'dnsName');
    }
    for (const [path, f] of [['place.datacenter', 'datacenter'], ['place.cluster', 'cluster'], ['place.host', 'host'], ['place.folder', 'folder'], ['place.resourcePool', 'resourcePool']] as const) {
      const v = text(f);
      if (v) {
        (s.place as Record<string, string>)[path.slice(6)] = v;
        set(path, f);
      }
    }
    const pw = power(text('power'));
    if (pw === null) issue(rowNo, ix.power, row[ix.power], 'power state not understood (expected poweredOn, poweredOff or suspended); set to unknown');
    s.state.power = pw ?? 'unknown';
    if (ix.power >= 0) set('state.power', 'power');
    const tpl = ix.template >= 0 ? cellBool(row[ix.template]) : undefined;
    if (tpl !== undefined) { s.state.template = tpl; set('state.template', 'template'); }
    const osConf = text('osConfig');
    const osTools = text('osTools');
    if (osConf) { s.os.configured = osConf; set('os.configured', 'osConfig'); }
    if (osTools) { s.os.reported = osTools; set('os.reported', 'osTools'); }
    s.os.family = osFamily(osTools, osConf);
    const fw = lc(text('firmware'));
    if (fw) { s.firmware.type = fw.includes('efi') ? 'efi' : fw.includes('bios') ? 'bios' : 'unknown'; set('firmware.type', 'firmware'); }
    const sb = ix.secureBoot >= 0 ? cellBool(row[ix.secureBoot]) : undefined;
    if (sb !== undefined) { s.firmware.secureBoot = sb; set('firmware.secureBoot', 'secureBoot'); }
    const cpus = num(row, rowNo, ix.cpus, 'CPUs');
    if (cpus !== undefined) { s.cpu.vcpus = Math.round(cpus); set('cpu.vcpus', 'cpus'); }
    const mem = num(row, rowNo, ix.memory, 'Memory');
    if (mem !== undefined) { s.memoryMiB = mem; set('memoryMiB', 'memory'); }
    const provisioned = num(row, rowNo, ix.provisioned, 'Provisioned');
    const inUse = num(row, rowNo, ix.inUse, 'In Use');
    if (provisioned !== undefined || inUse !== undefined) {
      s.storage = {};
      if (provisioned !== undefined) { s.storage.provisionedMiB = provisioned; set('storage.provisionedMiB', 'provisioned'); }
      if (inUse !== undefined) { s.storage.usedMiB = inUse; set('storage.usedMiB', 'inUse'); }
    }
    const cbt = ix.cbt >= 0 ? cellBool(row[ix.cbt]) : undefined;
    if (cbt !== undefined) { s.cbt = cbt; set('cbt', 'cbt'); }
    const ann = text('annotation');
    if (ann) { s.annotation = ann; set('annotation', 'annotation'); }
    const ip = text('primaryIp');
    if (ip) {
      s.nics = [{ label: 'Primary', ipv4: ip.includes(':') ? [] : [ip], ipv6: ip.includes(':') ? [ip] : [] }];
      set('nics', 'primaryIp');
    }
    const cpuUsage = num(row, rowNo, ix.cpuUsage, 'CPU Usage %');
    if (cpuUsage !== undefined) { s.utilization = { cpuAvgPct: cpuUsage }; set('utilization.cpuAvgPct', 'cpuUsage'); }
    for (const { h, i } of customCols) {
      const v = cellText(row[i]);
      if (v !== undefined) {
        s.tags[h] = v;
        p[`tags.${h}`] = `vInfo!${h} r${rowNo} (custom attribute)`;
      }
    }
    const at = servers.push(s) - 1;
    if (smbios ?? uuid) index.byUuid.set(lc(smbios ?? uuid), at);
    if (uuid) index.byUuid.set(lc(uuid), at);
    if (moref) index.byMoref.set(`${lc(sdkUuid ?? sdkServer)}|${lc(moref)}`, at);
    const nameKey = `${lc(sdkServer)}|${lc(name)}`;
    index.byName.set(nameKey, index.byName.has(nameKey) ? 'ambiguous' : at);
    const bare = `|${lc(name)}`;
    if (nameKey !== bare) index.byName.set(bare, index.byName.has(bare) ? 'ambiguous' : at);
  };
  for (let r = 0; r < vinfo.rows.length; r++) {
    await ctx.tick();
    vinfoRow(vinfo.rows[r]!, vinfo.rowNumbers[r]!);
  }
  if (customCols.length) warnings.push(`vInfo custom attributes kept as tags: ${customCols.map((c) => c.h).join(', ')}.`);
}

/** Finds the vInfo VM a row of another tab belongs to: UUID, then VM ID, then name. */
function resolver(t: Table, ctx: JoinContext) {
  const k = mapColumns(t, VM_KEY, ['vm', 'uuid', 'vmId']).index;
  if (k.vm < 0 && k.uuid < 0 && k.vmId < 0 && k.smbios < 0) {
    ctx.warnings.push(`${t.name} has no VM, VM UUID or VM ID column: tab ignored.`);
    return null;
  }
  const { issue } = ctx.issues(t);
  const { servers, index } = ctx;
  return (row: Cell[], rowNo: number): Server | null => {
    const uuid = lc(cellText(row[k.smbios]) ?? cellText(row[k.uuid]));
    if (uuid && k.smbios + k.uuid > -2) {
      const at = index.byUuid.get(uuid);
      if (at !== undefined) return servers[at]!;
    }
    const moref = lc(cellText(row[k.vmId]));
    if (moref && k.vmId >= 0) {
      const at = index.byMoref.get(`${lc(cellText(row[k.sdkUuid]) ?? cellText(row[k.sdkServer]))}|${moref}`);
      if (at !== undefined) return servers[at]!;
    }
    const name = cellText(row[k.vm]);
    if (!name) {
      issue(rowNo, k.vm, null, 'no VM name or id; row skipped');
      return null;
    }
    const at = index.byName.get(`${lc(cellText(row[k.sdkServer]))}|${lc(name)}`) ?? index.byName.get(`|${lc(name)}`);
    if (at === 'ambiguous') {
      issue(rowNo, k.vm, name, 'several VMs in vInfo have this name and the row has no VM UUID or VM ID to tell them apart; row skipped');
      return null;
    }
    if (at === undefined) {
      issue(rowNo, k.vm, name, 'VM not found in vInfo; row skipped');
      return null;
    }
    return servers[at]!;
  };
}

/** Calls `fn` for every row of a VM tab that resolves to a vInfo VM. */
async function eachVmRow(t: Table, ctx: JoinContext, fn: (s: Server, row: Cell[], rowNo: number) => void): Promise<void> {
  if (t.rows.length === 0) return;
  const find = resolver(t, ctx);
  if (!find) return;
  for (let r = 0; r < t.rows.length; r++) {
    await ctx.tick();
    const row = t.rows[r]!;
    const rowNo = t.rowNumbers[r]!;
    const s = find(row, rowNo);
    if (s) fn(s, row, rowNo);
  }
}

type TabReader = (t: Table, ctx: JoinContext) => Promise<void>;

/** One reader per RVTools tab after vInfo, run in this order. */
const TAB_READERS: [Exclude<Sheet, 'vInfo'>, TabReader][] = [
  // vCPU: sockets and cores per socket.
  ['vCPU', async (t, ctx) => {
    const cols = mapColumns(t, SHEET_COLUMNS.vCPU);
    const c = cols.index;
    const { num } = ctx.issues(t);
    await eachVmRow(t, ctx, (s, row, rowNo) => {
      const cpus = num(row, rowNo, c.cpus, 'CPUs');
      const sockets = num(row, rowNo, c.sockets, 'Sockets');
      const cores = num(row, rowNo, c.cores, 'Cores per socket');
      if (cpus !== undefined && s.cpu.vcpus === 0) { s.cpu.vcpus = Math.round(cpus); s.provenance['cpu.vcpus'] = prov('vCPU', cols.header.cpus, rowNo); }
      if (sockets && sockets >= 1) { s.cpu.sockets = Math.round(sockets); s.provenance['cpu.sockets'] = prov('vCPU', cols.header.sockets, rowNo); }
      if (cores && cores >= 1) { s.cpu.coresPerSocket = Math.round(cores); s.provenance['cpu.coresPerSocket'] = prov('vCPU', cols.header.cores, rowNo); }
    });
  }],
  ['vMemory', async (t, ctx) => {
    const cols = mapColumns(t, SHEET_COLUMNS.vMemory);
    const { num } = ctx.issues(t);
    await eachVmRow(t, ctx, (s, row, rowNo) => {
      const size = num(row, rowNo, cols.index.size, 'Size');
      if (size !== undefined && s.memoryMiB === 0) { s.memoryMiB = size; s.provenance.memoryMiB = prov('vMemory', cols.header.size, rowNo); }
      const active = num(row, rowNo, cols.index.active, 'Active');
      const total = size ?? s.memoryMiB;
      if (active !== undefined && total > 0) {
        s.utilization = { ...s.utilization, memAvgPct: Math.round((active / total) * 1000) / 10 };
        s.provenance['utilization.memAvgPct'] = `${prov('vMemory', cols.header.active, rowNo)} (active ÷ size at export time)`;
      }
    });
  }],
  ['vDisk', async (t, ctx) => {
    const d = mapColumns(t, SHEET_COLUMNS.vDisk).index;
    const { num } = ctx.issues(t);
    if (d.capacity < 0) ctx.warnings.push('vDisk has no Capacity column: disk sizes unknown.');
    await eachVmRow(t, ctx, (s, row, rowNo) => {
      const cap = num(row, rowNo, d.capacity, 'Capacity');
      const disk: Disk = { label: cellText(row[d.disk]) ?? `Disk ${s.disks.length + 1}`, capacityMiB: cap ?? 0, provisionedMiB: cap ?? 0 };
      const thin = d.thin >= 0 ? cellBool(row[d.thin]) : undefined;
      if (thin !== undefined) disk.thin = thin;
      const mode = cellText(row[d.mode]);
      if (mode && d.mode >= 0) disk.mode = mode;
      const ctl = cellText(row[d.controller]);
      if (ctl && d.controller >= 0) disk.controller = ctl;
      const sharing = lc(cellText(row[d.sharing]));
      if (sharing && d.sharing >= 0) disk.shared = sharing.includes('multi');
      const raw = d.raw >= 0 ? cellBool(row[d.raw]) : undefined;
      if (raw !== undefined) disk.rdm = raw;
      const path = cellText(row[d.path]);
      if (path && d.path >= 0) disk.path = path;
      s.disks.push(disk);
      s.provenance.disks = 'vDisk rows';
    });
  }],
  ['vPartition', async (t, ctx) => {
    const c = mapColumns(t, SHEET_COLUMNS.vPartition).index;
    const { num } = ctx.issues(t);
    await eachVmRow(t, ctx, (s, row, rowNo) => {
      const cap = num(row, rowNo, c.capacity, 'Capacity');
      const free = num(row, rowNo, c.free, 'Free');
      s.partitions.push({ path: cellText(row[c.disk]) ?? '?', capacityMiB: cap ?? 0, ...(free !== undefined ? { freeMiB: free } : {}) });
      s.provenance.partitions = 'vPartition rows';
    });
  }],
  ['vNetwork', async (t, ctx) => {
    const c = mapColumns(t, SHEET_COLUMNS.vNetwork).index;
    let noNetwork = 0;
    const fromVnetwork = new Set<Server>();
    await eachVmRow(t, ctx, (s, row, rowNo) => {
      if (!fromVnetwork.has(s)) {
        // vNetwork is the full list; it replaces the primary-IP stub from vInfo.
        fromVnetwork.add(s);
        s.nics = [];
      }
      const nic: Nic = { ipv4: [], ipv6: [] };
      const label = cellText(row[c.label]);
      if (label && c.label >= 0) nic.label = label;
      const network = c.network >= 0 ? cellText(row[c.network]) : undefined;
      if (network) nic.network = network;
      else noNetwork++;
      const mac = c.mac >= 0 ? cellText(row[c.mac]) : undefined;
      if (mac) nic.mac = mac.toLowerCase();
      const adapter = c.adapter >= 0 ? cellText(row[c.adapter]) : undefined;
      if (adapter) nic.adapterType = adapter;
      const conn = c.connected >= 0 ? cellBool(row[c.connected]) : undefined;
      if (conn !== undefined) nic.connected = conn;
      nic.ipv4 = c.ipv4 >= 0 ? splitList(cellText(row[c.ipv4]), /[,;\s]+/).filter((x) => !x.includes(':')) : [];
      nic.ipv6 = c.ipv6 >= 0 ? splitList(cellText(row[c.ipv6]), /[,;\s]+/) : [];
      s.nics.push(nic);
      s.provenance.nics = `vNetwork rows (last r${rowNo})`;
    });
    if (noNetwork) ctx.warnings.push(`${noNetwork} network adapter${noNetwork === 1 ? ' has' : 's have'} no network name in vNetwork (disconnected or not reported); kept without one.`);
  }],
  ['vSnapshot', async (t, ctx) => {
    const c = mapColumns(t, SHEET_COLUMNS.vSnapshot).index;
    const { num } = ctx.issues(t);
    await eachVmRow(t, ctx, (s, row, rowNo) => {
      const when = c.date >= 0 ? cellDate(row[c.date]) : undefined;
      const size = num(row, rowNo, c.size, 'Size');
      s.snapshots.push({ name: cellText(row[c.name]) ?? 'snapshot', ...(when ? { createdAt: when } : {}), ...(size !== undefined ? { sizeMiB: size } : {}) });
      s.provenance.snapshots = 'vSnapshot rows';
    });
  }],
  ['vTools', async (t, ctx) => {
    const cols = mapColumns(t, SHEET_COLUMNS.vTools);
    await eachVmRow(t, ctx, (s, row, rowNo) => {
      const tools = cellText(row[cols.index.tools]);
      if (tools && cols.index.tools >= 0) { s.state.tools = tools; s.provenance['state.tools'] = prov('vTools', cols.header.tools, rowNo); }
    });
  }],
  // vHost fills in datacenter/cluster for VMs whose vInfo row lacks them (trimmed exports).
  ['vHost', async (t, ctx) => {
    const c = mapColumns(t, SHEET_COLUMNS.vHost).index;
    const places = new Map<string, { datacenter?: string; cluster?: string }>();
    t.rows.forEach((row) => {
      const h = cellText(row[c.host]);
      if (h && c.host >= 0) places.set(lc(h), { ...(cellText(row[c.datacenter]) && c.datacenter >= 0 ? { datacenter: cellText(row[c.datacenter])! } : {}), ...(cellText(row[c.cluster]) && c.cluster >= 0 ? { cluster: cellText(row[c.cluster])! } : {}) });
    });
    for (const s of ctx.servers) {
      const pl = s.place.host ? places.get(lc(s.place.host)) : undefined;
      if (!pl) continue;
      if (!s.place.datacenter && pl.datacenter) { s.place.datacenter = pl.datacenter; s.provenance['place.datacenter'] = 'vHost (by host)'; }
      if (!s.place.cluster && pl.cluster) { s.place.cluster = pl.cluster; s.provenance['place.cluster'] = 'vHost (by host)'; }
    }
  }],
  // vSource names the vCenter when vInfo does not (single-vCenter exports).
  ['vSource', async (t, ctx) => {
    if (t.rows.length !== 1) return;
    const c = mapColumns(t, SHEET_COLUMNS.vSource).index;
    const row = t.rows[0]!;
    const name = c.name >= 0 ? cellText(row[c.name]) : undefined;
    const uuid = c.uuid >= 0 ? cellText(row[c.uuid]) : undefined;
    for (const s of ctx.servers) {
      if (!s.vmManager.name && name) { s.vmManager.name = name; s.provenance['vmManager.name'] = 'vSource r2'; }
      if (!s.vmManager.id && uuid) { s.vmManager.id = uuid; s.provenance['vmManager.id'] = 'vSource r2'; }
    }
  }],
];

/** Joins RVTools tabs by VM identity into servers (vInfo first, then one reader per tab); each value records its sheet, column and row. */
export async function readRvtoolsTables(tables: Table[], fileLabel: string, onRow?: (done: number, total: number) => void, signal?: AbortSignal): Promise<ImportBatch> {
  const bySheet = new Map<Sheet, Table>();
  for (const t of tables) {
    const k = sheetKey(t);
    if (k && !bySheet.has(k)) bySheet.set(k, t);
  }
  const vinfo = bySheet.get('vInfo');
  if (!vinfo) {
    throw new WorkbenchError('import-missing-columns', `${fileLabel} has no vInfo tab: RVTools exports list one row per VM there. Export vInfo (or add RVTools_tabvInfo.csv) and import again.`);
  }
  if (vinfo.headers.length === 0 || vinfo.rows.length === 0) {
    throw new WorkbenchError('import-empty', `${fileLabel}: the vInfo tab is empty (no VMs). Check that RVTools was connected to vCenter when it exported.`);
  }
  let done = 0;
  const total = [...bySheet.values()].reduce((n, t) => n + t.rows.length, 0);
  const skipped: SkippedRow[] = [];
  const source = basename(fileLabel);
  const issuesOf = new Map<Table, TableIssues>();
  const ctx: JoinContext = {
    servers: [],
    index: { byUuid: new Map(), byMoref: new Map(), byName: new Map() },
    warnings: [],
    skipped,
    source,
    issues(t) {
      let i = issuesOf.get(t);
      if (!i) issuesOf.set(t, (i = tableIssues(t, source, skipped, { sheet: true })));
      return i;
    },
    async tick() {
      if ((++done & 2047) !== 0) return;
      onRow?.(done, total);
      await yieldToCancel(signal);
    },
  };
  await readVinfo(vinfo, fileLabel, ctx);
  for (const [sheet, read] of TAB_READERS) {
    const t = bySheet.get(sheet);
    if (t) await read(t, ctx);
    else if (sheet === 'vDisk') ctx.warnings.push('No vDisk tab: per-disk sizes are not available; storage totals come from vInfo Provisioned/In Use.');
  }
  const { servers, warnings } = ctx;
  const formulas = [...bySheet.values()].reduce((n, t) => n + t.formulaCells, 0);
  if (formulas) warnings.push(`${formulas} cell${formulas === 1 ? '' : 's'} hold formulas; their last calculated values were used.`);
  for (const [name, t] of bySheet) if (name !== 'vInfo' && t.rows.length === 0) warnings.push(`${name} tab is empty.`);
  onRow?.(total, total);
  return { kind: 'rvtools', files: [fileLabel], servers, skipped, warnings };
}

const VINFO_SIGNATURE = ['vm', 'vinfovmname'];

export const rvtoolsImporter: Importer = {
  kind: 'rvtools',
  label: 'RVTools export',
  hints: {
    sheets: RVTOOLS_SHEETS,
    sheetOf: rvtoolsSheetOf,
    columnFilter: rvtoolsColumnFilter,
    // RVTools CSV exports are one file per tab: the files picked together are one export.
    groupFiles: (file) => file.format === 'csv',
  },
  detect(file: LoadedFile): number {
    const sheets = (file.format === 'xlsx' ? file.sheetNames : file.tables.map((t) => t.name)).map((n) => rvtoolsSheetOf(n)).filter(Boolean);
    if (sheets.includes('vinfo')) return 1;
    if (sheets.length > 0) return 0.8;
    // A CSV renamed by hand: recognise vInfo by its headers.
    for (const t of file.tables) {
      const h = new Set(t.headers.map(normHeader));
      if (VINFO_SIGNATURE.some((x) => h.has(x)) && (h.has('powerstate') || h.has('vinfopowerstate'))) {
        t.name = 'vInfo';
        return 0.9;
      }
    }
    return 0;
  },
  async read(files, ctx) {
    const tables = files.flatMap((f) => f.tables);
    const label = files.length === 1 ? files[0]!.path : `${files.length} RVTools CSV files`;
    const batch = await readRvtoolsTables(tables, label, (n, total) => ctx.progress?.(n, total), ctx.signal);
    return { ...batch, files: files.map((f) => f.path) };
  },
};
