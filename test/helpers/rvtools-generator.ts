import type { OutCell, OutSheet } from '../../main/services/inventory/xlsx.writer';

/** Deterministic pseudo-random numbers so every run generates the same estate. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const OS = ['Microsoft Windows Server 2019 (64-bit)', 'Microsoft Windows Server 2016 (64-bit)', 'Red Hat Enterprise Linux 8 (64-bit)', 'Ubuntu Linux (64-bit)', 'SUSE Linux Enterprise 15 (64-bit)', 'Microsoft Windows Server 2012 (64-bit)'];

/**
 * An RVTools 4.x-style export of `vms` VMs: vInfo with the usual ~45 columns plus two custom
 * attributes, and vCPU, vMemory, vDisk, vPartition, vNetwork tabs (1-3 disks, 1-2 NICs per VM).
 */
export function generateRvtools(vms: number, seed = 42): OutSheet[] {
  const r = rng(seed);
  const pick = <T,>(a: readonly T[]) => a[Math.floor(r() * a.length)]!;
  const vInfoHead = [
    'VM', 'Powerstate', 'Template', 'SRM Placeholder', 'Config status', 'DNS Name', 'Connection state', 'Guest state', 'Heartbeat', 'Consolidation Needed',
    'PowerOn', 'Suspended To Memory', 'Creation date', 'CPUs', 'Memory', 'NICs', 'Disks', 'Total disk capacity MiB', 'EnableUUID', 'CBT', 'Primary IP Address',
    'Network #1', 'Resource pool', 'Folder', 'vApp', 'Provisioned MiB', 'In Use MiB', 'Unshared MiB', 'HA Restart Priority', 'EFI Secure boot', 'Firmware', 'HW version',
    'Path', 'Annotation', 'Backup Policy', 'Owner', 'Datacenter', 'Cluster', 'Host', 'OS according to the configuration file', 'OS according to the VMware Tools',
    'VM ID', 'SMBIOS UUID', 'VM UUID', 'VI SDK Server', 'VI SDK UUID',
  ];
  const vInfo: OutCell[][] = [vInfoHead];
  const vCPU: OutCell[][] = [['VM', 'Powerstate', 'Template', 'CPUs', 'Sockets', 'Cores p/s', 'Max', 'Overall', 'Level', 'Shares', 'Reservation', 'Entitlement', 'DRS Entitlement', 'Limit', 'Hot Add', 'Hot Remove', 'Annotation', 'Datacenter', 'Cluster', 'Host', 'VM ID', 'VM UUID', 'VI SDK Server', 'VI SDK UUID']];
  const vMemory: OutCell[][] = [['VM', 'Powerstate', 'Template', 'Size MiB', 'Memory Reservation Locked To Max', 'Overhead', 'Max', 'Consumed', 'Consumed Overhead', 'Private', 'Shared', 'Swapped', 'Ballooned', 'Active', 'Entitlement', 'DRS Entitlement', 'Level', 'Shares', 'Reservation', 'Limit', 'Hot Add', 'Annotation', 'Datacenter', 'Cluster', 'Host', 'VM ID', 'VM UUID', 'VI SDK Server', 'VI SDK UUID']];
  const vDisk: OutCell[][] = [['VM', 'Powerstate', 'Template', 'Disk', 'Disk Key', 'Disk UUID', 'Disk Path', 'Capacity MiB', 'Raw', 'Disk Mode', 'Sharing mode', 'Thin', 'Eagerly Scrub', 'Split', 'Write Through', 'Level', 'Shares', 'Reservation', 'Limit', 'Controller', 'Label', 'SCSI Unit #', 'Unit #', 'Shared Bus', 'Path', 'Annotation', 'Datacenter', 'Cluster', 'Host', 'VM ID', 'VM UUID', 'VI SDK Server', 'VI SDK UUID']];
  const vPartition: OutCell[][] = [['VM', 'Powerstate', 'Template', 'Disk Key', 'Disk', 'Capacity MiB', 'Consumed MiB', 'Free MiB', 'Free %', 'Annotation', 'Datacenter', 'Cluster', 'Host', 'VM ID', 'VM UUID', 'VI SDK Server', 'VI SDK UUID']];
  const vNetwork: OutCell[][] = [['VM', 'Powerstate', 'Template', 'NIC label', 'Adapter', 'Network', 'Switch', 'Connected', 'Starts Connected', 'Mac Address', 'Type', 'IPv4 Address', 'IPv6 Address', 'Direct Path IO', 'Annotation', 'Datacenter', 'Cluster', 'Host', 'VM ID', 'VM UUID', 'VI SDK Server', 'VI SDK UUID']];
  for (let i = 0; i < vms; i++) {
    const name = `vm-${String(i).padStart(5, '0')}`;
    const on = r() < 0.9 ? 'poweredOn' : 'poweredOff';
    const tpl = r() < 0.01 ? 'True' : 'False';
    const cpus = pick([1, 2, 2, 4, 4, 8, 16]);
    const mem = pick([1024, 2048, 4096, 8192, 16384, 32768]);
    const disks = 1 + Math.floor(r() * 3);
    const nics = 1 + Math.floor(r() * 2);
    const dc = `DC${1 + (i % 3)}`;
    const cl = `Cluster-${1 + (i % 12)}`;
    const host = `esx-${String(i % 400).padStart(3, '0')}.corp.local`;
    const os = pick(OS);
    const uuid = `4211${i.toString(16).padStart(4, '0')}-aaaa-bbbb-cccc-${String(i).padStart(12, '0')}`;
    const ip = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
    const moref = `vm-${1000 + i}`;
    const caps = Array.from({ length: disks }, () => pick([40960, 81920, 102400, 204800, 512000]));
    const prov = caps.reduce((a, b) => a + b, 0) + mem;
    const used = Math.round(prov * (0.3 + r() * 0.5));
    const tail = [dc, cl, host, moref, uuid, 'vcenter01.corp.local', 'A1B2C3D4-0000-1111-2222-333344445555'];
    vInfo.push([
      name, on, tpl, 'False', 'green', `${name}.corp.local`, 'connected', on === 'poweredOn' ? 'running' : 'notRunning', 'green', 'False',
      45000 + r() * 1000, 'False', 43000 + r() * 2000, cpus, mem, nics, disks, caps.reduce((a, b) => a + b, 0), 'True', r() < 0.5 ? 'True' : 'False', ip,
      `VLAN-${100 + (i % 50)}`, 'Resources', `/Apps/Team${i % 20}`, '', prov, used, used, 'medium', 'False', r() < 0.3 ? 'efi' : 'bios', 'vmx-19',
      `[ds-${i % 40}] ${name}/${name}.vmx`, i % 7 === 0 ? 'Owned by payments' : '', pick(['gold', 'silver', 'bronze']), `team${i % 20}@corp.local`, dc, cl, host, os, os,
      moref, uuid, uuid, 'vcenter01.corp.local', 'A1B2C3D4-0000-1111-2222-333344445555',
    ]);
    vCPU.push([name, on, tpl, cpus, Math.max(1, cpus / 2), cpus > 1 ? 2 : 1, cpus * 2400, Math.round(r() * 2000), 'normal', 1000 * cpus, 0, 0, 0, -1, 'False', 'False', '', ...tail.slice(0, 3), moref, uuid, tail[5], tail[6]]);
    vMemory.push([name, on, tpl, mem, 'False', 40, mem, Math.round(mem * 0.8), 30, Math.round(mem * 0.7), 0, 0, 0, Math.round(mem * r() * 0.5), mem, mem, 'normal', 10 * mem, 0, -1, 'False', '', dc, cl, host, moref, uuid, tail[5], tail[6]]);
    caps.forEach((cap, d) => {
      vDisk.push([name, on, tpl, `Hard disk ${d + 1}`, 2000 + d, `6000C29${i}-${d}`, `[ds-${i % 40}] ${name}/${name}_${d}.vmdk`, cap, 'False', 'persistent', 'sharingNone', r() < 0.6 ? 'True' : 'False', 'False', 'False', 'False', 'normal', 1000, 0, -1, 'SCSI controller 0', `Hard disk ${d + 1}`, d, d, 'noSharing', `[ds-${i % 40}] ${name}/${name}_${d}.vmdk`, '', dc, cl, host, moref, uuid, tail[5], tail[6]]);
      const consumed = Math.round(cap * (0.2 + r() * 0.6));
      vPartition.push([name, on, tpl, 2000 + d, os.startsWith('Microsoft') ? `${String.fromCharCode(67 + d)}:\\` : d === 0 ? '/' : `/data${d}`, cap - 1024, consumed, cap - 1024 - consumed, Math.round(((cap - 1024 - consumed) / (cap - 1024)) * 100), '', dc, cl, host, moref, uuid, tail[5], tail[6]]);
    });
    for (let n = 0; n < nics; n++) {
      vNetwork.push([name, on, tpl, `Network adapter ${n + 1}`, 'Vmxnet3', `VLAN-${100 + ((i + n) % 50)}`, 'dvSwitch-prod', 'True', 'True', `00:50:56:${(i >> 8) & 255}:${i & 255}:${n}`.replace(/:(\d)(?=:|$)/g, ':0$1'), 'assigned', n === 0 ? ip : `192.168.${n}.${i & 255}`, '', 'False', '', dc, cl, host, moref, uuid, tail[5], tail[6]]);
    }
  }
  return [
    { name: 'vInfo', rows: vInfo },
    { name: 'vCPU', rows: vCPU },
    { name: 'vMemory', rows: vMemory },
    { name: 'vDisk', rows: vDisk },
    { name: 'vPartition', rows: vPartition },
    { name: 'vNetwork', rows: vNetwork },
  ];
}
