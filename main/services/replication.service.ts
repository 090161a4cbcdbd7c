import path from 'node:path';
import { existsSync } from 'node:fs';
import { WorkbenchError } from '../common/model/errors';
import { acquireRunLock } from '../platform/run-lock';
import { s3BucketNameProblem } from '../common/model/s3-bucket';
import type { ReplicationRunSummary, ReplicationServer } from '../common/model/replication';
import type { DiskRunResult, ReplicationProgress, S3DiskRunResult, S3TransportOptions, TransportOptions } from '../replication/engine';
import type { AmiMode, AmiResult } from '../replication/ami';
import type { PendingAmiStep } from '../replication/ami/step';
import type { ProjectStore } from './project-store.service';

export interface ReplicationServiceDeps {
  readonly project: ProjectStore;
  /** The app's data folder: journals and block manifests live under replication/ there, never in the project. */
  readonly dataDir: string;
}

export interface ReplicateRequest {
  /** Server name or id. */
  readonly server: string;
  /** EBS direct (blocks to snapshots; the default) or S3 + VM Import (the disk staged as one object in a bucket). */
  readonly transport: TransportOptions | S3TransportOptions;
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: ReplicationProgress) => void;
  /** The jobs service's shared bandwidth cap (platform/bandwidth.ts). */
  readonly bandwidth?: SharedArrayBuffer;
  /**
   * After a completed run: `import` (VM Import from the snapshots: drivers injected, licence, platform and boot mode
   * from the application and the inventory), `register` (RegisterImage from the snapshots; the image already has
   * ENA and NVMe drivers) or `none` (default).
   */
  readonly ami?: AmiMode;
  /** Polling of the VM Import task (tests shorten it). */
  readonly amiPoll?: { readonly initialMs?: number; readonly maxMs?: number; readonly timeoutMs?: number };
  /** Encryption for this and later runs: false turns it off explicitly (saved); absent keeps the server's choice. */
  readonly encrypted?: boolean;
  /** Integrity check after each snapshot (default on); moto's child snapshots do not list their parent's blocks. */
  readonly verify?: boolean;
}

export interface ReplicateResult {
  readonly serverId: string;
  readonly server: string;
  readonly status: 'completed' | 'inconsistent' | 'failed';
  /** The AMI this run made (null: none asked for, or the run or the AMI failed). */
  readonly amiId: string | null;
  readonly ami?: AmiResult;
  /** Whether snapshots and the AMI are encrypted. */
  readonly encrypted: boolean;
  readonly message?: string;
  /**
   * A run asked for no AMI while an earlier run's AMI step was pending: how that step was settled before this run
   * (its AMI made meanwhile and now recorded, its import cancelled, or it had failed or never started).
   */
  readonly previousAmi?: { readonly outcome: 'completed' | 'cancelled' | 'failed' | 'abandoned'; readonly amiId: string | null; readonly message: string };
  /**
   * The S3 transport's staging objects (`s3://bucket/key`): `deleted`, earlier runs' objects of these disks that no
   * pending or future step needs (a failed import's, a killed run's, a replaced no-AMI output); `kept`, this run's
   * objects still in the bucket (no AMI asked for: they are the run's output; or the AMI failed), each until a later
   * run of its disk completes its own; `error`, why some could not be deleted (they are tried again next run);
   * `message`, all that in words (the CLI prints it, the app shows it on the server's card).
   */
  readonly staging?: { readonly deleted: string[]; readonly kept: string[]; readonly error?: string; readonly message?: string };
  readonly disks: DiskRunResult[];
}

/** The EBS direct block size: a disk's blocksTotal × this is its logical size rounded up to a block. */
const EBS_BLOCK_BYTES = 512 * 1024;

const safe = (s: string) => s.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 120);

/** Replication of a project's servers: disk mappings in the project, runs through the engine's worker. */
export class ReplicationService {
  constructor(private readonly deps: ReplicationServiceDeps) {}

