import type { Disk, Nic, PowerState, Server } from '../../common/model/server';
import type { VcenterInventory, VcVm } from '../../discovery/vcenter/vcenter-discovery';
import type { LvDomain } from '../../discovery/libvirt/libvirt-discovery';
import type { AzVm } from '../../discovery/azure/azure-discovery';
import type { HvVm } from '../../discovery/hyperv/hyperv-discovery';
import type { VbVm } from '../../discovery/virtualbox/virtualbox-discovery';
import type { VmxVm } from '../../discovery/vmware-workstation/vmx-discovery';
import { blankServer, osFamily } from '../inventory/importer';
import { isToolField } from '../inventory/rvtools.importer';
import { normHeader } from '../inventory/table';

const POWER: Record<string, PowerState> = { poweredOn: 'poweredOn', poweredOff: 'poweredOff', suspended: 'suspended' };
const TOOLS: Record<string, string> = { guestToolsRunning: 'Running', guestToolsNotRunning: 'Not running', guestToolsExecutingScripts: 'Starting' };

function splitIps(ips: string[]): Pick<Nic, 'ipv4' | 'ipv6'> {
  return { ipv4: ips.filter((ip) => !ip.includes(':')), ipv6: ips.filter((ip) => ip.includes(':')) };
}

/**
 * One vCenter VM as a server, the same facts in the same fields as the RVTools importer writes them (vInfo, vCPU,
 * vMemory, vDisk, vNetwork, vSnapshot, vTools), so that a discovery and an RVTools export of the same vCenter
 * merge by identity (instance UUID, BIOS UUID, vCenter + MoRef).
 */
