import { z } from 'zod';
import { channel } from '../define';
import { ImportReportSchema } from '../../model/inventory-import';
import { DiscoveryKindSchema, DiscoverySourceSchema } from '../../model/discovery';

/** What a discovery reports: an import's figures and the source. */
export const DiscoveryReportSchema = ImportReportSchema.omit({ files: true }).extend({
  source: z.object({ kind: DiscoveryKindSchema, url: z.string(), name: z.string() }),
});

const taskId = z.string().min(1).max(200).optional();

export const discoveryChannels = {
  /** The discovery sources kept in the open project (address, user, accepted thumbprint; never a password). */
  'discovery.sources': channel(z.object({}).strict(), z.array(DiscoverySourceSchema)),
  /**
   * Discovers a vCenter's VMs and merges them into the open project (a task: progress, cancel). The password is used
   * for Login only. An untrusted certificate fails with `discovery-certificate-untrusted` and `details.thumbprint`:
   * accepting it is calling again with that thumbprint.
   */
  'discovery.vcenter': channel(
    z
      .object({
        url: z.string().min(1).max(2048),
        user: z.string().min(1).max(512),
        password: z.string().min(1).max(4096),
        thumbprint: z.string().max(128).optional(),
        removeGone: z.boolean().optional(),
        taskId,
      })
      .strict(),
    DiscoveryReportSchema,
  ),
  /** Discovers a libvirt connection's domains (virsh, read-only) and merges them into the open project. */
  'discovery.libvirt': channel(z.object({ uri: z.string().min(1).max(2048), removeGone: z.boolean().optional(), taskId }).strict(), DiscoveryReportSchema),
  /**
   * Discovers Hyper-V VMs through PowerShell (this machine, or `host` over WinRM), or reads the JSON files the
   * offline script (assets/discovery/hyperv-inventory.ps1) saved in `fromJson`; one of the two, not both.
   */
  'discovery.hyperv': channel(
    z
      .object({ host: z.string().min(1).max(253).optional(), fromJson: z.string().min(1).max(4096).optional(), removeGone: z.boolean().optional(), taskId })
      .strict()
      .refine((a) => !(a.host && a.fromJson), { message: 'Give a host or a folder of saved JSON, not both.' }),
    DiscoveryReportSchema,
  ),
  /** Discovers the VirtualBox VMs of this machine's user (VBoxManage; `vboxmanage` is its path when not on PATH). */
  'discovery.virtualbox': channel(z.object({ vboxmanage: z.string().min(1).max(4096).optional(), removeGone: z.boolean().optional(), taskId }).strict(), DiscoveryReportSchema),
  /**
   * Discovers the VMs of an Azure subscription (all, or the given resource groups) with DefaultAzureCredential
   * (environment, managed identity, or the Azure CLI's login); no secret crosses the IPC boundary.
   */
  'discovery.azure': channel(
    z
      .object({
        subscriptionId: z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, 'a subscription id is a GUID'),
        resourceGroups: z.array(z.string().min(1).max(90)).max(200).optional(),
        tenantId: z.string().min(1).max(253).optional(),
        removeGone: z.boolean().optional(),
        taskId,
      })
      .strict(),
    DiscoveryReportSchema,
  ),
  /** Discovers VMware Workstation/Fusion VMs from the .vmx files under a folder. */
  'discovery.vmwareWorkstation': channel(z.object({ folder: z.string().min(1).max(4096), removeGone: z.boolean().optional(), taskId }).strict(), DiscoveryReportSchema),
} as const;
