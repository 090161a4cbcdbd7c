import { z } from 'zod';

/** Where a server was discovered or imported from. */
export const SourceKindSchema = z.enum([
  'demo',
  'manual',
  'rvtools',
  'migration-hub-csv',
  'azure-migrate-csv',
  'cmf-intake-csv',
  'sms-json',
  'vcenter',
  'hyperv',
  'azure',
  'libvirt',
  'virtualbox',
  'vmware-workstation',
  'ssh',
]);
export type SourceKind = z.infer<typeof SourceKindSchema>;

export const VmManagerTypeSchema = z.enum([
  'vsphere',
  'hyperv',
  'azure',
  'libvirt',
  'virtualbox',
  'vmware-workstation',
  'physical',
  'unknown',
]);
export type VmManagerType = z.infer<typeof VmManagerTypeSchema>;

export const PowerStateSchema = z.enum(['poweredOn', 'poweredOff', 'suspended', 'unknown']);
export type PowerState = z.infer<typeof PowerStateSchema>;

export const OsFamilySchema = z.enum(['windows', 'linux', 'other', 'unknown']);
export type OsFamily = z.infer<typeof OsFamilySchema>;

export const DiskSchema = z.object({
  label: z.string(),
  capacityMiB: z.number().nonnegative(),
  provisionedMiB: z.number().nonnegative().optional(),
  usedMiB: z.number().nonnegative().optional(),
  thin: z.boolean().optional(),
  mode: z.string().optional(),
  controller: z.string().optional(),
  shared: z.boolean().optional(),
  rdm: z.boolean().optional(),
  path: z.string().optional(),
  /** Image format when the source names it (libvirt driver type: qcow2, raw, vmdk, vpc). */
  format: z.string().optional(),
});
export type Disk = z.infer<typeof DiskSchema>;

export const PartitionSchema = z.object({
  path: z.string(),
  capacityMiB: z.number().nonnegative(),
  freeMiB: z.number().nonnegative().optional(),
});
export type Partition = z.infer<typeof PartitionSchema>;

export const NicSchema = z.object({
  label: z.string().optional(),
  network: z.string().optional(),
  mac: z.string().optional(),
  ipv4: z.array(z.string()).default([]),
  ipv6: z.array(z.string()).default([]),
  connected: z.boolean().optional(),
  adapterType: z.string().optional(),
});
export type Nic = z.infer<typeof NicSchema>;

export const SnapshotSchema = z.object({
  name: z.string(),
  createdAt: z.string().optional(),
  sizeMiB: z.number().nonnegative().optional(),
});

export const UtilizationSchema = z.object({
  cpuAvgPct: z.number().nonnegative().optional(),
  cpuMaxPct: z.number().nonnegative().optional(),
  memAvgPct: z.number().nonnegative().optional(),
  memMaxPct: z.number().nonnegative().optional(),
  diskReadKBps: z.number().nonnegative().optional(),
  diskWriteKBps: z.number().nonnegative().optional(),
  diskIops: z.number().nonnegative().optional(),
  netInKBps: z.number().nonnegative().optional(),
  netOutKBps: z.number().nonnegative().optional(),
  /** Sampled sources (SSH discovery) also give the 95th percentile and maximum, and how they were sampled. */
  cpuP95Pct: z.number().nonnegative().optional(),
  memP95Pct: z.number().nonnegative().optional(),
  diskReadKBpsP95: z.number().nonnegative().optional(),
  diskReadKBpsMax: z.number().nonnegative().optional(),
  diskWriteKBpsP95: z.number().nonnegative().optional(),
  diskWriteKBpsMax: z.number().nonnegative().optional(),
  diskIopsP95: z.number().nonnegative().optional(),
  diskIopsMax: z.number().nonnegative().optional(),
  netInKBpsP95: z.number().nonnegative().optional(),
  netInKBpsMax: z.number().nonnegative().optional(),
  netOutKBpsP95: z.number().nonnegative().optional(),
  netOutKBpsMax: z.number().nonnegative().optional(),
  /**
   * Disk and network throughput as one figure each (read + write, received + transmitted), average, p95 and max: what
   * vCenter keeps at its default statistics level 1 (disk.usage.average, net.usage.average), which has no split.
   */
  diskTotalKBps: z.number().nonnegative().optional(),
  diskTotalKBpsP95: z.number().nonnegative().optional(),
  diskTotalKBpsMax: z.number().nonnegative().optional(),
  netTotalKBps: z.number().nonnegative().optional(),
  netTotalKBpsP95: z.number().nonnegative().optional(),
  netTotalKBpsMax: z.number().nonnegative().optional(),
  samples: z.number().int().nonnegative().optional(),
  periodSeconds: z.number().nonnegative().optional(),
});
export type Utilization = z.infer<typeof UtilizationSchema>;