export function serverFromVcVm(vm: VcVm, vc: VcenterInventory['vcenter']): Server {
  const s = blankServer(vm.name, { kind: 'vcenter', name: vc.name });
  const from = (what: string) => `vCenter ${vc.name}, ${vm.moref} ${what}`;
  const p = s.provenance;
  p.name = from('name');
  s.vmManager = { type: 'vsphere', name: vc.name, ...(vc.instanceUuid ? { id: vc.instanceUuid } : {}) };
  s.identity.moref = vm.moref;
  p['identity.moref'] = from('(MoRef)');
  if (vm.instanceUuid) { s.identity.instanceUuid = vm.instanceUuid; p['identity.instanceUuid'] = from('config.instanceUuid'); }
  if (vm.uuid) { s.identity.biosUuid = vm.uuid; s.identity.smbiosUuid = vm.uuid; p['identity.biosUuid'] = p['identity.smbiosUuid'] = from('config.uuid'); }
  if (vm.hostName) {
    s.identity.hostName = vm.hostName.split('.')[0];
    if (vm.hostName.includes('.')) s.identity.fqdn = vm.hostName;
    p['identity.hostName'] = from('guest.hostName');
  }
  for (const k of ['datacenter', 'cluster', 'host', 'folder', 'resourcePool'] as const) {
    if (vm[k]) { s.place[k] = vm[k]; p[`place.${k}`] = from(k === 'host' ? 'runtime.host' : k === 'folder' ? 'parent' : k === 'resourcePool' ? 'resourcePool' : 'runtime.host (parents)'); }
  }
  s.state.power = POWER[vm.powerState ?? ''] ?? 'unknown';
  p['state.power'] = from('runtime.powerState');
  s.state.template = vm.template ?? false;
  if (vm.toolsRunningStatus) { s.state.tools = TOOLS[vm.toolsRunningStatus] ?? vm.toolsRunningStatus; p['state.tools'] = from('guest.toolsRunningStatus'); }
  if (vm.guestFullName) { s.os.configured = vm.guestFullName; p['os.configured'] = from('config.guestFullName'); }
  if (vm.toolsGuestFullName) { s.os.reported = vm.toolsGuestFullName; p['os.reported'] = from('guest.guestFullName'); }
  s.os.family = osFamily(vm.toolsGuestFullName, vm.guestFullName, vm.guestId);
  if (vm.firmware) { s.firmware.type = vm.firmware === 'efi' ? 'efi' : vm.firmware === 'bios' ? 'bios' : 'unknown'; p['firmware.type'] = from('config.firmware'); }
  if (vm.numCPU !== undefined) {
    s.cpu.vcpus = Math.max(0, Math.round(vm.numCPU));
    p['cpu.vcpus'] = from('config.hardware.numCPU');
    if (vm.coresPerSocket && vm.coresPerSocket >= 1) {
      s.cpu.coresPerSocket = Math.round(vm.coresPerSocket);
      const sockets = Math.round(vm.numCPU / vm.coresPerSocket);
      if (sockets >= 1) s.cpu.sockets = sockets;
    }
  }
  if (vm.memoryMB !== undefined) { s.memoryMiB = Math.max(0, vm.memoryMB); p.memoryMiB = from('config.hardware.memoryMB'); }
  if (vm.cbt !== undefined) { s.cbt = vm.cbt; p.cbt = from('config.changeTrackingEnabled'); }
  if (vm.annotation) s.annotation = vm.annotation;
  s.disks = vm.disks.map((d): Disk => {
    const mib = Math.round((d.capacityKB / 1024) * 100) / 100;
    return {
      label: d.label,
      capacityMiB: mib,
      provisionedMiB: mib,
      ...(d.thin !== undefined ? { thin: d.thin } : {}),
      ...(d.diskMode ? { mode: d.diskMode } : {}),
      ...(d.controller ? { controller: d.controller } : {}),
      ...(d.sharing ? { shared: d.sharing === 'sharingMultiWriter' } : {}),
      ...(d.rdm !== undefined ? { rdm: d.rdm } : {}),
      ...(d.fileName ? { path: d.fileName } : {}),
    };
  });
  if (s.disks.length) p.disks = from('config.hardware.device (VirtualDisk)');
  s.nics = vm.nics.map((n) => ({
    ...(n.label ? { label: n.label } : {}),
    ...(n.network ? { network: n.network } : {}),
    ...(n.mac ? { mac: n.mac } : {}),
    ...splitIps(n.ipAddresses),
    ...(n.connected !== undefined ? { connected: n.connected } : {}),
    adapterType: n.adapterType,
  }));
  // The primary IP (guest.ipAddress) when guest.net did not place it on a NIC.
  if (vm.ipAddress && !s.nics.some((n) => n.ipv4.includes(vm.ipAddress!) || n.ipv6.includes(vm.ipAddress!))) {
    const first = s.nics[0];
    const ips = splitIps([vm.ipAddress]);
    if (first) { first.ipv4.push(...ips.ipv4); first.ipv6.push(...ips.ipv6); } else s.nics = [{ label: 'Primary', ...ips }];
  }
  if (s.nics.length) p.nics = from('config.hardware.device (network adapters), guest.net');
  s.snapshots = vm.snapshots.map((x) => ({ name: x.name, ...(x.createdAt ? { createdAt: x.createdAt } : {}) }));
  if (s.snapshots.length) p.snapshots = from('snapshot');
  vcUtilization(s, vm, from);
  // Custom attributes and tags as an RVTools export of the same vCenter gives them (vInfo columns → tags), without
  // the fields other products keep for their own bookkeeping (SCVMM's id, com.vmware.*).
  for (const [k, v] of Object.entries(vm.customAttributes ?? {})) {
    if (isToolField(normHeader(k))) continue;
    s.tags[k] = v;
    p[`tags.${k}`] = from(`customValue (custom attribute ${k})`);
  }
  const byCategory = new Map<string, string[]>();
  for (const t of vm.tags ?? []) byCategory.set(t.category, [...(byCategory.get(t.category) ?? []), t.name]);
  for (const [category, names] of byCategory) {
    // A tag category named like a custom attribute keeps both: the tag goes under "CATEGORY (tag)".
    const key = vm.customAttributes?.[category] !== undefined ? `${category} (tag)` : category;
    s.tags[key] = names.join(', ');
    p[`tags.${key}`] = from(`vSphere tag${names.length === 1 ? '' : 's'} of category ${category}`);
  }
  return s;
}

