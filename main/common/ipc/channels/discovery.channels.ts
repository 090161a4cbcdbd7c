import { z } from 'zod';
import { channel } from '../define';
import { ImportReportSchema } from '../../model/inventory-import';
import { DiscoveryKindSchema, DiscoverySourceSchema, PerfPeriodSchema } from '../../model/discovery';

/** What a discovery reports: an import's figures and the source. */
export const DiscoveryReportSchema = ImportReportSchema.omit({ files: true }).extend({
  /** `id`: the saved connection (in `discovery.sources`) the run created or updated. */
  source: z.object({ kind: DiscoveryKindSchema, url: z.string(), name: z.string(), id: z.string().optional() }),
});

const taskId = z.string().min(1).max(200).optional();
/** Repeat a saved connection (its saved password is used when none is given) and whether to save the password. */
const saved = { sourceId: z.string().min(1).max(200).optional(), remember: z.boolean().optional() };

/** A host key the user saw and trusts: only this SHA-256 fingerprint (as OpenSSH prints it) for this host and port. */
export const TrustedHostKeySchema = z.object({ host: z.string().min(1).max(255), port: z.number().int().min(1).max(65535), fingerprint: z.string().regex(/^SHA256:[A-Za-z0-9+/]{43}$/) }).strict();

/** A saved connection as the dialog lists it: the source and whether a password is saved for it (never the password). */
export const SavedConnectionSchema = DiscoverySourceSchema.extend({ secretSaved: z.boolean() });

export const discoveryChannels = {
  /** The discovery sources kept in the open project (address, user, accepted thumbprint; never a password). */
  'discovery.sources': channel(z.object({}).strict(), z.array(DiscoverySourceSchema)),
  /** The saved connections with whether a password is saved; `persistent`: saved passwords outlive the session (desktop app). */
  'discovery.connections': channel(z.object({}).strict(), z.object({ persistent: z.boolean(), sources: z.array(SavedConnectionSchema) })),
  /** Forgets the saved password of a connection. */
  'discovery.forgetSecret': channel(z.object({ sourceId: z.string().min(1).max(200) }).strict(), z.object({})),
  /**
   * Discovers a vCenter's VMs and merges them into the open project (a task: progress, cancel). The password is used
   * for Login only. An untrusted certificate fails with `discovery-certificate-untrusted` and `details.thumbprint`:
   * accepting it is calling again with that thumbprint. vSphere tags and custom attributes land in the servers' tags;
   * a server without the tagging service (ESXi) is a warning in the report.
   */
  'discovery.vcenter': channel(
    z
      .object({
        url: z.string().min(1).max(2048),
        user: z.string().min(1).max(512),
        password: z.string().min(1).max(4096).optional(),
        thumbprint: z.string().max(128).optional(),
        /** Utilization from the performance statistics of the last day, week or month (absent: quick stats only). */
        perfPeriod: PerfPeriodSchema.optional(),
        removeGone: z.boolean().optional(),
        ...saved,
        taskId,
      })
      .strict(),
    DiscoveryReportSchema,
  ),
  /** Discovers a libvirt connection's domains (virsh, read-only) and merges them into the open project. */
  'discovery.libvirt': channel(z.object({ uri: z.string().min(1).max(2048), removeGone: z.boolean().optional(), taskId }).strict(), DiscoveryReportSchema),
  /**
   * Discovers Linux hosts over SSH and merges them (and their established connections as dependencies) into the open
   * project. A host key never seen fails with `ssh-host-key-unknown` and `details.hostKeys` (name, host, port,
   * keyType, fingerprint), changing nothing: trusting is calling again with them in `trustHostKeys`. A changed key
   * fails with `ssh-host-key-changed` (no way around it here).
   */
  'discovery.ssh': channel(
    z
      .object({
        hosts: z.array(z.string().min(1).max(300)).min(1).max(500),
        port: z.number().int().min(1).max(65535).optional(),
        user: z.string().min(1).max(64),
        keyFile: z.string().min(1).max(4096).optional(),
        password: z.string().min(1).max(4096).optional(),
        agent: z.boolean().optional(),
        sampleSeconds: z.number().int().min(0).max(3600).optional(),
        parallel: z.number().int().min(1).max(64).optional(),
        trustHostKeys: z.array(TrustedHostKeySchema).max(500).optional(),
        removeGone: z.boolean().optional(),
        ...saved,
        taskId,
      })
      .strict(),
    DiscoveryReportSchema,
  ),
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
