import { randomUUID } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { WorkbenchError } from '../../common/model/errors';
import { throwIfAborted } from '../../common/util/cancel';
import type { ImportReport } from '../../common/model/inventory-import';
import type { ProjectDocument } from '../../common/model/project';
import type { DiscoveryKind, DiscoverySource } from '../../common/model/discovery';
import type { Server } from '../../common/model/server';
import { discoverVcenter, sdkUrl } from '../../discovery/vcenter/vcenter-discovery';
import { normalizeThumbprint } from '../../discovery/vcenter/transport';
import { checkUri, discoverLibvirt } from '../../discovery/libvirt/libvirt-discovery';
import type { TokenCredential } from '@azure/identity';
import type { ProjectStore } from '../project-store.service';
import type { TaskService } from '../tasks.service';
import type { InventoryService } from '../inventory/inventory.service';
import { discoverHyperV } from '../../discovery/hyperv/hyperv-discovery';
import { discoverVirtualBox } from '../../discovery/virtualbox/virtualbox-discovery';
import { discoverVmx } from '../../discovery/vmware-workstation/vmx-discovery';
import { serverFromAzVm, serverFromDomain, serverFromHvVm, serverFromVbVm, serverFromVcVm, serverFromVmx } from './discovery.mappers';

export interface VcenterDiscoveryRequest {
  url: string;
  user: string;
  /** Used for Login only; never stored, logged or put in an error. */
  password: string;
  thumbprint?: string;
  removeGone?: boolean;
  pageSize?: number;
  taskId?: string;
}

export interface LibvirtDiscoveryRequest {
  uri: string;
  removeGone?: boolean;
  taskId?: string;
  /** The virsh program (tests). */
  virsh?: string;
}

export interface HyperVDiscoveryRequest {
  /** A Hyper-V host reached over WinRM (Invoke-Command); this machine when absent. */
  host?: string;
  /** A folder of JSON files saved on the host by assets/discovery/hyperv-inventory.ps1 (no PowerShell is run). */
  fromJson?: string;
  removeGone?: boolean;
  taskId?: string;
  /** The PowerShell program (tests; default powershell.exe on Windows, pwsh elsewhere). */
  powershell?: string;
}

export interface VirtualBoxDiscoveryRequest {
  /** The VBoxManage program (default VBoxManage on PATH, or its Windows install folder). */
  vboxmanage?: string;
  removeGone?: boolean;
  taskId?: string;
}

export interface VmwareWorkstationDiscoveryRequest {
  /** The folder holding the VMs (searched recursively, bounded). */
  folder: string;
  removeGone?: boolean;
  taskId?: string;
}

export interface AzureDiscoveryRequest {
  subscriptionId: string;
  /** Only these resource groups; the whole subscription when empty. */
  resourceGroups?: string[];
  /** The Microsoft Entra tenant of the credential (DefaultAzureCredential's tenantId). */
  tenantId?: string;
  removeGone?: boolean;
  taskId?: string;
  /** Resource Manager endpoint (another cloud, an Azure Stack Hub) and extra trusted CA certificates (PEM). */
  endpoint?: string;
  ca?: string;
  /** Tests: a TokenCredential instead of DefaultAzureCredential. */
  credential?: TokenCredential;
}

/** What a discovery reports: the same figures as an import, and where the servers came from. */
export type DiscoveryReport = Omit<ImportReport, 'files'> & { source: { kind: DiscoveryKind; url: string; name: string } };

const CANCELLED = 'Discovery cancelled; the project is unchanged.';

/**
 * Live discovery (vCenter over SOAP, libvirt through virsh) as a task with progress and cancel, merged into the
 * inventory through the same path as an import (by identity: added, updated, unchanged, gone). The source (address,
 * user, accepted thumbprint; never the password) is kept in the project's `discovery.sources`.
 */
export class DiscoveryService {
  constructor(private readonly deps: { project: ProjectStore; tasks: TaskService; inventory: InventoryService }) {}

  /** The discovery sources kept in the open project. */
  sources(): DiscoverySource[] {
    return this.deps.project.document.discovery?.sources ?? [];
  }