/**
 * Utilization: the chosen period's performance statistics (average, p95 and max) when vCenter kept samples, else the
 * quick stats of the moment of discovery (CPU MHz ÷ the VM's ceiling, active guest memory ÷ configured memory), as
 * RVTools' vInfo/vMemory figures are. Powered-off VMs get no quick stats (they read 0).
 */
function vcUtilization(s: Server, vm: VcVm, from: (what: string) => string): void {
  const p = s.provenance;
  const f = vm.perf;
  if (f) {
    const u: NonNullable<Server['utilization']> = { samples: f.samples, periodSeconds: f.periodSeconds };
    const put = (stat: { avg: number; p95: number; max: number } | undefined, avg: keyof typeof u, p95: keyof typeof u, max: keyof typeof u) => {
      if (!stat) return;
      u[avg] = stat.avg;
      u[p95] = stat.p95;
      u[max] = stat.max;
    };
    put(f.cpuPct, 'cpuAvgPct', 'cpuP95Pct', 'cpuMaxPct');
    put(f.memPct, 'memAvgPct', 'memP95Pct', 'memMaxPct');
    put(f.diskReadKBps, 'diskReadKBps', 'diskReadKBpsP95', 'diskReadKBpsMax');
    put(f.diskWriteKBps, 'diskWriteKBps', 'diskWriteKBpsP95', 'diskWriteKBpsMax');
    put(f.diskIops, 'diskIops', 'diskIopsP95', 'diskIopsMax');
    put(f.netInKBps, 'netInKBps', 'netInKBpsP95', 'netInKBpsMax');
    put(f.netOutKBps, 'netOutKBps', 'netOutKBpsP95', 'netOutKBpsMax');
    put(f.diskTotalKBps, 'diskTotalKBps', 'diskTotalKBpsP95', 'diskTotalKBpsMax');
    put(f.netTotalKBps, 'netTotalKBps', 'netTotalKBpsP95', 'netTotalKBpsMax');
    s.utilization = u;
    const d = Math.round(f.periodSeconds / 86_400);
    const span = f.periodSeconds >= 86_400 ? `${d} day${d === 1 ? '' : 's'}` : `${Math.round(f.periodSeconds / 3600)} h`;
    p.utilization = from(`performance statistics, ${f.samples} samples of ${f.intervalId} s over ${span} (${f.counters.join(', ')})`);
    return;
  }
  const q = vm.quickStats;
  if (!q || vm.powerState !== 'poweredOn') return;
  const u: NonNullable<Server['utilization']> = {};
  if (q.cpuMhz !== undefined && q.maxCpuMhz) {
    u.cpuAvgPct = Math.round((q.cpuMhz / q.maxCpuMhz) * 1000) / 10;
    p['utilization.cpuAvgPct'] = from('summary.quickStats.overallCpuUsage ÷ runtime.maxCpuUsage (at discovery time)');
  }
  if (q.guestMemoryMB !== undefined && vm.memoryMB) {
    u.memAvgPct = Math.round((q.guestMemoryMB / vm.memoryMB) * 1000) / 10;
    p['utilization.memAvgPct'] = from('summary.quickStats.guestMemoryUsage ÷ config.hardware.memoryMB (at discovery time)');
  }
  if (Object.keys(u).length) s.utilization = u;
}

const LV_POWER: Record<string, PowerState> = { running: 'poweredOn', idle: 'poweredOn', blocked: 'poweredOn', 'in shutdown': 'poweredOn', 'shut off': 'poweredOff', crashed: 'poweredOff', paused: 'suspended', pmsuspended: 'suspended' };

/** libosinfo ids (`http://microsoft.com/win/2k19`, `http://ubuntu.com/ubuntu/22.04`) as an OS name. */
export function osinfoName(id: string): string {
  const m = /^https?:\/\/([^/]+)\/(.+)$/.exec(id);
  if (!m) return id;
  const [, host, rest] = m;
  if (host === 'microsoft.com') return `Microsoft Windows ${rest!.replace(/^win\//, '').replace(/^2k(\d+)/, '20$1').replace(/^(\d+)/, '$1')}`.replace(/Windows (20\d\d)/, 'Windows Server $1');
  return `${host!.replace(/\.(com|org|net|io)$/, '')} ${rest!.replace(/\//g, ' ')}`;
}

