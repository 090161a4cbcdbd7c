import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { WorkbenchError } from '../../common/model/errors';
import { throwIfAborted } from '../../common/util/cancel';
import type { ImportReport } from '../../common/model/inventory-import';
import type { ProjectDocument } from '../../common/model/project';
import type { DiscoveryKind, DiscoverySource, PerfPeriodChoice } from '../../common/model/discovery';
import type { Server } from '../../common/model/server';
import type { Connection } from '../../common/model/connections';
import type { SecretStore } from '../../platform/secret-store';
import type { HostOutcome } from '../../discovery/ssh/discover';
import { factsToConnections, factsToServer } from '../../discovery/ssh/host-facts';
import { fingerprint, KnownHostsFile } from '../../discovery/ssh/known-hosts';
import type { SshAuth, SshTarget } from '../../discovery/ssh/session';
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
  /** Used for Login only; never stored in the project, logged or put in an error. Absent: the saved one of `sourceId`. */
  password?: string;
  thumbprint?: string;
  /** The saved connection this run repeats (its saved password is used when none is given). */
  sourceId?: string;
  /** Keep the password in the secret store under the connection's id. */
  remember?: boolean;
  removeGone?: boolean;
  pageSize?: number;
  /** Utilization from vCenter's performance statistics of the last day, week or month; quick stats only when absent. */
  perfPeriod?: PerfPeriodChoice;
  taskId?: string;
}

export interface LibvirtDiscoveryRequest {
  uri: string;
  removeGone?: boolean;
  taskId?: string;
  /** The virsh program (tests). */
  virsh?: string;
}

/** A host key the user saw and trusts (trust on first use): only this fingerprint is accepted for this host and port. */
export interface TrustedHostKey {
  host: string;
  port: number;
  fingerprint: string;
}

export interface SshDiscoveryRequest {
  /** NAME or NAME=ADDRESS (IPv6 in brackets), as on the CLI. */
  hosts: string[];
  port?: number;
  user: string;
  /** Path of a private key on the workbench machine (read by main; the path is kept, never the key). */
  keyFile?: string;
  /** The login password, or the key's passphrase when `keyFile` is given. Absent: the saved one of `sourceId`. */
  password?: string;
  /** Log in through the ssh-agent of the workbench process (SSH_AUTH_SOCK). */
  agent?: boolean;
  sampleSeconds?: number;
  parallel?: number;
  trustHostKeys?: TrustedHostKey[];
  sourceId?: string;
  remember?: boolean;
  removeGone?: boolean;
  taskId?: string;
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
export type DiscoveryReport = Omit<ImportReport, 'files'> & { source: { kind: DiscoveryKind; url: string; name: string; id?: string } };

const CANCELLED = 'Discovery cancelled; the project is unchanged.';

/**
 * Live discovery (vCenter over SOAP, libvirt through virsh) as a task with progress and cancel, merged into the
 * inventory through the same path as an import (by identity: added, updated, unchanged, gone). The source (address,
 * user, accepted thumbprint; never the password) is kept in the project's `discovery.sources`.
 */
export class DiscoveryService {
  constructor(private readonly deps: { project: ProjectStore; tasks: TaskService; inventory: InventoryService; secrets: SecretStore; dataDir: string }) {}

  /** The discovery sources kept in the open project. */
  sources(): DiscoverySource[] {
    return this.deps.project.document.discovery?.sources ?? [];
  }

  /** The sources with whether a password is saved for each (never the password), and whether saving outlives the session. */
  async savedConnections(): Promise<{ persistent: boolean; sources: (DiscoverySource & { secretSaved: boolean })[] }> {
    const ids = new Set(await this.deps.secrets.ids().catch(() => [] as string[]));
    return { persistent: this.deps.secrets.persistent, sources: this.sources().map((s) => ({ ...s, secretSaved: ids.has(s.id) })) };
  }

  /** Forgets the saved password of a connection. */
  async forgetSecret(sourceId: string): Promise<void> {
    await this.deps.secrets.delete(sourceId);
  }

  /** The given secret, or the saved one of the connection; `what` names it in the error. */
  private async secretFor(given: string | undefined, sourceId: string | undefined, what: string): Promise<string | undefined> {
    if (given) return given;
    if (!sourceId) return undefined;
    const saved = await this.deps.secrets.get(sourceId);
    if (saved === undefined && what) throw new WorkbenchError('invalid-input', `No ${what} is saved for this connection; give it.`);
    return saved;
  }