/**
 * One server of the estate, whatever its source. Field provenance lives in `provenance`:
 * a field path (`memoryMiB`, `os.configured`, `disks`) mapped to a human-readable origin
 * (`RVTools vInfo!Memory, row 12`), so the detail panel can say where every value came from.
 */
export const ServerSchema = z.object({
  id: z.string().min(1),
  name: z.string().min(1),
  source: z.object({ kind: SourceKindSchema, name: z.string() }),
  vmManager: z.object({ type: VmManagerTypeSchema, id: z.string().optional(), name: z.string().optional() }),
  identity: z
    .object({
      moref: z.string().optional(),
      instanceUuid: z.string().optional(),
      biosUuid: z.string().optional(),
      smbiosUuid: z.string().optional(),
      hostName: z.string().optional(),
      fqdn: z.string().optional(),
      externalId: z.string().optional(),
    })
    .default({}),
  place: z
    .object({
      datacenter: z.string().optional(),
      cluster: z.string().optional(),
      host: z.string().optional(),
      folder: z.string().optional(),
      resourcePool: z.string().optional(),
      region: z.string().optional(),
    })
    .default({}),
  state: z.object({
    power: PowerStateSchema,
    template: z.boolean().default(false),
    tools: z.string().optional(),
  }),
  os: z.object({
    configured: z.string().optional(),
    reported: z.string().optional(),
    family: OsFamilySchema,
  }),
  firmware: z.object({ type: z.enum(['bios', 'efi', 'unknown']), secureBoot: z.boolean().optional() }),
  cpu: z.object({
    vcpus: z.number().int().nonnegative(),
    sockets: z.number().int().positive().optional(),
    coresPerSocket: z.number().int().positive().optional(),
  }),
  memoryMiB: z.number().nonnegative(),
  disks: z.array(DiskSchema).default([]),
  /** VM-level storage totals when the source gives them (RVTools vInfo Provisioned/In Use): they include swap and snapshots, which per-disk sizes do not. */
  storage: z.object({ provisionedMiB: z.number().nonnegative().optional(), usedMiB: z.number().nonnegative().optional() }).optional(),
  partitions: z.array(PartitionSchema).default([]),
  nics: z.array(NicSchema).default([]),
  cbt: z.boolean().optional(),
  snapshots: z.array(SnapshotSchema).default([]),
  annotation: z.string().optional(),
  tags: z.record(z.string(), z.string()).default({}),
  utilization: UtilizationSchema.optional(),
  provenance: z.record(z.string(), z.string()).default({}),
});
export type Server = z.infer<typeof ServerSchema>;

export function totalProvisionedMiB(server: Server): number {
  if (server.storage?.provisionedMiB !== undefined) return server.storage.provisionedMiB;
  return server.disks.reduce((sum, d) => sum + (d.provisionedMiB ?? d.capacityMiB), 0);
}

export function totalUsedMiB(server: Server): number {
  if (server.storage?.usedMiB !== undefined) return server.storage.usedMiB;
  return server.disks.reduce((sum, d) => sum + (d.usedMiB ?? 0), 0);
}
