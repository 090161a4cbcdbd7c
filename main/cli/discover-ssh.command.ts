import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isWorkbenchError, serializeError, WorkbenchError } from '../common/model/errors';
import type { ImportReport } from '../common/model/inventory-import';
import { PROJECT_FILE_EXTENSION } from '../common/model/project';
import { setMaxListeners } from 'node:events';
import { discoverHosts, parseHostArg, sameMachines, type HostOutcome } from '../discovery/ssh/discover';
import { factsToConnections, factsToServer } from '../discovery/ssh/host-facts';
import { KnownHostsFile } from '../discovery/ssh/known-hosts';
import type { NewHostKey, SshAuth, SshTarget } from '../discovery/ssh/session';
import { createNodeServices } from '../shell/node-runtime';
import { consoleLogger } from '../platform/logger';
import { EXIT, abortOnCtrlC } from './context';
import { importSummaryJson } from './import-summary';

export interface DiscoverSshCliOptions {
  host: string[];
  port?: number;
  user: string;
  key?: string;
  passwordStdin?: boolean;
  agent?: boolean;
  knownHosts?: string;
  acceptNew?: boolean;
  parallel?: number;
  sample?: number;
  sampleInterval?: number;
  timeout?: number;
  project: string;
  json?: boolean;
  dataDir?: string;
}

export interface CliIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  /** All of stdin (for --password-stdin). */
  readStdin: () => Promise<string>;
  signal?: AbortSignal;
}