  /** After a successful run: keep the secret under the connection's id (or forget it when not to be remembered). */
  private async keepSecret(report: DiscoveryReport, secret: string | undefined, remember: boolean | undefined): Promise<DiscoveryReport> {
    const id = report.source.id;
    if (!id) return report;
    try {
      if (remember && secret) await this.deps.secrets.set(id, secret);
      else if (remember === false) await this.deps.secrets.delete(id);
    } catch (e) {
      return { ...report, warnings: [...report.warnings, e instanceof WorkbenchError ? e.message : 'The password could not be saved.'] };
    }
    return report;
  }

  async vcenter(req: VcenterDiscoveryRequest): Promise<DiscoveryReport> {
    if (!req.user.trim()) throw new WorkbenchError('invalid-input', 'Give the vCenter user name.');
    const password = await this.secretFor(req.password, req.sourceId, 'vCenter password');
    if (!password) throw new WorkbenchError('invalid-input', 'Give the vCenter password.');
    const url = sdkUrl(req.url).toString();
    const report = await this.deps.tasks.run(
      `Discovering ${new URL(url).host}`,
      'items',
      async (task) => {
        const before = this.deps.project.document;
        const inv = await discoverVcenter({
          url,
          user: req.user,
          password,
          ...(req.thumbprint ? { thumbprint: req.thumbprint } : {}),
          ...(req.pageSize ? { pageSize: req.pageSize } : {}),
          ...(req.perfPeriod ? { perfPeriod: req.perfPeriod } : {}),
          signal: task.signal,
          progress: (d, t, m) => task.progress(d, t, m),
        });
        throwIfAborted(task.signal, CANCELLED);
        const servers = inv.vms.map((vm) => serverFromVcVm(vm, inv.vcenter));
        const source: Omit<DiscoverySource, 'id'> = { kind: 'vcenter', url, user: req.user.trim(), ...(req.thumbprint ? { thumbprint: normalizeThumbprint(req.thumbprint) } : {}), ...(req.perfPeriod ? { perfPeriod: req.perfPeriod } : {}) };
        const warnings = [...inv.warnings];
        if (inv.perf && inv.perf.vms < servers.filter((x) => !x.state.template && x.state.power === 'poweredOn').length) {
          warnings.push(`Performance statistics of the last ${inv.perf.period} were found for ${inv.perf.vms} of ${inv.vms.filter((v) => !v.template).length} VMs; the others keep the quick stats (powered-on VMs) or no utilization.`);
        }
        return this.commit(before, { servers, warnings }, source, inv.vcenter.name, req.removeGone, task);
      },
      req.taskId,
    );
    return this.keepSecret(report, password, req.remember);
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
        return this.commit(before, { servers }, { kind: 'libvirt', url: uri }, uri, req.removeGone, task);
      },
      req.taskId,
    );
  }

  /**
   * Logs in to Linux hosts over SSH (in parallel, with a limit) and merges what they show into the open project as
   * one undoable import, with their established connections as dependencies. Host keys are checked against the
   * app's own known_hosts (in its data folder): a key never seen fails the whole run, changing nothing, with
   * `ssh-host-key-unknown` and `details.hostKeys` (host, port, key type, SHA-256 fingerprint); running again with
   * those in `trustHostKeys` records exactly them. A changed key is always refused (`ssh-host-key-changed`).
   */
  async ssh(req: SshDiscoveryRequest): Promise<DiscoveryReport> {
    // ssh2 loads when an SSH discovery runs, not with every command that builds the services.
    const { discoverHosts, parseHostArg, sameMachines } = await import('../../discovery/ssh/discover');
    const port = req.port ?? 22;
    const user = req.user.trim();
    if (!/^[A-Za-z0-9._][A-Za-z0-9._@-]{0,63}$/.test(user)) throw new WorkbenchError('invalid-input', 'The user is not a valid login name.');
    const typed = [...new Set(req.hosts.map((h) => h.trim()).filter(Boolean))];
    if (!typed.length) throw new WorkbenchError('invalid-input', 'Give at least one host.');
    const targets: SshTarget[] = [];
    for (const h of typed) {
      const t = parseHostArg(h, port, user);
      if (!t) throw new WorkbenchError('invalid-input', `${h.slice(0, 80)} is not a host name, an IP address or NAME=ADDRESS.`);
      targets.push(t);
    }
    const secret = await this.secretFor(req.password, req.sourceId, req.keyFile || req.agent ? '' : 'password');
    const auth: SshAuth = {};
    if (req.keyFile) {
      try {
        auth.privateKey = await fs.readFile(req.keyFile);
      } catch (e) {
        throw new WorkbenchError('invalid-input', `The key file ${path.basename(req.keyFile)} could not be read (${(e as NodeJS.ErrnoException).code ?? 'error'}).`);
      }
      if (secret) auth.passphrase = secret;
    } else if (req.agent) {
      if (!process.env.SSH_AUTH_SOCK) throw new WorkbenchError('invalid-input', 'No ssh-agent is running for the workbench (SSH_AUTH_SOCK is not set); choose a key file or a password.');
      auth.agent = process.env.SSH_AUTH_SOCK;
    } else if (secret) auth.password = secret;
    else throw new WorkbenchError('invalid-input', 'Choose how to log in: a key file, the ssh-agent or a password.');
    const knownHosts = new TrustingKnownHosts(path.join(this.deps.dataDir, 'known_hosts'), req.trustHostKeys ?? []);
    const url = `ssh://${user}@${targets.map((t) => (t.name.includes(':') ? `[${t.name}]` : t.name)).join(',')}${port === 22 ? '' : `:${port}`}`;
    const report = await this.deps.tasks.run(
      `Discovering ${typed.length === 1 ? typed[0] : `${typed.length} hosts`} over SSH`,
      'items',
      async (task) => {
        const before = this.deps.project.document;
        let done = 0;
        task.progress(0, targets.length, `Reading ${targets.length === 1 ? targets[0]!.name : `${targets.length} hosts`}${req.sampleSeconds ? ` and sampling utilization for ${req.sampleSeconds} s` : ''}`);
        const outcomes: HostOutcome[] = await discoverHosts(targets, auth, {
          knownHosts,
          acceptNew: false,
          parallel: req.parallel ?? 8,
          signal: task.signal,
          ...(req.sampleSeconds ? { sampleSeconds: req.sampleSeconds } : {}),
          onDone: (o) => task.progress(++done, targets.length, `${o.target.name}: ${o.ok ? 'discovered' : 'failed'}`),
        });
        throwIfAborted(task.signal, CANCELLED);
        const failed = outcomes.filter((o): o is Extract<HostOutcome, { ok: false }> => !o.ok);
        const unknown = failed.filter((o) => o.error.code === 'ssh-host-key-unknown');
        if (unknown.length) {
          const hostKeys = unknown.map((o) => ({ name: o.target.name, ...(o.error.details as { host: string; port: number; keyType: string; fingerprint: string }) }));
          throw new WorkbenchError(
            'ssh-host-key-unknown',
            `${hostKeys.length === 1 ? `The host key of ${hostKeys[0]!.name} is` : `${hostKeys.length} host keys are`} not known yet. Compare the fingerprint${hostKeys.length === 1 ? '' : 's'} with the one${hostKeys.length === 1 ? '' : 's'} the host${hostKeys.length === 1 ? '' : 's'} show${hostKeys.length === 1 ? 's' : ''} (ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub) and trust ${hostKeys.length === 1 ? 'it' : 'them'} to continue. The project is unchanged.`,
            { hostKeys },
          );
        }
        const found = outcomes.filter((o): o is Extract<HostOutcome, { ok: true }> => o.ok);
        if (!found.length) {
          const first = failed[0]!.error;
          throw new WorkbenchError(first.code, `${failed.length === 1 ? first.message : `No host could be discovered; ${failed[0]!.target.name}: ${first.message}`} The project is unchanged.`, { hosts: failed.map((f) => ({ name: f.target.name, code: f.error.code })) });
        }
        const { unique, duplicates } = sameMachines(found.map((r) => r.facts));
        const warnings = [
          ...failed.map((f) => `${f.target.name}: ${f.error.message}`),
          ...unique.flatMap((f) => f.warnings.map((w) => `${f.target.name}: ${w}`)),
          ...(duplicates.length ? [`${duplicates.length} host name${duplicates.length === 1 ? '' : 's'} reached a machine already discovered in this run (same machine-id) and were merged into it: ${duplicates.slice(0, 8).map((d) => `${d.name} = ${d.sameAs}`).join(', ')}.`] : []),
        ];
        const source: Omit<DiscoverySource, 'id'> = { kind: 'ssh', url, user, hosts: typed, port, ...(req.keyFile ? { keyFile: req.keyFile } : {}), ...(req.sampleSeconds ? { sampleSeconds: req.sampleSeconds } : {}) };
        return this.commit(before, { servers: unique.map(factsToServer), connections: unique.flatMap(factsToConnections), warnings }, source, typed.length === 1 ? typed[0]! : `${typed.length} hosts`, req.removeGone, task);
      },
      req.taskId,
    );
    return this.keepSecret(report, secret, req.remember);
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
        return this.commit(before, { servers }, { kind: 'hyperv', url: label }, res.host, req.removeGone, task);
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
        return this.commit(before, { servers, warnings: res.warnings }, { kind: 'virtualbox', url: `virtualbox://${host}` }, `VirtualBox on ${host}`, req.removeGone, task);
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
        return this.commit(before, { servers, warnings: res.warnings }, { kind: 'vmware-workstation', url: folder }, folder, req.removeGone, task);
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
        return this.commit(before, { servers, warnings: res.warnings }, { kind: 'azure', url }, `Azure subscription ${sub}`, req.removeGone, task);
      },
      req.taskId,
    );
  }

  private commit(
    before: ProjectDocument,
    read: { servers: Server[]; connections?: Connection[]; warnings?: string[] },
    source: Omit<DiscoverySource, 'id'>,
    name: string,
    removeGone: boolean | undefined,
    task: Parameters<InventoryService['mergeAndCommit']>[3],
  ): DiscoveryReport {
    const { servers } = read;
    const warnings = read.warnings ?? [];
    if (servers.length === 0) {
      throw new WorkbenchError('import-nothing-read', `${name} lists no virtual machine${source.kind === 'vcenter' ? ' this user may see' : ''}${warnings.length ? ` (${warnings[0]})` : ''}. The project is unchanged.`, warnings.length ? { warnings } : undefined);
    }
    const at = new Date().toISOString();
    const report = this.deps.inventory.mergeAndCommit(
      before,
      { servers, connections: read.connections ?? [], skipped: [], warnings },
      { files: [source.url], kind: source.kind, ...(removeGone ? { removeGone: true } : {}) },
      task,
      (doc, importId) => ({ ...doc, discovery: { sources: upsertSource(doc.discovery?.sources ?? [], { ...source, lastRunAt: at, lastImportId: importId, lastServers: servers.length }) } }),
    );
    const id = this.deps.project.document.discovery?.sources.find((x) => sameSource(x, source))?.id;
    return { ...report, source: { kind: source.kind, url: source.url, name, ...(id ? { id } : {}) } };
  }
}