  private server(ref: string) {
    const servers = this.deps.project.document.inventory.servers;
    const s = servers.find((x) => x.id === ref) ?? servers.find((x) => x.name === ref) ?? servers.find((x) => x.name.toLowerCase() === ref.toLowerCase());
    if (!s) throw new WorkbenchError('not-found', `No server named "${ref.slice(0, 200)}" in this project.`);
    return s;
  }

  settings(ref: string): ReplicationServer | undefined {
    const s = this.server(ref);
    return this.deps.project.document.replication?.servers.find((x) => x.serverId === s.id);
  }

  /** Maps disks to image files (merged by disk name) and the region; committed to the project (the caller saves). */
  configure(ref: string, change: { disks?: Array<{ disk: string; image: string }>; region?: string; everyHours?: number | null }): ReplicationServer {
    const s = this.server(ref);
    for (const d of change.disks ?? []) {
      if (!d.disk.trim() || d.disk.length > 200) throw new WorkbenchError('invalid-input', 'A disk name must be 1 to 200 characters.');
      if (!existsSync(d.image)) throw new WorkbenchError('not-found', `The disk image for ${d.disk} does not exist: ${d.image.slice(0, 300)}`);
    }
    const doc = this.deps.project.document;
    const servers = doc.replication?.servers ?? [];
    const current: ReplicationServer = servers.find((x) => x.serverId === s.id) ?? { serverId: s.id, disks: [], transport: 'ebs' };
    const disks = [...current.disks];
    for (const d of change.disks ?? []) {
      const entry = { disk: d.disk, image: path.resolve(d.image) };
      const i = disks.findIndex((x) => x.disk === d.disk);
      if (i >= 0) disks[i] = entry;
      else disks.push(entry);
    }
    if (change.everyHours != null && !(Number.isInteger(change.everyHours) && change.everyHours >= 1 && change.everyHours <= 24)) throw new WorkbenchError('invalid-input', 'A schedule runs every 1 to 24 hours.');
    const next: ReplicationServer = { ...current, disks, ...(change.region ? { region: change.region } : {}) };
    if (change.everyHours === null) delete next.everyHours;
    else if (change.everyHours !== undefined) next.everyHours = change.everyHours;
    this.deps.project.commit({ ...doc, replication: { servers: [...servers.filter((x) => x.serverId !== s.id), next] } });
    return next;
  }

  jobDir(serverId: string): string {
    return path.join(this.deps.dataDir, 'replication', safe(this.deps.project.document.id), safe(serverId));
  }

  /** The application whose launch groups hold the server (its replication settings: licence, KMS key, AMIs kept). */
  private application(serverId: string) {
    return this.deps.project.document.planning.applications.find((a) => a.groups.some((g) => g.serverIds.includes(serverId)));
  }