async function readAllStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of process.stdin) {
    size += (c as Buffer).length;
    if (size > 64 * 1024) throw new WorkbenchError('invalid-input', 'stdin holds more than 64 KiB; --password-stdin expects one line.');
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Discovers the hosts, merges what was found into the project (one undoable import), saves it; returns the exit code. */
export async function discoverSshCommand(o: DiscoverSshCliOptions, io: CliIo): Promise<number> {
  const usage = (msg: string) => {
    io.stderr(`mwb discover ssh: ${msg}\n`);
    return EXIT.usage;
  };
  const port = o.port ?? 22;
  if (port === 0) return usage('--port must be from 1 to 65535.');
  if (!o.host.length) return usage('give at least one --host.');
  if (!/^[A-Za-z0-9._][A-Za-z0-9._@-]{0,63}$/.test(o.user)) return usage('--user is not a valid login name.');
  const targets: SshTarget[] = [];
  for (const h of o.host) {
    const t = parseHostArg(h, port, o.user);
    if (!t) return usage(`--host ${h.slice(0, 80)} is not a host name, an IP address or NAME=ADDRESS.`);
    targets.push(t);
  }
  if (!o.key && !o.passwordStdin && !o.agent) return usage('choose how to log in: --key FILE, --password-stdin or --agent.');
  const auth: SshAuth = {};
  if (o.key) {
    try {
      auth.privateKey = await fs.readFile(o.key);
    } catch (e) {
      return usage(`the key file ${path.basename(o.key)} could not be read (${(e as NodeJS.ErrnoException).code ?? 'error'}).`);
    }
  }
  if (o.passwordStdin) {
    const secret = (await io.readStdin()).replace(/\r?\n$/, '');
    if (o.key) auth.passphrase = secret;
    else auth.password = secret;
  }
  if (o.agent) {
    if (!process.env.SSH_AUTH_SOCK) return usage('--agent needs SSH_AUTH_SOCK (no ssh-agent is running).');
    auth.agent = process.env.SSH_AUTH_SOCK;
  }
  const knownHostsPath = path.resolve(o.knownHosts ?? path.join(os.homedir(), '.ssh', 'known_hosts'));
  const knownHosts = new KnownHostsFile(knownHostsPath);
  const newKeys: NewHostKey[] = [];

  const services = createNodeServices({ shell: 'browser', logger: consoleLogger('mwb', true), ...(o.dataDir ? { dataDir: o.dataDir } : {}) });
  let projectFile = path.resolve(o.project);
  if (!projectFile.endsWith(PROJECT_FILE_EXTENSION) && !projectFile.endsWith('.json')) projectFile += PROJECT_FILE_EXTENSION;
  try {
    const exists = await fs.stat(projectFile).then((s) => s.isFile(), () => false);
    // Open first: a project that cannot be read fails before any host is contacted.
    if (exists) await services.project.open(projectFile);
    else services.project.newProject(path.basename(projectFile).replace(/\.mwb\.json$|\.json$/, ''));
    const outcomes: HostOutcome[] = await discoverHosts(targets, auth, {
      knownHosts,
      acceptNew: o.acceptNew === true,
      onNewHostKey: (k) => {
        newKeys.push(k);
        io.stderr(`Trusted a new host key for ${k.port === 22 ? k.host : `[${k.host}]:${k.port}`}: ${k.keyType} ${k.fingerprint} (recorded in ${knownHostsPath}).\n`);
      },
      parallel: o.parallel ?? 8,
      connectTimeoutMs: (o.timeout ?? 10) * 1000,
      ...(o.sample ? { sampleSeconds: o.sample } : {}),
      ...(o.sampleInterval ? { sampleIntervalSeconds: o.sampleInterval } : {}),
      ...(io.signal ? { signal: io.signal } : {}),
      onDone: (r) => {
        if (!o.json) io.stderr(r.ok ? `${r.target.name}: discovered (${r.facts.hostname})\n` : `${r.target.name}: ${r.error.message}\n`);
      },
    });
    const found = outcomes.filter((r): r is Extract<HostOutcome, { ok: true }> => r.ok);
    const failed = outcomes.filter((r): r is Extract<HostOutcome, { ok: false }> => !r.ok);
    let report: ImportReport | null = null;
    if (found.length) {
      const { unique, duplicates } = sameMachines(found.map((r) => r.facts));
      report = await services.inventory.importDiscovered({
        kind: 'ssh',
        sources: found.map((r) => `ssh://${r.target.user}@${r.target.name}${r.target.port === 22 ? '' : `:${r.target.port}`}`),
        servers: unique.map(factsToServer),
        connections: unique.flatMap(factsToConnections),
        warnings: [
          ...unique.flatMap((f) => f.warnings.map((w) => `${f.target.name}: ${w}`)),
          ...(duplicates.length ? [`${duplicates.length} host name${duplicates.length === 1 ? '' : 's'} reached a machine already discovered in this run (same machine-id) and were merged into it: ${duplicates.slice(0, 8).map((d) => `${d.name} = ${d.sameAs}`).join(', ')}${duplicates.length > 8 ? ', …' : ''}.`] : []),
        ],
      });
      if (exists) await services.project.save();
      else await services.project.saveAs(projectFile);
    }
    const hosts = outcomes.map((r) => (r.ok ? { host: r.target.name, ok: true, hostname: r.facts.hostname, warnings: r.facts.warnings } : { host: r.target.name, ok: false, error: r.error }));
    if (o.json) {
      const doc = services.project.document;
      io.stdout(
        JSON.stringify(importSummaryJson(projectFile, report, doc, { hosts, newHostKeys: newKeys }), null, 2) + '\n',
      );
    } else if (report) {
      io.stdout(`Discovered ${found.length} of ${targets.length} hosts into ${projectFile}: ${report.added} added, ${report.updated} updated, ${report.unchanged} unchanged${report.connections ? `; ${report.connections} dependencies (${report.connectionsAdded} new)` : ''}.\n`);
      for (const w of report.warnings) io.stdout(`warning: ${w}\n`);
    } else io.stdout(`No host could be discovered; ${projectFile} is unchanged.\n`);
    return failed.length ? EXIT.failed : EXIT.ok;
  } catch (err) {
    const e = serializeError(err);
    if (o.json) io.stdout(JSON.stringify({ error: e }, null, 2) + '\n');
    io.stderr(`mwb discover ssh: ${e.message}\n`);
    return isWorkbenchError(err, 'cancelled') ? EXIT.interrupted : EXIT.failed;
  } finally {
    await services.dispose();
  }
}

/** `mwb discover ssh --host H --user U (--key F | --password-stdin | --agent) --project P`. */
export async function discoverSshAction(o: DiscoverSshCliOptions): Promise<void> {
  const ac = new AbortController();
  // Every host in flight listens for the cancel.
  setMaxListeners(0, ac.signal);
  const ctrlC = abortOnCtrlC(ac);
  try {
    const code = await discoverSshCommand(o, { stdout: (s) => process.stdout.write(s), stderr: (s) => process.stderr.write(s), readStdin: readAllStdin, signal: ac.signal });
    if (code !== EXIT.ok) process.exitCode = code;
  } finally {
    ctrlC.dispose();
  }
}
