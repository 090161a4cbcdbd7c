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
  lastRunAt: z.string().optional(),
  lastImportId: z.string().optional(),
  lastServers: z.number().int().nonnegative().optional(),
});
export type DiscoverySource = z.infer<typeof DiscoverySourceSchema>;

export const DiscoveryStateSchema = z.object({ sources: z.array(DiscoverySourceSchema).default([]) });
export type DiscoveryState = z.infer<typeof DiscoveryStateSchema>;
