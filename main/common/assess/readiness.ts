import type { Server } from '../model/server';
import { osSupport, type OsSupport, type OsSupportData } from './os-support';

export type Severity = 'blocker' | 'warning' | 'info';
export const SEVERITY_LABEL: Record<Severity, string> = { blocker: 'Blocker', warning: 'Warning', info: 'Note' };

/** What kind of work a finding asks for: the Findings table filters on it. */
export type FixKind = 'upgrade-os' | 'rework-disks' | 'firmware' | 'snapshots' | 'replication-setting' | 'network' | 'decide' | 'free-space' | 'check';
export const FIX_KIND_LABEL: Record<FixKind, string> = {
  'upgrade-os': 'Upgrade or rebuild the OS',
  'rework-disks': 'Rework disks',
  firmware: 'Change firmware or boot',
  snapshots: 'Consolidate snapshots',
  'replication-setting': 'Change a replication setting',
  network: 'Plan the network',
  decide: 'Decide with the owner',
  'free-space': 'Free disk space',
  check: 'Check by hand',
};

export type ReadinessRule =
  | 'os-unsupported' | 'os-unknown' | 'os-vm-import' | 'os-legacy-windows' | 'arch-32bit' | 'arch-arm'
  | 'disk-rdm' | 'disk-shared' | 'disk-independent' | 'disk-count-import' | 'disk-count-ec2' | 'boot-mbr-2tib' | 'disk-over-16tib' | 'disk-over-8tib'
  | 'secure-boot' | 'snapshots' | 'cbt-off' | 'nics-many' | 'nics-import' | 'ipv6-only' | 'template' | 'powered-off' | 'suspended'
  | 'free-space-windows' | 'free-space-linux' | 'no-size';

export interface Finding {
  rule: ReadinessRule;
  severity: Severity;
  /** One line, human. */
  title: string;
  /** The facts that raised it (values from the inventory). */
  detail: string;
  /** What to do about it. */
  fix: string;
  fixKind: FixKind;
}

export type Readiness = 'ready' | 'conditional' | 'not-ready' | 'unknown';
export const READINESS_LABEL: Record<Readiness, string> = { ready: 'Ready', conditional: 'Ready with conditions', 'not-ready': 'Not ready', unknown: 'Readiness unknown' };

export interface ServerReadiness {
  readiness: Readiness;
  findings: Finding[];
  os: OsSupport;
}

const TIB = 1024 * 1024; // MiB
/** EBS attachment slots on Nitro instances (shared with network interfaces and NVMe instance store). */
export const EC2_NITRO_ATTACHMENTS = 28;
/** A VM Import/Export task fails with more volumes than this. */
export const VM_IMPORT_MAX_VOLUMES = 21;

const gib = (mib: number) => `${(mib / 1024).toLocaleString('en-US', { maximumFractionDigits: 1 })} GiB`;
const tib = (mib: number) => `${(mib / TIB).toLocaleString('en-US', { maximumFractionDigits: 2 })} TiB`;

