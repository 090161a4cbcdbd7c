import type { Command } from 'commander';
import { Presets, SingleBar } from 'cli-progress';
import { EXIT, abortOnCtrlC } from './context';
import { createNodeServices } from '../shell/node-runtime';
import { consoleLogger } from '../platform/logger';
import { isWorkbenchError } from '../common/model/errors';
import type { ReplicateResult } from '../services/replication.service';

interface ReplicateCliOptions {
  project: string;
  server: string;
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

function json(r: ReplicateResult) {
  return {
    server: r.server,
    status: r.status,
    amiId: r.amiId,
    encrypted: r.encrypted,
    ...(r.ami ? { deregisteredAmis: r.ami.deregistered } : {}),
    ...(r.message ? { message: r.message } : {}),
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
      seconds: Math.round(d.seconds * 1000) / 1000,
      ...(d.message ? { message: d.message } : {}),
    })),
  };
}

function human(r: ReplicateResult): string {
  const lines = [`${r.server}: ${r.status === 'completed' ? 'replicated' : r.status === 'inconsistent' ? 'NOT consistent (the source changed while it was read)' : 'FAILED'}${r.amiId ? `, AMI ${r.amiId}` : ''}${r.encrypted ? '' : ' (NOT encrypted)'}`];
  if (r.message) lines.push(`  ${r.message}`);
  if (r.ami?.deregistered.length) lines.push(`  older AMIs deregistered: ${r.ami.deregistered.join(', ')}`);
  for (const d of r.disks) {
    lines.push(`  ${d.disk}  ${d.snapshotId ?? '(no snapshot)'}  ${d.blocksChanged} of ${d.blocksTotal} blocks changed, ${d.blocksSent} sent (${mib(d.bytesSent)} MiB) in ${d.seconds.toFixed(1)} s${d.resumed ? ', resumed' : ''}${d.message ? `  ${d.message}` : ''}`);
  }
  return lines.join('\n');
}

/** `mwb replicate`: one block-level run of a server's disks to EBS snapshots. Exit 0 all completed, 1 any not, 2 usage. */
export async function replicateAction(o: ReplicateCliOptions, cmd: Command): Promise<void> {
  const usage = (msg: string): never => cmd.error(`mwb replicate: ${msg}`, { exitCode: EXIT.usage, code: 'mwb.usage' });
  const mappings = o.diskImage.map((spec) => {
    const eq = spec.indexOf('=');
    if (eq <= 0 || eq === spec.length - 1) usage(`--disk-image takes DISK=PATH, got "${spec.slice(0, 200)}"`);
    return { disk: spec.slice(0, eq), image: spec.slice(eq + 1) };
  });
  if (o.endpointUrl !== undefined && !/^https?:\/\/[^\s]+$/.test(o.endpointUrl)) usage('--endpoint-url must be an http(s) URL');
  if (o.transport === 's3' && !o.bucket) usage('--transport s3 needs --bucket NAME');
  if (o.transport !== 's3' && o.bucket) usage('--bucket goes with --transport s3');
  if (o.transport === 's3' && o.ami === 'register') usage('--ami register needs EBS snapshots: use --ami import (or none) with --transport s3');
  const services = createNodeServices({ shell: 'browser', logger: consoleLogger('mwb', true) });
  const ac = new AbortController();
  const ctrlC = abortOnCtrlC(ac);
  const bar = new SingleBar({ format: '{disk} {stage} [{bar}] {percentage}% | {value}/{total} MiB | {rate} MiB/s', stream: process.stderr, hideCursor: true, clearOnComplete: true }, Presets.shades_classic);
  let barDisk: string | null = null;
  try {
    try {
      await services.project.open(o.project);
      // A new mapping (and the Region given with it) is saved before the run, so a killed run keeps it.
      if (mappings.length) {
        services.replication.configure(o.server, { disks: mappings, ...(o.region ? { region: o.region } : {}) });
        await services.project.save();
      }
    } catch (err) {
      if (isWorkbenchError(err)) usage(err.message);
      throw err;
    }
    const showProgress = !o.json && process.stderr.isTTY;
    let result: ReplicateResult;
    try {
      result = await services.replication.replicate({
        server: o.server,
        transport: { ...(o.transport === 's3' ? { kind: 's3' as const, bucket: o.bucket! } : { kind: 'ebs' as const }), ...(o.region ? { region: o.region } : {}), ...(o.profile ? { profile: o.profile } : {}), ...(o.endpointUrl ? { endpointUrl: o.endpointUrl } : {}) },
        signal: ac.signal,
        ami: o.ami,
        ...(o.amiPollSeconds ? { amiPoll: { initialMs: o.amiPollSeconds * 1000 } } : {}),
        ...(o.encryption !== undefined ? { encrypted: o.encryption } : {}),
        ...(o.verify === false ? { verify: false } : {}),
        ...(showProgress
          ? {
              onProgress: (p) => {
                if (barDisk !== p.disk) {
                  if (barDisk) bar.stop();
                  bar.start(Math.round(p.bytesTotal / 2 ** 20), 0, { disk: p.disk, stage: p.stage, rate: '0' });
                  barDisk = p.disk;
                }
                bar.update(Math.round(p.bytesRead / 2 ** 20), { stage: p.stage, rate: mib(p.rate) });
              },
            }
          : {}),
      });
    } catch (err) {
      if (ctrlC.interrupted) {
        process.stderr.write('mwb replicate: interrupted (Ctrl-C); the next run resumes where this one stopped.\n');
        process.exitCode = EXIT.interrupted;
        return;
      }
      if (isWorkbenchError(err, 'invalid-input') || isWorkbenchError(err, 'not-found')) usage(err.message);
      throw err;
    } finally {
      if (barDisk) bar.stop();
    }
    await services.project.save();
    if (!result.encrypted && !o.json) process.stderr.write(`mwb replicate: ${result.server}'s snapshots${result.amiId ? ' and AMI' : ''} are NOT encrypted (turned off for this server; --encryption turns it back on).\n`);
    process.stdout.write((o.json ? JSON.stringify(json(result)) : human(result)) + '\n');
    process.exitCode = result.status === 'completed' ? EXIT.ok : EXIT.failed;
  } finally {
    ctrlC.dispose();
    await services.settings.flush();
    services.dispose();
  }
}