/** One libvirt domain as a server (identity: its UUID, which is the SMBIOS UUID the guest sees, and the name). */
export function serverFromDomain(d: LvDomain, uri: string): Server {
  const host = /^[^:]+:\/\/([^/]*)/.exec(uri)?.[1] || 'localhost';
  const s = blankServer(d.name, { kind: 'libvirt', name: uri });
  const from = (what: string) => `libvirt ${uri}, domain ${d.name} ${what}`;
  const p = s.provenance;
  p.name = from('<name>');
  s.vmManager = { type: 'libvirt', name: uri };
  if (d.uuid) { s.identity.smbiosUuid = d.uuid; s.identity.biosUuid = d.uuid; p['identity.smbiosUuid'] = p['identity.biosUuid'] = from('<uuid>'); }
  s.place.host = host;
  s.state.power = LV_POWER[d.state ?? ''] ?? 'unknown';
  if (d.state) p['state.power'] = from('(virsh domstate)');
  if (d.osinfo) { s.os.configured = osinfoName(d.osinfo); p['os.configured'] = from('<metadata> libosinfo'); }
  s.os.family = osFamily(s.os.configured);
  if (d.firmware) { s.firmware.type = d.firmware === 'efi' ? 'efi' : d.firmware === 'bios' ? 'bios' : 'unknown'; p['firmware.type'] = from('<os>'); }
  s.cpu.vcpus = d.vcpus;
  p['cpu.vcpus'] = from('<vcpu>');
  s.memoryMiB = Math.round((d.memoryKiB / 1024) * 100) / 100;
  p.memoryMiB = from('<memory>');
  if (d.title || d.description) s.annotation = [d.title, d.description].filter(Boolean).join(' — ');
  const mib = (b: number | undefined) => (b === undefined ? undefined : Math.round((b / 1048576) * 100) / 100);
  s.disks = d.disks
    .filter((x) => x.device === 'disk' || x.device === 'lun')
    .map((x) => ({
      label: x.target,
      capacityMiB: mib(x.capacityBytes) ?? 0,
      ...(x.capacityBytes !== undefined ? { provisionedMiB: mib(x.capacityBytes)! } : {}),
      ...(x.allocationBytes !== undefined ? { usedMiB: mib(x.allocationBytes)!, thin: x.allocationBytes < x.capacityBytes! } : {}),
      ...(x.bus ? { controller: x.bus } : {}),
      ...(x.source ? { path: x.source } : {}),
      ...(x.shareable ? { shared: true } : {}),
      ...(x.type === 'block' || x.device === 'lun' ? { rdm: x.type === 'block' || x.device === 'lun' } : {}),
      ...(x.driverType ? { format: x.driverType } : {}),
    }));
  if (s.disks.length) p.disks = from('<devices><disk> and virsh domblkinfo --all');
  s.nics = d.nics.map((n) => ({ ...(n.mac ? { mac: n.mac } : {}), ...(n.network ? { network: n.network } : {}), ...(n.model ? { adapterType: n.model } : {}), ipv4: [], ipv6: [] }));
  if (s.nics.length) p.nics = from('<devices><interface>');
  return s;
}

const mibOf = (bytes: number | undefined) => (bytes === undefined ? undefined : Math.round((bytes / 1048576) * 100) / 100);

function splitIpList(ips: string[]): Pick<Nic, 'ipv4' | 'ipv6'> {
  // Hyper-V reports link-local IPv6 too; they say nothing about the server and change with the NIC.
  return splitIps(ips.filter((ip) => !/^fe80:/i.test(ip)));
}

const HV_POWER: Record<string, PowerState> = { Running: 'poweredOn', Stopping: 'poweredOn', Reset: 'poweredOn', Pausing: 'poweredOn', Saving: 'poweredOn', RunningCritical: 'poweredOn', Off: 'poweredOff', OffCritical: 'poweredOff', Starting: 'poweredOff', Saved: 'suspended', Paused: 'suspended', FastSaved: 'suspended', Hibernated: 'suspended', SavedCritical: 'suspended', PausedCritical: 'suspended' };