/** The readiness of one server for a move to EC2: every concern the inventory lets us check. */
export function assessReadiness(server: Server, osData: OsSupportData, osCache?: Map<string, OsSupport>): ServerReadiness {
  const f: Finding[] = [];
  const add = (x: Finding) => f.push(x);
  const key = `${server.os.reported ?? ''}\u0000${server.os.configured ?? ''}`;
  let os = osCache?.get(key);
  if (!os) {
    os = osSupport(server, osData);
    osCache?.set(key, os);
  }
  const osName = os.os.text || 'unknown OS';

  // Operating system
  if (!os.os.text || server.os.family === 'unknown') {
    add({ rule: 'os-unknown', severity: 'warning', title: 'Operating system unknown', detail: 'The source gives no guest OS.', fix: 'Find the OS (VMware Tools, the owner, a login) before planning the move.', fixKind: 'check' });
  } else if (os.legacyWindows) {
    add({
      rule: 'os-legacy-windows',
      severity: os.os.family === 'Windows client' ? 'blocker' : 'warning',
      title: `${os.os.family} ${os.os.version ?? ''} is past end of support`.replace(/\s+/g, ' '),
      detail: `${os.vmImportDetail} ${os.mgnDetail}`,
      fix: 'Rebuild the workload on a supported Windows Server (replatform), or retain or retire it.',
      fixKind: 'upgrade-os',
    });
  } else if (os.vmImport === 'unsupported' && os.mgn !== 'supported') {
    add({ rule: 'os-unsupported', severity: 'blocker', title: 'OS not supported by VM Import/Export or MGN', detail: `${osName}: ${os.vmImportDetail} ${os.mgnDetail}`, fix: 'Rebuild on a supported OS (replatform), or retain the server.', fixKind: 'upgrade-os' });
  } else if (os.vmImport === 'unknown' && os.mgn === 'unknown') {
    add({ rule: 'os-unsupported', severity: 'warning', title: 'OS support cannot be confirmed', detail: `${osName}: ${os.vmImportDetail}`, fix: 'Check the OS against the current VM Import/Export and MGN lists.', fixKind: 'check' });
  } else if (os.vmImport === 'unsupported') {
    add({ rule: 'os-vm-import', severity: 'info', title: 'Image import does not support this OS version', detail: os.vmImportDetail, fix: 'Use block-level replication (MGN), or upgrade the OS before an image import.', fixKind: 'upgrade-os' });
  }

  const arch = os.arch;
  if (arch === 'i386') {
    const linux = server.os.family === 'linux';
    add({
      rule: 'arch-32bit',
      severity: linux ? 'blocker' : 'warning',
      title: '32-bit guest',
      detail: linux ? 'VM Import/Export takes 64-bit Linux only.' : 'Only Windows 2003/2008 and Windows 7/8 import as 32-bit, onto a few older instance types.',
      fix: 'Rebuild on a 64-bit OS (replatform).',
      fixKind: 'upgrade-os',
    });
  } else if (arch === 'arm64') {
    add({ rule: 'arch-arm', severity: 'warning', title: 'ARM64 guest', detail: 'VM Import/Export does not take ARM64 VMs.', fix: 'Use agent-based replication onto Graviton, or rebuild.', fixKind: 'check' });
  }

  // Disks
  const disks = server.disks;
  const rdm = disks.filter((d) => d.rdm);
  if (rdm.length) add({ rule: 'disk-rdm', severity: 'warning', title: 'Raw device mapping', detail: `${rdm.map((d) => d.label).join(', ')} ${rdm.length > 1 ? 'are' : 'is an'} RDM.`, fix: 'Image import cannot take RDMs: replicate from inside the guest (agent), or migrate the LUN data to a virtual disk first.', fixKind: 'rework-disks' });
  const shared = disks.filter((d) => d.shared);
  if (shared.length) add({ rule: 'disk-shared', severity: 'blocker', title: 'Shared (multi-writer) disk', detail: `${shared.map((d) => d.label).join(', ')} ${shared.length > 1 ? 'are' : 'is'} shared with other VMs (a cluster).`, fix: 'Redesign the cluster storage (FSx, or io2 Multi-Attach with a cluster-aware file system) before the move.', fixKind: 'rework-disks' });
  const independent = disks.filter((d) => d.mode && /independent/i.test(d.mode));
  if (independent.length) add({ rule: 'disk-independent', severity: 'warning', title: 'Independent disk', detail: `${independent.map((d) => `${d.label} (${(d.mode ?? '').replace(/_/g, ' ')})`).join(', ')}: snapshots skip independent disks.`, fix: 'Switch to dependent mode, or replicate from inside the guest (agent).', fixKind: 'rework-disks' });
  if (disks.length + 1 > EC2_NITRO_ATTACHMENTS) add({ rule: 'disk-count-ec2', severity: 'blocker', title: 'More volumes than EC2 can attach', detail: `${disks.length} disks; Nitro instances attach at most ${EC2_NITRO_ATTACHMENTS} volumes and network interfaces together.`, fix: 'Consolidate disks (LVM, Storage Spaces) before the move.', fixKind: 'rework-disks' });
  else if (disks.length > VM_IMPORT_MAX_VOLUMES) add({ rule: 'disk-count-import', severity: 'warning', title: 'Too many volumes for one image import', detail: `${disks.length} disks; an import task fails above ${VM_IMPORT_MAX_VOLUMES}.`, fix: 'Use MGN, or import the extra disks one at a time as snapshots.', fixKind: 'rework-disks' });
  const boot = disks[0];
  if (boot && server.firmware.type === 'bios' && boot.capacityMiB > 2 * TIB) add({ rule: 'boot-mbr-2tib', severity: 'blocker', title: 'Boot disk over 2 TiB on BIOS', detail: `${boot.label} is ${tib(boot.capacityMiB)}; an MBR boot disk addresses 2 TiB.`, fix: 'Move data off the boot disk (to 2 TiB or less), or convert to GPT and boot UEFI.', fixKind: 'firmware' });
  const huge = disks.filter((d) => d.capacityMiB > 16 * TIB);
  if (huge.length) add({ rule: 'disk-over-16tib', severity: 'blocker', title: 'Disk over 16 TiB', detail: `${huge.map((d) => `${d.label} ${tib(d.capacityMiB)}`).join(', ')}: gp3 volumes and image imports stop at 16 TiB.`, fix: 'Split the data across volumes, or plan io2 Block Express (up to 64 TiB) with agent replication.', fixKind: 'rework-disks' });
  const big = disks.filter((d) => d.capacityMiB > 8 * TIB && d.capacityMiB <= 16 * TIB);
  if (big.length) add({ rule: 'disk-over-8tib', severity: 'info', title: 'Disk over 8 TiB', detail: `${big.map((d) => `${d.label} ${tib(d.capacityMiB)}`).join(', ')}: an image import needs a manifest file.`, fix: 'Import with a manifest, or replicate with MGN.', fixKind: 'check' });

  // Firmware
  if (server.firmware.type === 'efi' && server.firmware.secureBoot) add({ rule: 'secure-boot', severity: 'warning', title: 'UEFI Secure Boot on', detail: 'EC2 launches migrated servers without the source Secure Boot keys.', fix: 'Plan Secure Boot on EC2 (UEFI variable store on a supported type), or accept launching without it.', fixKind: 'firmware' });

  // Snapshots and change tracking
  if (server.snapshots.length) add({ rule: 'snapshots', severity: 'warning', title: `${server.snapshots.length} snapshot${server.snapshots.length > 1 ? 's' : ''} present`, detail: server.snapshots.slice(0, 3).map((s) => s.name).join(', ') + (server.snapshots.length > 3 ? '…' : ''), fix: 'Delete or consolidate snapshots before replication starts.', fixKind: 'snapshots' });
  if (server.cbt === false && server.vmManager.type === 'vsphere') add({ rule: 'cbt-off', severity: 'info', title: 'Changed Block Tracking off', detail: 'Agentless (snapshot-based) replication from vCenter needs CBT.', fix: 'Enable CBT (needs a stun/unstun or power cycle), or replicate with the agent.', fixKind: 'replication-setting' });

  // Network
  const nics = server.nics;
  if (nics.length >= 4) add({ rule: 'nics-many', severity: 'warning', title: `${nics.length} network adapters`, detail: 'Small instance types attach 2–3 network interfaces.', fix: 'Check the target type’s interface limit, or consolidate networks.', fixKind: 'network' });
  else if (nics.length > 1) add({ rule: 'nics-import', severity: 'info', title: `${nics.length} network adapters`, detail: 'An image import comes up with a single DHCP interface.', fix: 'Add the other interfaces in the launch template after the move.', fixKind: 'network' });
  const v4 = nics.some((n) => n.ipv4.length > 0);
  const v6 = nics.some((n) => n.ipv6.length > 0);
  if (v6 && !v4) add({ rule: 'ipv6-only', severity: 'warning', title: 'IPv6 only', detail: 'The server has no IPv4 address; imports and replication servers use IPv4.', fix: 'Plan a dual-stack subnet and an IPv4 address for the cutover.', fixKind: 'network' });

  // State
  if (server.state.template) add({ rule: 'template', severity: 'info', title: 'Template', detail: 'A template is not a running server.', fix: 'Retire it, or rebuild the image on EC2.', fixKind: 'decide' });
  else if (server.state.power === 'poweredOff') add({ rule: 'powered-off', severity: 'info', title: 'Powered off', detail: 'Replication needs the server running (agent) or its disks readable.', fix: 'Ask the owner: retire it, or power it on to migrate.', fixKind: 'decide' });
  else if (server.state.power === 'suspended') add({ rule: 'suspended', severity: 'warning', title: 'Suspended', detail: 'A suspended VM cannot be replicated.', fix: 'Resume or power it off, then decide.', fixKind: 'decide' });

  // Free space the tools need
  if (server.os.family === 'windows') {
    const c = server.partitions.find((p) => /^c:/i.test(p.path));
    if (c?.freeMiB !== undefined && c.freeMiB < 6 * 1024) add({ rule: 'free-space-windows', severity: 'warning', title: 'Less than 6 GiB free on C:', detail: `${gib(c.freeMiB)} free; driver installation during import needs 6 GiB.`, fix: 'Free space on C: (and fix the page file size).', fixKind: 'free-space' });
  } else if (server.os.family === 'linux') {
    const root = server.partitions.find((p) => p.path === '/');
    if (root?.freeMiB !== undefined && root.freeMiB < 2 * 1024) add({ rule: 'free-space-linux', severity: 'warning', title: 'Less than 2 GiB free on /', detail: `${gib(root.freeMiB)} free; the MGN agent needs 2 GB.`, fix: 'Free space on the root file system.', fixKind: 'free-space' });
  }
  if (server.cpu.vcpus === 0 || server.memoryMiB === 0) add({ rule: 'no-size', severity: 'warning', title: 'No CPU or memory size', detail: `${server.cpu.vcpus} vCPU, ${gib(server.memoryMiB)} memory in the source.`, fix: 'Find the size; the proposal uses the smallest type until then.', fixKind: 'check' });

  return { readiness: readinessOf(f), findings: f, os };
}

/** Not ready with any blocker; unknown when the OS cannot be checked; with conditions when warnings remain. */
export function readinessOf(findings: readonly Finding[]): Readiness {
  if (findings.some((x) => x.severity === 'blocker')) return 'not-ready';
  if (findings.some((x) => x.rule === 'os-unknown' || (x.rule === 'os-unsupported' && x.severity === 'warning'))) return 'unknown';
  if (findings.some((x) => x.severity === 'warning')) return 'conditional';
  return 'ready';
}
