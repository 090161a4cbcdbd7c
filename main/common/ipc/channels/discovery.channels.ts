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
} as const;