/**
 * One Hyper-V VM as a server. Identity: the VMId (`hyperv-vmid:…`) and the name; the manager is the host (or
 * cluster node) Hyper-V names in ComputerName. Generation 2 VMs boot UEFI, generation 1 BIOS.
 */
export function serverFromHvVm(vm: HvVm, host: string): Server {
  const mgr = vm.computerName ?? host;
  const s = blankServer(vm.name, { kind: 'hyperv', name: host });
  const from = (what: string) => `Hyper-V ${mgr}, ${what} of ${vm.name}`;
  const p = s.provenance;
  p.name = from('Get-VM Name');
  s.vmManager = { type: 'hyperv', name: mgr };
  s.identity.externalId = `hyperv-vmid:${vm.vmId}`;
  p['identity.externalId'] = from('Get-VM VMId');
  s.place.host = mgr;
  p['place.host'] = from('Get-VM ComputerName');
  s.state.power = HV_POWER[vm.state] ?? 'unknown';
  p['state.power'] = from('Get-VM State');
  if (vm.generation === 1 || vm.generation === 2) {
    s.firmware.type = vm.generation === 2 ? 'efi' : 'bios';
    p['firmware.type'] = from('Get-VM Generation');
  }
  if (vm.secureBoot !== undefined) { s.firmware.secureBoot = vm.secureBoot; p['firmware.secureBoot'] = from('Get-VMFirmware SecureBoot'); }
  s.cpu.vcpus = vm.processorCount;
  p['cpu.vcpus'] = from('Get-VM ProcessorCount');
  const mem = vm.memoryStartupBytes ?? vm.memoryAssignedBytes;
  if (mem !== undefined) { s.memoryMiB = mibOf(mem)!; p.memoryMiB = from(vm.memoryStartupBytes !== undefined ? 'Get-VM MemoryStartup' : 'Get-VM MemoryAssigned'); }
  if (vm.notes) s.annotation = vm.notes;
  if (vm.guest?.osName) { s.os.reported = [vm.guest.osName, vm.guest.osVersion].filter(Boolean).join(' '); p['os.reported'] = from('KVP OSName, OSVersion'); }
  s.os.family = osFamily(vm.guest?.osName);
  if (vm.guest?.fqdn) {
    s.identity.hostName = vm.guest.fqdn.split('.')[0];
    if (vm.guest.fqdn.includes('.')) s.identity.fqdn = vm.guest.fqdn;
    p['identity.hostName'] = from('KVP FullyQualifiedDomainName');
  }
  s.disks = vm.disks.map((d) => {
    const label = `${d.controllerType} ${d.controllerNumber ?? 0}:${d.controllerLocation ?? 0}`;
    const cap = mibOf(d.sizeBytes);
    return {
      label,
      capacityMiB: cap ?? 0,
      ...(cap !== undefined ? { provisionedMiB: cap } : {}),
      ...(d.fileSizeBytes !== undefined ? { usedMiB: mibOf(d.fileSizeBytes)! } : {}),
      ...(d.vhdType ? { thin: d.vhdType !== 'Fixed' } : {}),
      ...(d.vhdType === 'Differencing' ? { mode: 'differencing' } : {}),
      controller: d.controllerType,
      ...(d.diskNumber !== undefined ? { rdm: true } : {}),
      ...(d.path ? { path: d.path } : {}),
      ...(d.format ? { format: d.format.toLowerCase() } : {}),
    };
  });
  if (s.disks.length) p.disks = from('Get-VMHardDiskDrive and Get-VHD');
  s.nics = vm.nics.map((n) => ({
    ...(n.name ? { label: n.name } : {}),
    ...(n.switchName ? { network: n.switchName } : {}),
    ...(n.mac ? { mac: n.mac } : {}),
    ...splitIpList(n.ipAddresses),
    ...(n.connected !== undefined ? { connected: n.connected } : {}),
    adapterType: n.legacy ? 'Legacy Network Adapter' : 'Network Adapter',
  }));
  // Without IPs from Get-VMNetworkAdapter (older hosts), the guest's KVP addresses go on the first adapter.
  const first = s.nics[0];
  if (first && !s.nics.some((n) => n.ipv4.length || n.ipv6.length) && vm.guest) { first.ipv4.push(...vm.guest.ipv4); first.ipv6.push(...vm.guest.ipv6.filter((ip) => !/^fe80:/i.test(ip))); }
  if (s.nics.length) p.nics = from('Get-VMNetworkAdapter');
  return s;
}

