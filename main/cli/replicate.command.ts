import path from 'node:path';
import type { Command } from 'commander';
import { Presets, SingleBar } from 'cli-progress';
import { EXIT, abortOnCtrlC } from './context';
import { consoleLogger, type Logger } from '../platform/logger';
import { EventHub } from '../platform/events';
import { FileSettingsStore } from '../platform/settings';
import { appDataDir, assetPath } from '../platform/paths';
import { ProjectStore } from '../services/project-store.service';
import { ReplicationService, type ReplicateResult } from '../services/replication.service';
import { ReplicationJobsService } from '../services/replication-jobs.service';
import { isWorkbenchError } from '../common/model/errors';

interface ReplicateCliOptions {
  project: string;
  server?: string;
  app?: string;
  diskImage: string[];
  transport: 'ebs' | 's3';
  bucket?: string;
  region?: string;
  profile?: string;
  endpointUrl?: string;
  ami: 'import' | 'register' | 'none';
  amiPollSeconds?: number;
  encryption?: boolean;
  verify?: boolean;
  once?: boolean;
  json?: boolean;
}

const mib = (n: number) => (n / 2 ** 20).toFixed(1);

/** A server whose run ended without an engine result (cancelled, or refused before any disk was read). */
interface NoResult {
  readonly server: string;
  readonly status: 'failed' | 'cancelled';
  readonly amiId: null;
  readonly disks: ReplicateResult['disks'];
  readonly message?: string;
}

function json(r: ReplicateResult | NoResult) {
  return {
    server: r.server,
    status: r.status,
    amiId: r.amiId,
    ...('encrypted' in r ? { encrypted: r.encrypted } : {}),
    ...('ami' in r && r.ami ? { deregisteredAmis: r.ami.deregistered } : {}),
    ...(r.message ? { message: r.message } : {}),
    ...('previousAmi' in r && r.previousAmi ? { previousAmi: r.previousAmi } : {}),
    ...('staging' in r && r.staging ? { staging: r.staging } : {}),
    disks: r.disks.map((d) => ({
      disk: d.disk,
      image: d.image,
      status: d.status,
      snapshotId: d.snapshotId,
      parentSnapshotId: d.parentSnapshotId,
      blocksTotal: d.blocksTotal,
      blocksChanged: d.blocksChanged,
      blocksSent: d.blocksSent,
      bytesSent: d.bytesSent,
      resumed: d.resumed,
      ...(d.verified ? { verified: d.verified } : {}),
      ...(d.object ? { stagedObject: `s3://${d.object.bucket}/${d.object.key}` } : {}),
      seconds: Math.round(d.seconds * 1000) / 1000,
      ...(d.message ? { message: d.message } : {}),
    })),
  };
}

function human(r: ReplicateResult | NoResult): string {
  const lines = [`${r.server}: ${r.status === 'completed' ? 'replicated' : r.status === 'inconsistent' ? 'NOT consistent (the source changed while it was read)' : r.status === 'cancelled' ? 'cancelled' : 'FAILED'}${'amiId' in r && r.amiId ? `, AMI ${r.amiId}` : ''}${'encrypted' in r && !r.encrypted ? ' (NOT encrypted)' : ''}${'message' in r && r.message ? `  ${r.message}` : ''}`];
  if ('previousAmi' in r && r.previousAmi) lines.push(`  previous run's AMI: ${r.previousAmi.message}`);
  if ('staging' in r && r.staging?.message) lines.push(`  staging: ${r.staging.message}`);
  if ('ami' in r && r.ami?.deregistered.length) lines.push(`  older AMIs deregistered: ${r.ami.deregistered.join(', ')}`);
  for (const d of r.disks) {
    lines.push(`  ${d.disk}  ${d.snapshotId ?? '(no snapshot)'}  ${d.blocksChanged} of ${d.blocksTotal} blocks changed, ${d.blocksSent} sent (${mib(d.bytesSent)} MiB) in ${d.seconds.toFixed(1)} s${d.resumed ? ', resumed' : ''}${d.message ? `  ${d.message}` : ''}`);
  }
  return lines.join('\n');
}

/**
 * The part of the service graph `mwb replicate` uses (as `createServices` builds it: events, settings, project store,
 * replication and its jobs). The whole graph would load the inventory readers, exporters, assessment, discovery and
 * MGN code before the first block is read; the engine and the AWS SDK load in the job's worker when the run starts.
 */
function replicateServices(logger: Logger) {
  const dataDir = appDataDir();
  const events = new EventHub();
  const settings = new FileSettingsStore(path.join(dataDir, 'settings.json'));
  const project = new ProjectStore({ settings, events, logger, demoPath: assetPath('demo', 'demo-estate.mwb.json'), recoveryDir: path.join(dataDir, 'recovery') });
  const replication = new ReplicationService({ project, dataDir });
  const replicationJobs = new ReplicationJobsService({ project, replication, events, settings, logger });
  return {
    events,
    settings,
    project,
    replication,
    replicationJobs,
    /** Jobs cancelled, timers stopped, preferences written. */
    async close(): Promise<void> {
      replicationJobs.dispose();
      project.dispose();
      await settings.flush();
    },
  };
}

/**
 * `mwb replicate`: one block-level run of a server's (or an application's servers') disks to EBS snapshots, through
 * the jobs service (the user's concurrency limits and bandwidth cap apply). Exit 0 all completed, 1 any not, 2 usage.
 */
