import { promises as fs } from 'node:fs';
import path from 'node:path';
import { serializeError } from '../common/model/errors';
import { PROJECT_FILE_EXTENSION } from '../common/model/project';
import type { PerfPeriodChoice } from '../common/model/discovery';
import { createNodeServices } from '../shell/node-runtime';
import { consoleLogger } from '../platform/logger';
import type { Services } from '../services/container';
import type { DiscoveryReport } from '../services/discovery/discovery.service';
import { EXIT } from './context';
import { importSummaryJson } from './import-summary';

interface DiscoverCommon {
  project: string;
  json?: boolean;
  removeGone?: boolean;
  dataDir?: string;
}

export interface DiscoverVcenterOptions extends DiscoverCommon {
  url: string;
  user: string;
  passwordStdin?: boolean;
  thumbprint?: string;
  /** none, day, week or month (commander checks the choice). */
  perfPeriod?: string;
}

export interface DiscoverLibvirtOptions extends DiscoverCommon {
  uri: string;
}

export interface DiscoverHyperVOptions extends DiscoverCommon {
  host?: string;
  fromJson?: string;
  powershell?: string;
}

export interface DiscoverVirtualBoxOptions extends DiscoverCommon {
  vboxmanage?: string;
}

export interface DiscoverVmwareWorkstationOptions extends DiscoverCommon {
  folder: string;
}

export interface DiscoverAzureOptions extends DiscoverCommon {
  subscription: string;
  resourceGroup?: string[];
  tenant?: string;
  endpoint?: string;
  caFile?: string;
}

interface Io {
  stdout: (s: string) => void;
  stderr: NodeJS.WritableStream;
  stdin: NodeJS.ReadableStream;
}

const defaultIo = (): Io => ({ stdout: (s) => process.stdout.write(s), stderr: process.stderr, stdin: process.stdin });

/** The password: stdin up to the first line end (at most 4 KiB), never echoed or stored. */
export async function readPassword(stdin: NodeJS.ReadableStream): Promise<string> {
  let buf = '';
  for await (const chunk of stdin) {
    buf += typeof chunk === 'string' ? chunk : (chunk as Buffer).toString('utf8');
    if (buf.includes('\n') || buf.length > 4096) break;
  }
  return buf.split(/\r?\n/)[0]!.slice(0, 4096);
}

function reportJson(report: DiscoveryReport, projectFile: string, services: Services): unknown {
  return importSummaryJson(projectFile, report, services.project.document, { source: report.source });
}

async function runDiscovery(cmd: string, o: DiscoverCommon, io: Io, work: (s: Services) => Promise<DiscoveryReport>): Promise<number> {
  const services = createNodeServices({ shell: 'browser', logger: consoleLogger('mwb', true), ...(o.dataDir ? { dataDir: o.dataDir } : {}) });
  let projectFile = path.resolve(o.project);
  if (!projectFile.endsWith(PROJECT_FILE_EXTENSION) && !projectFile.endsWith('.json')) projectFile += PROJECT_FILE_EXTENSION;
  const unsubscribe = services.events.subscribe((event, payload) => {
    if (event !== 'task.progress' || o.json) return;
    const p = payload as { message?: string; state: string };
    if (p.state === 'running' && p.message && io.stderr === process.stderr && process.stderr.isTTY) io.stderr.write(`\r${p.message.slice(0, 70).padEnd(70)}`);
  });
  const onSigint = () => services.tasks.dispose();
  process.once('SIGINT', onSigint);
  try {
    const exists = await fs.stat(projectFile).then((s) => s.isFile(), () => false);
    if (exists) await services.project.open(projectFile);
    else services.project.newProject(path.basename(projectFile).replace(/\.mwb\.json$|\.json$/, ''));
    const report = await work(services);
    if (exists) await services.project.save();
    else await services.project.saveAs(projectFile);
    if (o.json) out(io, JSON.stringify(reportJson(report, projectFile, services), null, 2) + '\n');
    else {
      out(io, `Discovered ${report.servers} servers on ${report.source.name} into ${projectFile}: ${report.added} added, ${report.updated} updated, ${report.unchanged} unchanged${report.gone.length ? `, ${report.gone.length} no longer there${report.removed ? ' (removed)' : ''}` : ''}.\n`);
      for (const w of report.warnings) out(io, `warning: ${w}\n`);
    }
    return EXIT.ok;
  } catch (err) {
    const e = serializeError(err);
    if (o.json) out(io, JSON.stringify({ error: e }, null, 2) + '\n');
    io.stderr.write(`mwb discover ${cmd}: ${e.message}\n`);
    return e.code === 'cancelled' ? EXIT.interrupted : EXIT.failed;
  } finally {
    process.removeListener('SIGINT', onSigint);
    unsubscribe();
    await services.dispose();
  }
}

function out(io: Io, s: string): void {
  io.stdout(s);
}

