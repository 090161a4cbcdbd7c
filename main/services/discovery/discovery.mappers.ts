import type { Disk, Nic, PowerState, Server } from '../../common/model/server';
import type { VcenterInventory, VcVm } from '../../discovery/vcenter/vcenter-discovery';
import type { LvDomain } from '../../discovery/libvirt/libvirt-discovery';
import { blankServer, osFamily } from '../inventory/importer';

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
  return s;
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