export async function replicateAction(o: ReplicateCliOptions, cmd: Command): Promise<void> {
  const usage = (msg: string): never => cmd.error(`mwb replicate: ${msg}`, { exitCode: EXIT.usage, code: 'mwb.usage' });
  if ((o.server === undefined) === (o.app === undefined)) usage('give one of --server NAME or --app NAME');
  if (o.app !== undefined && o.diskImage.length) usage('--disk-image maps a disk of one server: use it with --server');
  const mappings = o.diskImage.map((spec) => {
    const eq = spec.indexOf('=');
    if (eq <= 0 || eq === spec.length - 1) usage(`--disk-image takes DISK=PATH, got "${spec.slice(0, 200)}"`);
    return { disk: spec.slice(0, eq), image: spec.slice(eq + 1) };
  });
  if (o.endpointUrl !== undefined && !/^https?:\/\/[^\s]+$/.test(o.endpointUrl)) usage('--endpoint-url must be an http(s) URL');
  if (o.transport === 's3' && !o.bucket) usage('--transport s3 needs --bucket NAME');
  if (o.transport !== 's3' && o.bucket) usage('--bucket goes with --transport s3');
  if (o.transport === 's3' && o.ami === 'register') usage('--ami register needs EBS snapshots: use --ami import (or none) with --transport s3');
  const services = replicateServices(consoleLogger('mwb', true));
  const jobs = services.replicationJobs;
  const ac = new AbortController();
  const ctrlC = abortOnCtrlC(ac);
  const bar = new SingleBar({ format: '{server} {disk} {stage} [{bar}] {percentage}% | {value}/{total} MiB | {rate} MiB/s', stream: process.stderr, hideCursor: true, clearOnComplete: true }, Presets.shades_classic);
  let barKey: string | null = null;
  let unsubscribe = () => {};
  try {
    const target = o.server !== undefined ? { kind: 'server' as const, id: o.server } : { kind: 'application' as const, id: o.app! };
    let servers: Array<{ id: string; name: string }>;
    try {
      await services.project.open(o.project);
      servers = jobs.resolve(target).servers;
      // A new mapping (and the Region given with it) is saved before the run, so a killed run keeps it.
      if (mappings.length) {
        services.replication.configure(o.server!, { disks: mappings, ...(o.region ? { region: o.region } : {}) });
        await services.project.save();
      }
      const unmapped = servers.filter((s) => !services.replication.settings(s.id)?.disks.length);
      if (unmapped.length) usage(`No disk images are mapped for ${unmapped.map((s) => s.name).slice(0, 10).join(', ')}${unmapped.length > 10 ? ` and ${unmapped.length - 10} more` : ''}: give --disk-image DISK=PATH with --server.`);
    } catch (err) {
      if (isWorkbenchError(err)) usage(err.message);
      throw err;
    }
    const names = new Map(servers.map((s) => [s.id, s.name]));
    if (!o.json && process.stderr.isTTY) {
      unsubscribe = services.events.subscribe('replication.progress', (p) => {
        const key = `${p.serverId}\u0000${p.disk}`;
        const server = names.get(p.serverId) ?? p.serverId;
        if (barKey !== key) {
          if (barKey) bar.stop();
          bar.start(Math.round(p.bytesTotal / 2 ** 20), 0, { server, disk: p.disk, stage: p.stage, rate: '0' });
          barKey = key;
        }
        bar.update(Math.round(p.bytesRead / 2 ** 20), { server, disk: p.disk, stage: p.stage, rate: mib(p.rate) });
      });
    }
    const job = jobs.start(target, {
      once: true,
      transport: { ...(o.region ? { region: o.region } : {}), ...(o.profile ? { profile: o.profile } : {}), ...(o.endpointUrl ? { endpointUrl: o.endpointUrl } : {}) },
      run: {
        // Always explicit: the app's transport preference (Connection settings) is not the CLI's default.
        transport: o.transport,
        ...(o.transport === 's3' ? { s3Bucket: o.bucket! } : {}),
        ami: o.ami,
        ...(o.amiPollSeconds ? { amiPoll: { initialMs: o.amiPollSeconds * 1000 } } : {}),
        ...(o.encryption !== undefined ? { encrypted: o.encryption } : {}),
        ...(o.verify === false ? { verify: false } : {}),
      },
    });
    const onAbort = () => jobs.cancel(job.id);
    ac.signal.addEventListener('abort', onAbort, { once: true });
    let done;
    try {
      done = await jobs.settled(job.id);
    } finally {
      ac.signal.removeEventListener('abort', onAbort);
      unsubscribe();
      if (barKey) bar.stop();
    }
    await services.project.save();
    if (ctrlC.interrupted) {
      process.stderr.write('mwb replicate: interrupted (Ctrl-C); the next run resumes where this one stopped.\n');
      process.exitCode = EXIT.interrupted;
      return;
    }
    const results = new Map(jobs.results(job.id).map((r) => [r.serverId, r]));
    const out = done.servers.map((s): ReplicateResult | NoResult => results.get(s.serverId) ?? { server: s.name, status: s.state === 'cancelled' ? 'cancelled' : 'failed', amiId: null, disks: [], ...(s.problem ? { message: s.problem.cause } : {}) });
    for (const r of out) if ('encrypted' in r && !r.encrypted && !o.json) process.stderr.write(`mwb replicate: ${r.server}'s snapshots${r.amiId ? ' and AMI' : ''} are NOT encrypted (turned off for this server; --encryption turns it back on).\n`);
    process.stdout.write(out.map((r) => (o.json ? JSON.stringify(json(r)) : human(r))).join('\n') + '\n');
    process.exitCode = out.every((r) => r.status === 'completed') ? EXIT.ok : EXIT.failed;
  } finally {
    ctrlC.dispose();
    await services.close();
  }
}