const VB_POWER: Record<string, PowerState> = { running: 'poweredOn', starting: 'poweredOn', stopping: 'poweredOn', paused: 'suspended', saved: 'suspended', poweroff: 'poweredOff', aborted: 'poweredOff' };

/** One VirtualBox VM as a server (identity: its hardware UUID, which the guest sees as the SMBIOS UUID). */
export function serverFromVbVm(vm: VbVm, host: string): Server {
  const s = blankServer(vm.name, { kind: 'virtualbox', name: host });
  const from = (what: string) => `VirtualBox on ${host}, ${vm.name} ${what}`;
  const p = s.provenance;
  p.name = from('name');
  s.vmManager = { type: 'virtualbox', name: host };
  const uuid = vm.hardwareUuid ?? vm.uuid;
  s.identity.smbiosUuid = s.identity.biosUuid = uuid;
  p['identity.smbiosUuid'] = p['identity.biosUuid'] = from(vm.hardwareUuid ? 'hardwareuuid' : 'UUID');
  s.place.host = host;
  if (vm.groups && vm.groups !== '/') { s.place.folder = vm.groups; p['place.folder'] = from('groups'); }
  s.state.power = VB_POWER[vm.state ?? ''] ?? 'unknown';
  if (vm.state) p['state.power'] = from('VMState');
  if (vm.osType) { s.os.configured = vm.osType; p['os.configured'] = from('ostype'); }
  s.os.family = osFamily(vm.osType);
  if (vm.firmware) { s.firmware.type = /efi/i.test(vm.firmware) ? 'efi' : /bios/i.test(vm.firmware) ? 'bios' : 'unknown'; p['firmware.type'] = from('firmware'); }
  s.cpu.vcpus = vm.cpus;
  p['cpu.vcpus'] = from('cpus');
  s.memoryMiB = vm.memoryMiB;
  p.memoryMiB = from('memory');
  if (vm.description) s.annotation = vm.description;
  s.disks = vm.disks.map((d) => {
    const cap = mibOf(d.capacityBytes);
    return {
      label: d.slot,
      capacityMiB: cap ?? 0,
      ...(cap !== undefined ? { provisionedMiB: cap } : {}),
      ...(d.usedBytes !== undefined ? { usedMiB: mibOf(d.usedBytes)! } : {}),
      ...(d.variant ? { thin: !/fixed/i.test(d.variant) } : {}),
      controller: d.controllerType ?? d.controller,
      path: d.path,
      ...(d.format ? { format: d.format.toLowerCase() } : /\.(vdi|vmdk|vhd|vhdx|qcow2?)$/i.test(d.path) ? { format: /\.(\w+)$/.exec(d.path)![1]!.toLowerCase() } : {}),
    };
  });
  if (s.disks.length) p.disks = from('storage controllers (showvminfo) and showmediuminfo');
  s.nics = vm.nics.map((n) => ({
    label: `NIC ${n.index}`,
    ...(n.network ? { network: `${n.attachment}: ${n.network}` } : { network: n.attachment }),
    ...(n.mac ? { mac: n.mac } : {}),
    ipv4: [],
    ipv6: [],
    ...(n.connected !== undefined ? { connected: n.connected } : {}),
    ...(n.adapterType ? { adapterType: n.adapterType } : {}),
  }));
  if (s.nics.length) p.nics = from('nicN, macaddressN');
  return s;
}

