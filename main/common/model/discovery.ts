import { z } from 'zod';

export const DiscoveryKindSchema = z.enum(['vcenter', 'libvirt', 'ssh', 'hyperv', 'virtualbox', 'vmware-workstation', 'azure']);
export type DiscoveryKind = z.infer<typeof DiscoveryKindSchema>;

export const DISCOVERY_KIND_LABELS: Record<DiscoveryKind, string> = {
  vcenter: 'VMware vCenter',
  libvirt: 'libvirt (KVM/QEMU)',
  ssh: 'Linux hosts over SSH',
  hyperv: 'Microsoft Hyper-V',
  virtualbox: 'Oracle VirtualBox',
  'vmware-workstation': 'VMware Workstation/Fusion',
  azure: 'Microsoft Azure',
};

/** The period of vCenter performance statistics a vCenter discovery reads utilization from (none: quick stats only). */
export const PerfPeriodSchema = z.enum(['day', 'week', 'month']);
export type PerfPeriodChoice = z.infer<typeof PerfPeriodSchema>;
export const PERF_PERIOD_LABELS: Record<PerfPeriodChoice | 'none', string> = { none: 'None (quick stats only)', day: 'Last day (5-minute samples)', week: 'Last week (30-minute samples)', month: 'Last month (2-hour samples)' };

/**
 * A place the project discovers servers from: the address, the user and the accepted certificate thumbprint.
 * Never the password: it is asked for at each run and kept nowhere.
 */
export const DiscoverySourceSchema = z.object({
  id: z.string().min(1),
  kind: DiscoveryKindSchema,
  /**
   * vCenter SDK address (https://HOST/sdk), libvirt connection URI (qemu:///system, qemu+ssh://…),
   * `ssh://USER@HOST[,HOST…][:PORT]`, Hyper-V host (`hyperv://HOST`, `hyperv://localhost`, or the folder of saved
   * JSON), VirtualBox (`virtualbox://localhost`), VMware Workstation folder, or Azure subscription
   * (`azure://SUBSCRIPTION[/resourceGroups/RG,…]`).
   */
  url: z.string().min(1),
  user: z.string().optional(),
  /** SHA-1 thumbprint of the vCenter certificate the consultant accepted (upper-case hex pairs with colons). */
  thumbprint: z.string().optional(),
  /** SSH: the hosts as typed (NAME or NAME=ADDRESS), the port, the private key file's path (never its content), the sampling period. */
  hosts: z.array(z.string()).optional(),
  port: z.number().int().min(1).max(65535).optional(),
  keyFile: z.string().optional(),
  sampleSeconds: z.number().int().nonnegative().optional(),
  /** vCenter: the period of performance statistics read for utilization (absent: none). */
  perfPeriod: PerfPeriodSchema.optional(),
  lastRunAt: z.string().optional(),
  lastImportId: z.string().optional(),
  lastServers: z.number().int().nonnegative().optional(),
});
export type DiscoverySource = z.infer<typeof DiscoverySourceSchema>;

export const DiscoveryStateSchema = z.object({ sources: z.array(DiscoverySourceSchema).default([]) });
export type DiscoveryState = z.infer<typeof DiscoveryStateSchema>;
