import path from 'node:path';
import { existsSync } from 'node:fs';
import { WorkbenchError } from '../common/model/errors';
import type { ReplicationRunSummary, ReplicationServer } from '../common/model/replication';
import type { DiskRunResult, ReplicationProgress, TransportOptions } from '../replication/engine';
import type { ProjectStore } from './project-store.service';

export interface ReplicationServiceDeps {
  readonly project: ProjectStore;
  /** The app's data folder: journals and block manifests live under replication/ there, never in the project. */
  readonly dataDir: string;
}

export interface ReplicateRequest {
  /** Server name or id. */
  readonly server: string;
  readonly transport: TransportOptions;
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: ReplicationProgress) => void;
  /** The jobs service's shared bandwidth cap (platform/bandwidth.ts). */
  readonly bandwidth?: SharedArrayBuffer;
}

export interface ReplicateResult {
  readonly serverId: string;
  readonly server: string;
  readonly status: 'completed' | 'inconsistent' | 'failed';
  /** Null until AMI creation exists. */
  readonly amiId: null;
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

  /** One run of every mapped disk of a server; the outcome is recorded in the project (the caller saves). */
  async replicate(req: ReplicateRequest): Promise<ReplicateResult> {
    const s = this.server(req.server);
    const settings = this.settings(s.id);
    if (!settings || settings.disks.length === 0) throw new WorkbenchError('invalid-input', `No disk images are mapped for ${s.name}: give --disk-image DISK=PATH.`);
    const region = req.transport.region ?? settings.region;
    const transport: TransportOptions = { ...req.transport, ...(region ? { region } : {}) };
    // The engine (worker, AWS SDK) loads when a run starts, not with every command that builds the services.
    const { runReplicationJob } = await import('../replication/engine');
    const disks = await runReplicationJob({
      jobDir: this.jobDir(s.id),
      disks: settings.disks.map((d) => ({ disk: d.disk, image: d.image, transport, tags: { 'mwb:server': s.name.slice(0, 250), 'mwb:project': this.deps.project.document.id } })),
      ...(req.signal ? { signal: req.signal } : {}),
      ...(req.onProgress ? { onProgress: req.onProgress } : {}),
      ...(req.bandwidth ? { bandwidth: req.bandwidth } : {}),
    });
    const status = disks.every((d) => d.status === 'completed') ? 'completed' : disks.some((d) => d.status === 'failed') ? 'failed' : 'inconsistent';
    const doc = this.deps.project.document;
    const servers = doc.replication?.servers ?? [];
    const message = disks.find((d) => d.status !== 'completed' && d.message)?.message?.slice(0, 2000);
    const lastRun: ReplicationRunSummary = {
      at: new Date().toISOString(),
      status,
      snapshots: disks.map((d) => ({ disk: d.disk, snapshotId: d.snapshotId, status: d.status, bytesTotal: d.blocksTotal * EBS_BLOCK_BYTES, bytesSent: d.bytesSent, blocksSent: d.blocksSent, seconds: d.seconds })),
      ...(message ? { message } : {}),
    };
    const keep = (x: ReplicationServer): ReplicationServer => ({ ...x, lastRun, runs: [...(x.runs ?? []), lastRun].slice(-50) });
    this.deps.project.commit({ ...doc, replication: { servers: servers.map((x) => (x.serverId === s.id ? keep(x) : x)) } });
    return { serverId: s.id, server: s.name, status, amiId: null, disks };
  }
}