/** VMware guestOS identifiers (`windows2019srv-64`, `win10-64`, `ubuntu-64`, `rhel9-64`) to an OS family. */
export function vmwareGuestFamily(id: string | undefined): Server['os']['family'] {
  if (!id) return 'unknown';
  if (/^win/i.test(id)) return 'windows';
  if (/^(darwin|freebsd|solaris|netware|dos|os2)/i.test(id)) return 'other';
  const f = osFamily(id);
  if (f !== 'other') return f;
  return /linux|^(rhel|centos|sles|debian|ubuntu|fedora|oracle|asianux|mandrake|mandriva|turbolinux|redhat|suse|opensuse|almalinux|rockylinux|amazonlinux|photon|coreos)/i.test(id) ? 'linux' : 'other';
}

/** One VMware Workstation/Fusion VM as a server (identity: uuid.bios, the SMBIOS UUID the guest sees). */
export function serverFromVmx(vm: VmxVm, folder: string): Server {
  const s = blankServer(vm.displayName, { kind: 'vmware-workstation', name: folder });
  const from = (what: string) => `${vm.file} ${what}`;
  const p = s.provenance;
  p.name = from('displayName');
  s.vmManager = { type: 'vmware-workstation', name: folder };
  if (vm.biosUuid) { s.identity.smbiosUuid = s.identity.biosUuid = vm.biosUuid; p['identity.smbiosUuid'] = p['identity.biosUuid'] = from('uuid.bios'); }
  s.place.folder = vm.file;
  if (vm.power) { s.state.power = vm.power; p['state.power'] = from('(lock folder or suspend state next to it)'); }
  if (vm.guestOS) { s.os.configured = vm.guestOS; p['os.configured'] = from('guestOS'); }
  s.os.family = vmwareGuestFamily(vm.guestOS);
  s.firmware.type = vm.firmware?.toLowerCase() === 'efi' ? 'efi' : 'bios';
  p['firmware.type'] = from(vm.firmware ? 'firmware' : '(no firmware key: BIOS)');
  if (vm.secureBoot !== undefined) { s.firmware.secureBoot = vm.secureBoot; p['firmware.secureBoot'] = from('uefi.secureBoot.enabled'); }
  s.cpu.vcpus = vm.numvcpus;
  p['cpu.vcpus'] = from('numvcpus');
  if (vm.coresPerSocket) {
    s.cpu.coresPerSocket = vm.coresPerSocket;
    const sockets = Math.round(vm.numvcpus / vm.coresPerSocket);
    if (sockets >= 1) s.cpu.sockets = sockets;
  }
  s.memoryMiB = vm.memsizeMiB;
  p.memoryMiB = from('memsize');
  if (vm.annotation) s.annotation = vm.annotation;
  s.disks = vm.disks.map((d) => {
    const cap = mibOf(d.capacityBytes);
    return {
      label: d.slot,
      capacityMiB: cap ?? 0,
      ...(cap !== undefined ? { provisionedMiB: cap } : {}),
      ...(d.usedBytes !== undefined ? { usedMiB: mibOf(d.usedBytes)! } : {}),
      ...(d.thin !== undefined ? { thin: d.thin } : {}),
      ...(d.mode ? { mode: d.mode } : {}),
      controller: d.bus,
      path: d.path,
      format: 'vmdk',
    };
  });
  if (s.disks.length) p.disks = from('scsi/sata/nvme/ide fileName, and the VMDK descriptor or header');
  s.nics = vm.nics.map((n) => ({
    label: n.slot,
    ...(n.connectionType ? { network: n.network ? `${n.connectionType}: ${n.network}` : n.connectionType } : n.network ? { network: n.network } : {}),
    ...(n.mac ? { mac: n.mac } : {}),
    ipv4: [],
    ipv6: [],
    ...(n.connected !== undefined ? { connected: n.connected } : {}),
    ...(n.virtualDev ? { adapterType: n.virtualDev } : {}),
  }));
  if (s.nics.length) p.nics = from('ethernetN');
  return s;
}

const AZ_POWER: Record<string, PowerState> = { running: 'poweredOn', starting: 'poweredOn', stopping: 'poweredOn', stopped: 'poweredOff', deallocated: 'poweredOff', deallocating: 'poweredOff' };

/**
 * One Azure VM as a server. Identity: its ARM resource id (`externalId`) and vmId, which Azure writes into the VM's
 * SMBIOS UUID. Place: region (location) and resource group (as the folder). Tags are kept as tags.
 */