/** The same connection: same kind and address (case-insensitive). */
function sameSource(a: Pick<DiscoverySource, 'kind' | 'url'>, b: Pick<DiscoverySource, 'kind' | 'url'>): boolean {
  return a.kind === b.kind && a.url.toLowerCase() === b.url.toLowerCase();
}

/**
 * The app's known_hosts, where a key never seen before is accepted (and recorded, hashed) only when the user trusted
 * exactly that fingerprint for that host and port; every other unknown key stays unknown, and a changed key stays changed.
 */
class TrustingKnownHosts extends KnownHostsFile {
  private readonly trusted: Set<string>;

  constructor(file: string, trusted: readonly TrustedHostKey[]) {
    super(file);
    this.trusted = new Set(trusted.map((t) => `${t.host.toLowerCase()}|${t.port}|${t.fingerprint}`));
  }

  override async check(host: string, port: number, blob: Buffer): ReturnType<KnownHostsFile['check']> {
    const v = await super.check(host, port, blob);
    if (v.status !== 'unknown' || !this.trusted.has(`${host.toLowerCase()}|${port}|${fingerprint(blob)}`)) return v;
    await this.add(host, port, blob);
    return { status: 'known' };
  }
}

/** Adds a source or updates the one with the same kind and address (user and thumbprint replaced by the last run's). */
export function upsertSource(list: DiscoverySource[], s: Omit<DiscoverySource, 'id'>): DiscoverySource[] {
  const i = list.findIndex((x) => sameSource(x, s));
  if (i < 0) return [...list, { id: randomUUID(), ...s }];
  const next = [...list];
  const { thumbprint: _t, user: _u, keyFile: _k, sampleSeconds: _s, perfPeriod: _p, ...kept } = list[i]!;
  next[i] = { ...kept, ...s, id: list[i]!.id };
  return next;
}