  async vcenter(req: VcenterDiscoveryRequest): Promise<DiscoveryReport> {
    if (!req.user.trim()) throw new WorkbenchError('invalid-input', 'Give the vCenter user name.');
    if (!req.password) throw new WorkbenchError('invalid-input', 'Give the vCenter password.');
    const url = sdkUrl(req.url).toString();
    return this.deps.tasks.run(
      `Discovering ${new URL(url).host}`,
      'items',
      async (task) => {
        const before = this.deps.project.document;
        const inv = await discoverVcenter({
          url,
          user: req.user,
          password: req.password,
          ...(req.thumbprint ? { thumbprint: req.thumbprint } : {}),
          ...(req.pageSize ? { pageSize: req.pageSize } : {}),
          signal: task.signal,
          progress: (d, t, m) => task.progress(d, t, m),
        });
        throwIfAborted(task.signal, CANCELLED);
        const servers = inv.vms.map((vm) => serverFromVcVm(vm, inv.vcenter));
        const source: Omit<DiscoverySource, 'id'> = { kind: 'vcenter', url, user: req.user.trim(), ...(req.thumbprint ? { thumbprint: normalizeThumbprint(req.thumbprint) } : {}) };
        return this.commit(before, servers, source, inv.vcenter.name, req.removeGone, task);
      },
      req.taskId,
    );
  }

  async libvirt(req: LibvirtDiscoveryRequest): Promise<DiscoveryReport> {
    const uri = checkUri(req.uri);
    return this.deps.tasks.run(
      `Discovering ${uri}`,
      'items',
      async (task) => {
        const before = this.deps.project.document;
        const res = await discoverLibvirt({ uri, signal: task.signal, progress: (d, t, m) => task.progress(d, t, m), ...(req.virsh ? { virsh: req.virsh } : {}) });
        throwIfAborted(task.signal, CANCELLED);
        const servers = res.domains.map((d) => serverFromDomain(d, uri));
        return this.commit(before, servers, { kind: 'libvirt', url: uri }, uri, req.removeGone, task);
      },
      req.taskId,
    );
  }

  /** Hyper-V VMs through PowerShell (this machine or a host over WinRM), or from the JSON the offline script saved. */
  async hyperv(req: HyperVDiscoveryRequest): Promise<DiscoveryReport> {
    if (req.host !== undefined && req.fromJson !== undefined) throw new WorkbenchError('invalid-input', 'Give a Hyper-V host or a folder of saved JSON, not both.');
    const label = req.fromJson ? path.resolve(req.fromJson) : `hyperv://${req.host?.trim() || 'localhost'}`;
    return this.deps.tasks.run(
      `Discovering Hyper-V ${req.fromJson ? 'from saved JSON' : (req.host?.trim() || 'on this machine')}`,
      'items',
      async (task) => {
        const before = this.deps.project.document;
        const res = await discoverHyperV({
          ...(req.host ? { host: req.host } : {}),
          ...(req.fromJson ? { fromJson: req.fromJson } : {}),
          ...(req.powershell ? { powershell: req.powershell } : {}),
          signal: task.signal,
          progress: (d, t, m) => task.progress(d, t, m),
        });
        throwIfAborted(task.signal, CANCELLED);
        const servers = res.vms.map((vm) => serverFromHvVm(vm, res.host));
        return this.commit(before, servers, { kind: 'hyperv', url: label }, res.host, req.removeGone, task);
      },
      req.taskId,
    );
  }

  /** VirtualBox VMs of the user running the workbench, through VBoxManage. */
  async virtualbox(req: VirtualBoxDiscoveryRequest): Promise<DiscoveryReport> {
    const host = os.hostname() || 'localhost';
    return this.deps.tasks.run(
      'Discovering VirtualBox VMs',
      'items',
      async (task) => {
        const before = this.deps.project.document;
        const res = await discoverVirtualBox({ ...(req.vboxmanage ? { vboxmanage: req.vboxmanage } : {}), signal: task.signal, progress: (d, t, m) => task.progress(d, t, m) });
        throwIfAborted(task.signal, CANCELLED);
        const servers = res.vms.map((vm) => serverFromVbVm(vm, host));
        return this.commit(before, servers, { kind: 'virtualbox', url: `virtualbox://${host}` }, `VirtualBox on ${host}`, req.removeGone, task, res.warnings);
      },
      req.taskId,
    );
  }