  /** One run of every mapped disk of a server, then its AMI when asked; the outcome is recorded in the project (the caller saves). */
  async replicate(req: ReplicateRequest): Promise<ReplicateResult> {
    const s = this.server(req.server);
    let settings = this.settings(s.id);
    if (!settings || settings.disks.length === 0) throw new WorkbenchError('invalid-input', `No disk images are mapped for ${s.name}: map each of its disks to an image file first.`);
    const app = this.application(s.id);
    const amiMode = req.ami ?? 'none';
    if (req.encrypted !== undefined && req.encrypted !== (settings.encrypted ?? true)) {
      // An explicit choice, kept with the server so later runs (and the export) know it.
      const doc = this.deps.project.document;
      const next: ReplicationServer = { ...settings, encrypted: req.encrypted };
      this.deps.project.commit({ ...doc, replication: { servers: (doc.replication?.servers ?? []).map((x) => (x.serverId === s.id ? next : x)) } });
      settings = next;
    }
    const encrypted = settings.encrypted ?? true;
    const kmsKey = encrypted ? app?.replication.kmsKeyId : undefined;
    // EBS direct names a key by ARN only; a key ID or alias is used by ImportImage, which re-encrypts with it.
    if (req.transport.kind === 's3' && amiMode === 'register') throw new WorkbenchError('invalid-input', 'RegisterImage needs EBS snapshots: with the S3 transport use --ami import (VM Import) or none.');
    const bucketProblem = req.transport.kind === 's3' ? s3BucketNameProblem(req.transport.bucket) : null;
    if (req.transport.kind === 's3' && bucketProblem) throw new WorkbenchError('invalid-input', `"${req.transport.bucket.slice(0, 100)}" is not an S3 bucket name: ${bucketProblem}`);
    if (kmsKey && !kmsKey.startsWith('arn:') && amiMode === 'register') {
      throw new WorkbenchError('invalid-input', `The application's KMS key "${kmsKey.slice(0, 200)}" must be given as a key ARN for snapshots registered as AMIs directly (or use --ami import).`);
    }
    const region = req.transport.region ?? settings.region;
    const transport: TransportOptions | S3TransportOptions =
      req.transport.kind === 's3' ? { ...req.transport, ...(region ? { region } : {}) } : { ...req.transport, ...(region ? { region } : {}), encrypted, ...(kmsKey?.startsWith('arn:') ? { kmsKeyArn: kmsKey } : {}) };
    const tags = { 'mwb:server': s.name.slice(0, 250), 'mwb:project': this.deps.project.document.id };
    const jobDir = this.jobDir(s.id);
    // One replication of a server at a time across processes: the app and `mwb replicate` share the data folder, so
    // the job's journal; a second one is refused (busy) rather than interleaving its records with the first's.
    const lock = await acquireRunLock(jobDir, 'run.lock', `Replication of ${s.name}`);
    try {
      // An AMI step a killed or interrupted run left pending (in the transport's journal) is finished first: this run
      // is that run (its disks completed), so it polls the same import task instead of running the disks again.
      const journalFile = path.join(jobDir, transport.kind === 's3' ? 'journal-s3.log' : 'journal.log');
      const step = await import('../replication/ami/step');
      const records = await step.readJournal(journalFile);
      let pendingAmi = step.pendingAmiStep(records);
      const pendingRuns = pendingAmi ? step.completedRunResults(records, pendingAmi) : undefined;
      const resumed = amiMode !== 'none' ? pendingRuns : undefined;
      let previousAmi: ReplicateResult['previousAmi'];
      if (pendingAmi && !resumed) {
        // Not resumed (asked for no AMI, or its runs are not complete in the journal): the pending step is settled
        // (looked up, its image taken or its import cancelled), not forgotten, and that run is recorded when the journal
        // has it; then this run replicates the disks.
        const reason = amiMode === 'none' ? 'a later run asked for no AMI' : "that run's record is not complete in the journal";
        previousAmi = await this.settlePendingAmi(s.name, s.id, journalFile, pendingAmi, pendingRuns, { transport, encrypted, ...(kmsKey ? { kmsKey } : {}), keep: app?.replication.amisToKeep ?? 3, reason, ...(req.signal ? { signal: req.signal } : {}) });
        pendingAmi = undefined;
      }
      // The engine (worker, AWS SDK) loads when a run starts, not with every command that builds the services.
      const disks = resumed ?? await (await import('../replication/engine')).runReplicationJob({
        jobDir,
        disks: settings.disks.map((d) => (transport.kind === 's3' ? { disk: d.disk, image: d.image, transport, tags } : { disk: d.disk, image: d.image, transport, tags, ...(req.verify === false ? { verify: false as const } : {}) })),
        ...(req.signal ? { signal: req.signal } : {}),
        ...(req.onProgress ? { onProgress: req.onProgress } : {}),
        ...(req.bandwidth ? { bandwidth: req.bandwidth } : {}),
      });
      let status: ReplicateResult['status'] = disks.every((d) => d.status === 'completed') ? 'completed' : disks.some((d) => d.status === 'failed') ? 'failed' : 'inconsistent';
      let message = disks.find((d) => d.status !== 'completed' && d.message)?.message?.slice(0, 2000);
      let ami: AmiResult | undefined;
      let own: 'deleted' | 'undeleted' | undefined;
      if (status === 'completed' && amiMode !== 'none') {
        const { createAmiJournaled, AmiError } = await import('../replication/ami');
        const last = disks[disks.length - 1]!;
        try {
          ami = await createAmiJournaled(journalFile, {
            mode: amiMode,
            aws: transport,
            server: s.name,
            projectId: this.deps.project.document.id,
            runId: disks.map((d) => d.run ?? '').join('+').slice(0, 36 * 4),
            sources: disks.map((d) => (d.object ? { kind: 's3' as const, disk: d.disk, bucket: d.object.bucket, key: d.object.key, format: 'raw' as const } : { kind: 'snapshot' as const, disk: d.disk, snapshotId: d.snapshotId! })),
            ...(app && app.replication.licenseType !== 'Auto' ? { licenseType: app.replication.licenseType } : {}),
            ...(s.os.family === 'windows' ? { platform: 'Windows' as const } : s.os.family === 'linux' ? { platform: 'Linux' as const } : {}),
            ...(s.firmware.type === 'efi' ? { bootMode: 'uefi' as const } : s.firmware.type === 'bios' ? { bootMode: 'legacy-bios' as const } : {}),
            encrypted,
            ...(kmsKey ? { kmsKeyId: kmsKey } : {}),
            keep: app?.replication.amisToKeep ?? 3,
            ...(req.amiPoll ? { poll: req.amiPoll } : {}),
            ...(req.signal ? { signal: req.signal } : {}),
            onStatus: (st) =>
              req.onProgress?.({ disk: last.disk, stage: st.stage === 'registering' ? 'registering-image' : 'importing-image', bytesRead: last.blocksTotal * EBS_BLOCK_BYTES, bytesTotal: last.blocksTotal * EBS_BLOCK_BYTES, blocksChanged: last.blocksChanged, bytesSent: last.bytesSent, rate: 0 }),
          }, disks.map((d) => ({ disk: d.disk, run: d.run ?? '' })), pendingAmi);
        } catch (err) {
          // Paused or cancelled during the AMI step: the journal keeps the step pending and the next run finishes it.
          if (!(err instanceof AmiError) || err.code === 'interrupted') throw err;
          status = 'failed';
          message = `The ${transport.kind === 's3' ? 'staged disk objects are' : 'snapshots are'} complete, but the AMI was not made (${err.code}): ${err.message}`.slice(0, 2000);
        }
        // The AMI step is over (made or failed): the disk's stage says so rather than still "Importing the image".
        req.onProgress?.({ disk: last.disk, stage: 'done', bytesRead: last.blocksTotal * EBS_BLOCK_BYTES, bytesTotal: last.blocksTotal * EBS_BLOCK_BYTES, blocksChanged: last.blocksChanged, bytesSent: last.bytesSent, rate: 0 });
        // VM Import has read the staging objects: they are deleted. After a failed import they stay (the user may import
        // them by hand): the next run of an unchanged image imports from them again, one of a changed image sweeps them.
        if (ami && transport.kind === 's3') {
          const failure = await this.removeStaged(transport, disks.flatMap((d) => (d.object ? [d.object] : [])));
          if (failure) message = `The AMI was made, but a staging object could not be deleted (the next S3 run of the disk deletes it): ${failure}`;
          own = failure ? 'undeleted' : 'deleted';
        }
      }
      const staging = transport.kind === 's3' ? this.stagingOutcome(disks, own ?? (amiMode === 'none' ? 'output' : 'no-ami')) : undefined;
      this.record(s.id, transport.kind, disks, status, encrypted, ami?.amiId, message);
      return { serverId: s.id, server: s.name, status, amiId: ami?.amiId ?? null, ...(ami ? { ami } : {}), encrypted, ...(message ? { message } : {}), ...(previousAmi ? { previousAmi } : {}), ...(staging ? { staging } : {}), disks };
    } finally {
      await lock.release();
    }
  }

