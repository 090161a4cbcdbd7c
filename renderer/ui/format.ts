/** Number formatting shared by screens (binary units: what vSphere and RVTools report). */
export function formatMiB(mib: number): string {
  if (mib >= 1024 * 1024) return `${(mib / 1024 / 1024).toFixed(1)} TiB`;
  if (mib >= 1024) return `${(mib / 1024).toFixed(mib >= 10 * 1024 ? 0 : 1)} GiB`;
  return `${Math.round(mib)} MiB`;
}

export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return d.toLocaleString('en-GB', { hour: '2-digit', minute: '2-digit', day: '2-digit', month: 'short' });
}

/**
 * A throughput given in KB/s (vSphere's and /proc's kilobytes: 1,024 bytes) in the unit that reads best: KB/s below
 * 1,024, then MB/s and GB/s, with one decimal below 100.
 */
export function formatKBps(kbps: number): string {
  const units = ['KB/s', 'MB/s', 'GB/s'];
  let v = kbps;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toLocaleString('en-US', { maximumFractionDigits: v < 100 ? 1 : 0 })} ${units[i]}`;
}

/** File sizes as a file manager shows them: bytes below 1 KiB, then binary units with one decimal below 10. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = bytes / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[i]}`;
}

/**
 * Human labels for the values the model stores as enums: the one place the renderer turns
 * `poweredOn`, `windows` or `vsphere` into words. Unknown values (a newer file) print as they are.
 */
const LABELS = {
  power: { poweredOn: 'On', poweredOff: 'Off', suspended: 'Suspended', unknown: 'Unknown' },
  osFamily: { windows: 'Windows', linux: 'Linux', other: 'Other', unknown: 'Unknown' },
  vmManagerType: { vsphere: 'VMware vSphere', hyperv: 'Microsoft Hyper-V', azure: 'Microsoft Azure', libvirt: 'libvirt (KVM)', virtualbox: 'VirtualBox', 'vmware-workstation': 'VMware Workstation', physical: 'Physical', unknown: 'Unknown' },
  sourceKind: {
    demo: 'Demo estate',
    manual: 'Entered by hand',
    rvtools: 'RVTools',
    'migration-hub-csv': 'AWS Migration Hub CSV',
    'azure-migrate-csv': 'Azure Migrate CSV',
    'cmf-intake-csv': 'Cloud Migration Factory intake CSV',
    'sms-json': 'AWS SMS GetServers JSON',
    'azure-migrate-dependencies': 'Azure Migrate dependencies',
    vcenter: 'vCenter',
    hyperv: 'Hyper-V',
    azure: 'Azure',
    libvirt: 'libvirt',
    virtualbox: 'VirtualBox',
    'vmware-workstation': 'VMware Workstation',
    ssh: 'SSH discovery',
  },
  firmware: { bios: 'BIOS', efi: 'UEFI', unknown: 'Unknown' },
  tools: { toolsOk: 'Running, current', toolsOld: 'Running, out of date', toolsNotRunning: 'Not running', toolsNotInstalled: 'Not installed', guestToolsRunning: 'Running', guestToolsNotRunning: 'Not running', unknown: 'Unknown' },
  /** A finished replication run (project history). */
  runStatus: { completed: 'Completed', inconsistent: 'Not consistent', failed: 'Failed' },
  /** How a replication run travels (Connection settings; a run's `transport`). */
  transport: { ebs: 'EBS direct snapshots', s3: 'S3 bucket + VM Import' },
  /** A replication job's state (`replication.job` events). */
  jobState: { queued: 'Queued', running: 'Running', paused: 'Paused', completed: 'Completed', inconsistent: 'Not consistent', failed: 'Failed', cancelled: 'Cancelled' },
  /** Where a running disk is (`replication.progress` events). */
  replicationStage: { queued: 'Queued', opening: 'Opening the image', 'starting-snapshot': 'Starting the snapshot', sending: 'Sending blocks', completing: 'Completing the snapshot', uploading: 'Uploading', 'importing-image': 'Importing the image', 'registering-image': 'Registering the AMI', verifying: 'Verifying', done: 'Done' },
} as const satisfies Record<string, Record<string, string>>;

export type LabelKind = keyof typeof LABELS;

/** The human label of an enum value (`label('power', 'poweredOn')` → `On`); an empty value prints as a dash. */
export function label(kind: LabelKind, value: string | null | undefined): string {
  if (value === null || value === undefined || value === '') return '—';
  return (LABELS[kind] as Record<string, string>)[value] ?? value;
}

/** How a value is spread over several items, most common first: `3 types: m7i.large ×2, r6i.xlarge ×1, none ×1`. */
export function formatDistribution(values: readonly (string | null | undefined)[], noun: [singular: string, plural: string], max = 4): string {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v || 'none', (counts.get(v || 'none') ?? 0) + 1);
  const parts = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([v, n]) => `${v} ×${n}`);
  const shown = parts.length > max ? [...parts.slice(0, max), `${parts.length - max} more`] : parts;
  return `${counts.size} ${counts.size === 1 ? noun[0] : noun[1]}: ${shown.join(', ')}`;
}