  /** VMware Workstation/Fusion VMs from the .vmx files in a folder. */
  async vmwareWorkstation(req: VmwareWorkstationDiscoveryRequest): Promise<DiscoveryReport> {
    if (!req.folder.trim()) throw new WorkbenchError('invalid-input', 'Give the folder that holds the VMs.');
    const folder = path.resolve(req.folder);
    return this.deps.tasks.run(
      `Discovering VMware VMs in ${path.basename(folder)}`,
      'items',
      async (task) => {
        const before = this.deps.project.document;
        const res = await discoverVmx({ folder, signal: task.signal, progress: (d, t, m) => task.progress(d, t, m) });
        throwIfAborted(task.signal, CANCELLED);
        const servers = res.vms.map((vm) => serverFromVmx(vm, folder));
        return this.commit(before, servers, { kind: 'vmware-workstation', url: folder }, folder, req.removeGone, task, res.warnings);
      },
      req.taskId,
    );
  }

  /** Azure VMs of a subscription (or of chosen resource groups) through the Azure SDK, loaded only here. */
  async azure(req: AzureDiscoveryRequest): Promise<DiscoveryReport> {
    const az = await import('../../discovery/azure/azure-discovery');
    const sub = az.checkSubscription(req.subscriptionId);
    const groups = (req.resourceGroups ?? []).map(az.checkResourceGroup);
    const url = `azure://${sub}${groups.length ? `/resourceGroups/${groups.join(',')}` : ''}`;
    return this.deps.tasks.run(
      `Discovering Azure subscription ${sub}`,
      'items',
      async (task) => {
        const before = this.deps.project.document;
        const credential = req.credential ?? (await az.defaultAzureCredential(req.tenantId));
        const res = await az.discoverAzure({
          subscriptionId: sub,
          resourceGroups: groups,
          credential,
          ...(req.endpoint ? { endpoint: req.endpoint } : {}),
          ...(req.ca ? { ca: req.ca } : {}),
          signal: task.signal,
          progress: (d, t, m) => task.progress(d, t, m),
        });
        throwIfAborted(task.signal, CANCELLED);
        const servers = res.vms.map((vm) => serverFromAzVm(vm, sub));
        return this.commit(before, servers, { kind: 'azure', url }, `Azure subscription ${sub}`, req.removeGone, task, res.warnings);
      },
      req.taskId,
    );
  }

  private commit(
    before: ProjectDocument,
    servers: Server[],
    source: Omit<DiscoverySource, 'id'>,
    name: string,
    removeGone: boolean | undefined,
    task: Parameters<InventoryService['mergeAndCommit']>[3],
    warnings: string[] = [],
  ): DiscoveryReport {
    if (servers.length === 0) {
      throw new WorkbenchError('import-nothing-read', `${name} lists no virtual machine${source.kind === 'vcenter' ? ' this user may see' : ''}${warnings.length ? ` (${warnings[0]})` : ''}. The project is unchanged.`, warnings.length ? { warnings } : undefined);
    }
    const at = new Date().toISOString();
    const report = this.deps.inventory.mergeAndCommit(
      before,
      { servers, skipped: [], warnings },
      { files: [source.url], kind: source.kind, ...(removeGone ? { removeGone: true } : {}) },
      task,
      (doc, importId) => ({ ...doc, discovery: { sources: upsertSource(doc.discovery?.sources ?? [], { ...source, lastRunAt: at, lastImportId: importId, lastServers: servers.length }) } }),
    );
    return { ...report, source: { kind: source.kind, url: source.url, name } };
  }
}

/** Adds a source or updates the one with the same kind and address (user and thumbprint replaced by the last run's). */
export function upsertSource(list: DiscoverySource[], s: Omit<DiscoverySource, 'id'>): DiscoverySource[] {
  const i = list.findIndex((x) => x.kind === s.kind && x.url.toLowerCase() === s.url.toLowerCase());
  if (i < 0) return [...list, { id: randomUUID(), ...s }];
  const next = [...list];
  const { thumbprint: _t, user: _u, ...kept } = list[i]!;
  next[i] = { ...kept, ...s, id: list[i]!.id };
  return next;
}