  /** A run's summary, appended to the server's history (the last 50) as its last run. */
  private record(serverId: string, kind: 'ebs' | 's3', disks: DiskRunResult[], status: ReplicateResult['status'], encrypted: boolean, amiId: string | undefined, message: string | undefined): void {
    const doc = this.deps.project.document;
    const servers = doc.replication?.servers ?? [];
    const lastRun: ReplicationRunSummary = {
      at: new Date().toISOString(),
      status,
      snapshots: disks.map((d) => ({ disk: d.disk, snapshotId: d.snapshotId, status: d.status, bytesTotal: d.blocksTotal * EBS_BLOCK_BYTES, bytesSent: d.bytesSent, blocksSent: d.blocksSent, seconds: d.seconds })),
      ...(amiId ? { amiId } : {}),
      encrypted,
      transport: kind,
      ...(message ? { message } : {}),
    };
    const keep = (x: ReplicationServer): ReplicationServer => ({ ...x, transport: kind, lastRun, runs: [...(x.runs ?? []), lastRun].slice(-50) });
    this.deps.project.commit({ ...doc, replication: { servers: servers.map((x) => (x.serverId === serverId ? keep(x) : x)) } });
  }

  /** What became of the staging objects in an S3 run: the earlier ones its disks swept, its own still in the bucket. */
  private stagingOutcome(disks: readonly DiskRunResult[], own: 'deleted' | 'undeleted' | 'output' | 'no-ami'): NonNullable<ReplicateResult['staging']> {
    const swept = disks.flatMap((d) => ((d as S3DiskRunResult).staging ? [(d as S3DiskRunResult).staging!] : []));
    const error = swept.find((x) => x.error)?.error;
    const deleted = swept.flatMap((x) => x.deleted.map((key) => `s3://${x.bucket}/${key}`));
    const kept = own === 'deleted' ? [] : disks.flatMap((d) => (d.object ? [`s3://${d.object.bucket}/${d.object.key}`] : []));
    const list = (xs: string[]) => `${xs.slice(0, 5).join(', ')}${xs.length > 5 ? ` and ${xs.length - 5} more` : ''}`;
    const removed = own === 'deleted' ? disks.flatMap((d) => (d.object ? [`s3://${d.object.bucket}/${d.object.key}`] : [])) : [];
    const reused = disks.flatMap((d) => ((d as S3DiskRunResult).reusedObject && d.object ? [`s3://${d.object.bucket}/${d.object.key}`] : []));
    const words = [
      reused.length ? `Nothing was uploaded for ${reused.length === 1 ? 'a disk' : `${reused.length} disks`}: the image is unchanged since VM Import failed on ${reused.length === 1 ? 'its staged object, which was' : 'their staged objects, which were'} used again: ${list(reused)}.` : '',
      removed.length ? `The staged disk${removed.length === 1 ? ' was' : 's were'} deleted from the bucket once VM Import had made the AMI: ${list(removed)}.` : '',
      deleted.length ? `Deleted ${deleted.length === 1 ? 'a staging object' : `${deleted.length} staging objects`} of earlier runs that nothing needs any more: ${list(deleted)}.` : '',
      kept.length && own === 'output' ? `The staged disk${kept.length === 1 ? ' stays' : 's stay'} in the bucket as this run's output (no AMI was asked for) until the next S3 run replaces ${kept.length === 1 ? 'it' : 'them'}: ${list(kept)}.` : '',
      kept.length && own === 'no-ami' ? `The staged disk${kept.length === 1 ? ' stays' : 's stay'} in the bucket (no AMI was made; VM Import can be run on ${kept.length === 1 ? 'it' : 'them'} by hand) until the next S3 run of the disk, which imports from ${kept.length === 1 ? 'it' : 'them'} again if the image is unchanged, else stages the disk anew and deletes ${kept.length === 1 ? 'it' : 'them'}: ${list(kept)}.` : '',
      kept.length && own === 'undeleted' ? `The AMI was made, but the staged disk${kept.length === 1 ? '' : 's'} may still be in the bucket until the next S3 run of the disk deletes ${kept.length === 1 ? 'it' : 'them'}: ${list(kept)}.` : '',
      error ? `Some staging objects of earlier runs could not be deleted (${error}); the next run tries again.` : '',
    ].filter(Boolean);
    return { deleted, kept, ...(error ? { error } : {}), ...(words.length ? { message: words.join(' ') } : {}) };
  }