export function serverFromAzVm(vm: AzVm, subscriptionId: string): Server {
  const s = blankServer(vm.name, { kind: 'azure', name: `subscription ${subscriptionId}` });
  const from = (what: string) => `Azure ${vm.resourceGroup}/${vm.name} ${what}`;
  const p = s.provenance;
  p.name = from('name');
  s.vmManager = { type: 'azure', id: subscriptionId, name: `subscription ${subscriptionId}` };
  s.identity.externalId = vm.id.toLowerCase();
  p['identity.externalId'] = from('id');
  if (vm.vmId) { s.identity.smbiosUuid = vm.vmId; p['identity.smbiosUuid'] = from('properties.vmId'); }
  if (vm.computerName) { s.identity.hostName = vm.computerName; p['identity.hostName'] = from('instanceView.computerName (osProfile.computerName)'); }
  s.place.region = vm.location;
  p['place.region'] = from('location');
  s.place.folder = vm.resourceGroup;
  p['place.folder'] = from('resource group');
  if (vm.zones?.length) { s.place.datacenter = `${vm.location} zone ${vm.zones.join(', ')}`; p['place.datacenter'] = from('zones'); }
  s.state.power = AZ_POWER[vm.powerState ?? ''] ?? 'unknown';
  if (vm.powerState) p['state.power'] = from('instanceView PowerState');
  if (vm.image) { s.os.configured = vm.image; p['os.configured'] = from('storageProfile.imageReference'); }
  if (vm.osName) { s.os.reported = [vm.osName, vm.osVersion].filter(Boolean).join(' '); p['os.reported'] = from('instanceView.osName'); }
  s.os.family = vm.osType === 'Windows' ? 'windows' : vm.osType === 'Linux' ? 'linux' : osFamily(vm.osName, vm.image);
  const efi = vm.hyperVGeneration === 'V2' || vm.securityType === 'TrustedLaunch' || vm.securityType === 'ConfidentialVM' || vm.secureBoot !== undefined;
  if (vm.hyperVGeneration || efi) { s.firmware.type = efi ? 'efi' : 'bios'; p['firmware.type'] = from(vm.hyperVGeneration ? 'instanceView.hyperVGeneration' : 'securityProfile'); }
  if (vm.secureBoot !== undefined) { s.firmware.secureBoot = vm.secureBoot; p['firmware.secureBoot'] = from('securityProfile.uefiSettings.secureBootEnabled'); }
  if (vm.vcpus !== undefined) { s.cpu.vcpus = Math.max(0, Math.round(vm.vcpus)); p['cpu.vcpus'] = from(`size ${vm.size ?? ''} (VM sizes of ${vm.location})`); }
  if (vm.memoryMiB !== undefined) { s.memoryMiB = vm.memoryMiB; p.memoryMiB = from(`size ${vm.size ?? ''} (VM sizes of ${vm.location})`); }
  if (vm.size) { s.tags['azure.vmSize'] = vm.size; p['tags.azure.vmSize'] = from('hardwareProfile.vmSize'); }
  for (const [k, v] of Object.entries(vm.tags)) { s.tags[k] = v; p[`tags.${k}`] = from(`tag ${k}`); }
  s.disks = vm.disks.map((d) => ({
    label: d.name ? `${d.label} (${d.name})` : d.label,
    capacityMiB: (d.sizeGiB ?? 0) * 1024,
    ...(d.sizeGiB !== undefined ? { provisionedMiB: d.sizeGiB * 1024 } : {}),
    ...(d.id ? { path: d.id } : {}),
    ...(d.storageType ? { format: d.storageType } : {}),
  }));
  if (s.disks.length) p.disks = from('storageProfile (and the managed disks)');
  s.nics = vm.nics.map((n) => ({
    ...(n.name ? { label: n.name } : {}),
    ...(n.subnet ? { network: n.subnet } : {}),
    ...(n.mac ? { mac: n.mac } : {}),
    ...splitIps([...n.privateIps, ...n.publicIps]),
  }));
  if (s.nics.length) p.nics = from('network interfaces and public IP addresses');
  return s;
}