/** `mwb discover vcenter --url URL --user U --password-stdin [--thumbprint SHA1] --project P`. */
export async function discoverVcenterCommand(o: DiscoverVcenterOptions, io: Io = defaultIo()): Promise<number> {
  if (!o.passwordStdin) {
    io.stderr.write('mwb discover vcenter: give the password on stdin with --password-stdin (it is never read from the command line).\n');
    return EXIT.usage;
  }
  const password = await readPassword(io.stdin);
  if (!password) {
    io.stderr.write('mwb discover vcenter: stdin gave no password.\n');
    return EXIT.usage;
  }
  return runDiscovery('vcenter', o, io, (s) =>
    s.discovery.vcenter({
      url: o.url,
      user: o.user,
      password,
      ...(o.thumbprint ? { thumbprint: o.thumbprint } : {}),
      ...(o.perfPeriod && o.perfPeriod !== 'none' ? { perfPeriod: o.perfPeriod as PerfPeriodChoice } : {}),
      ...(o.removeGone ? { removeGone: true } : {}),
    }),
  );
}

/** `mwb discover libvirt --uri URI --project P`. */
export async function discoverLibvirtCommand(o: DiscoverLibvirtOptions, io: Io = defaultIo()): Promise<number> {
  return runDiscovery('libvirt', o, io, (s) => s.discovery.libvirt({ uri: o.uri, ...(o.removeGone ? { removeGone: true } : {}) }));
}

/** `mwb discover hyperv [--host H | --from-json DIR] --project P`. */
export async function discoverHyperVCommand(o: DiscoverHyperVOptions, io: Io = defaultIo()): Promise<number> {
  if (o.host && o.fromJson) {
    io.stderr.write('mwb discover hyperv: give --host or --from-json, not both.\n');
    return EXIT.usage;
  }
  return runDiscovery('hyperv', o, io, (s) =>
    s.discovery.hyperv({ ...(o.host ? { host: o.host } : {}), ...(o.fromJson ? { fromJson: o.fromJson } : {}), ...(o.powershell ? { powershell: o.powershell } : {}), ...(o.removeGone ? { removeGone: true } : {}) }),
  );
}

/** `mwb discover virtualbox [--vboxmanage PATH] --project P`. */
export async function discoverVirtualBoxCommand(o: DiscoverVirtualBoxOptions, io: Io = defaultIo()): Promise<number> {
  return runDiscovery('virtualbox', o, io, (s) => s.discovery.virtualbox({ ...(o.vboxmanage ? { vboxmanage: o.vboxmanage } : {}), ...(o.removeGone ? { removeGone: true } : {}) }));
}

/** `mwb discover vmware-workstation --folder DIR --project P`. */
export async function discoverVmwareWorkstationCommand(o: DiscoverVmwareWorkstationOptions, io: Io = defaultIo()): Promise<number> {
  return runDiscovery('vmware-workstation', o, io, (s) => s.discovery.vmwareWorkstation({ folder: o.folder, ...(o.removeGone ? { removeGone: true } : {}) }));
}

/**
 * `mwb discover azure --subscription ID [--resource-group RG]... [--tenant T] --project P`: DefaultAzureCredential
 * from the environment (service principal variables, managed identity, `az login`); nothing secret is printed.
 */
export async function discoverAzureCommand(o: DiscoverAzureOptions, io: Io = defaultIo()): Promise<number> {
  if (o.endpoint && !/^https:\/\/[^\s/]+/i.test(o.endpoint)) {
    io.stderr.write('mwb discover azure: --endpoint must be an https:// address.\n');
    return EXIT.usage;
  }
  let ca: string | undefined;
  if (o.caFile) {
    const st = await fs.stat(o.caFile).catch(() => null);
    ca = st?.isFile() && st.size <= 1024 * 1024 ? await fs.readFile(o.caFile, 'utf8').catch(() => undefined) : undefined;
    if (!ca?.includes('-----BEGIN CERTIFICATE-----')) {
      io.stderr.write('mwb discover azure: --ca-file must be a PEM file of certificates (at most 1 MiB).\n');
      return EXIT.usage;
    }
  }
  return runDiscovery('azure', o, io, (s) =>
    s.discovery.azure({
      subscriptionId: o.subscription,
      ...(o.resourceGroup?.length ? { resourceGroups: o.resourceGroup } : {}),
      ...(o.tenant ? { tenantId: o.tenant } : {}),
      ...(o.endpoint ? { endpoint: o.endpoint } : {}),
      ...(ca ? { ca } : {}),
      ...(o.removeGone ? { removeGone: true } : {}),
    }),
  );
}

export async function discoverVcenterAction(o: DiscoverVcenterOptions): Promise<void> {
  const code = await discoverVcenterCommand(o);
  if (code !== EXIT.ok) process.exitCode = code;
}

export async function discoverLibvirtAction(o: DiscoverLibvirtOptions): Promise<void> {
  const code = await discoverLibvirtCommand(o);
  if (code !== EXIT.ok) process.exitCode = code;
}

export async function discoverHyperVAction(o: DiscoverHyperVOptions): Promise<void> {
  const code = await discoverHyperVCommand(o);
  if (code !== EXIT.ok) process.exitCode = code;
}

export async function discoverVirtualBoxAction(o: DiscoverVirtualBoxOptions): Promise<void> {
  const code = await discoverVirtualBoxCommand(o);
  if (code !== EXIT.ok) process.exitCode = code;
}

export async function discoverVmwareWorkstationAction(o: DiscoverVmwareWorkstationOptions): Promise<void> {
  const code = await discoverVmwareWorkstationCommand(o);
  if (code !== EXIT.ok) process.exitCode = code;
}

export async function discoverAzureAction(o: DiscoverAzureOptions): Promise<void> {
  const code = await discoverAzureCommand(o);
  if (code !== EXIT.ok) process.exitCode = code;
}