  /** Deletes a run's staging objects, each in the bucket it was staged in; the first failure's words, if one failed. */
  private async removeStaged(transport: S3TransportOptions, objects: ReadonlyArray<{ bucket: string; key: string }>): Promise<string | undefined> {
    const { S3StagingTransport } = await import('../replication/transport/s3.transport');
    for (const o of objects) {
      const s3 = new S3StagingTransport({ ...transport, bucket: o.bucket });
      try {
        await s3.remove(o.key);
      } catch (err) {
        return err instanceof Error ? err.message.slice(0, 300) : 'error';
      } finally {
        s3.destroy();
      }
    }
    return undefined;
  }

  /**
   * A pending AMI step this run does not resume (`ami/settle.ts`): the image it made meanwhile is tagged (retention
   * applies), an import still running is cancelled; its run is recorded (with that AMI) when the journal has it
   * (`runs`); the S3 transport's staging objects of that step are deleted (the next run stages its own). A transient
   * error leaves the step pending and ends this run before any disk is read.
   */
  private async settlePendingAmi(
    server: string,
    serverId: string,
    journalFile: string,
    pending: PendingAmiStep,
    runs: DiskRunResult[] | undefined,
    o: { transport: TransportOptions | S3TransportOptions; encrypted: boolean; kmsKey?: string; keep: number; reason: string; signal?: AbortSignal },
  ): Promise<NonNullable<ReplicateResult['previousAmi']>> {
    const { settleAmiStep } = await import('../replication/ami/settle');
    const { AmiError } = await import('../replication/ami');
    let settled: Awaited<ReturnType<typeof settleAmiStep>>;
    try {
      settled = await settleAmiStep(journalFile, { aws: o.transport, server, projectId: this.deps.project.document.id, encrypted: o.encrypted, ...(o.kmsKey ? { kmsKeyId: o.kmsKey } : {}), keep: o.keep, reason: o.reason, ...(o.signal ? { signal: o.signal } : {}) }, pending);
    } catch (err) {
      if (!(err instanceof AmiError) || err.code === 'interrupted') throw err;
      throw new AmiError(err.code, `The previous run's AMI step is pending and could not be looked up (${err.code}): ${err.message} Nothing was replicated; the next run tries again.`.slice(0, 2000));
    }
    const amiId = settled.outcome === 'completed' ? settled.ami.amiId : undefined;
    let message = `${settled.message.charAt(0).toUpperCase()}${settled.message.slice(1)}.${amiId && runs ? ' It is recorded with that run.' : ''}`;
    if (o.transport.kind === 's3') {
      const failure = await this.removeStaged(o.transport, pending.start.sources.flatMap((x) => (x.kind === 's3' ? [{ bucket: x.bucket, key: x.key }] : [])));
      message += failure ? ` A staging object of that run could not be deleted: ${failure}` : ` That run's staging objects are deleted.`;
    }
    if (runs) this.record(serverId, o.transport.kind, runs, settled.outcome === 'failed' ? 'failed' : 'completed', o.encrypted, amiId, message);
    return { outcome: settled.outcome, amiId: amiId ?? null, message };
  }
}
