import {
  CreateTagsCommand,
  DeleteSnapshotCommand,
  DeregisterImageCommand,
  DescribeImagesCommand,
  DescribeImportImageTasksCommand,
  EC2Client,
  ImportImageCommand,
  RegisterImageCommand,
  type Image,
  type ImageDiskContainer,
} from '@aws-sdk/client-ec2';
import { createHash } from 'node:crypto';
import { awsCall, toTransportError } from '../transport/aws-call';
import type { AwsClientOptions } from '../transport/types';
import { delay } from '../../platform/delay';

/**
 * AMIs from a completed run: ImportImage (VM Import: driver injection, licence, platform, boot mode) from the run's
 * EBS snapshots or from a staged S3 object, or RegisterImage straight from the snapshots when the image already has
 * ENA and NVMe drivers. Encrypted by default (the account's default EBS key unless a KMS key is named). Retention
 * keeps the N most recent AMIs of a server (by the `mwb:server` and `mwb:project` tags) and deregisters the rest,
 * deleting their snapshots. Retries are the SDK's retry strategy; polling backs off.
 */
export type AmiMode = 'import' | 'register' | 'none';
export const AMI_MODES: readonly AmiMode[] = ['import', 'register', 'none'];

export type AmiSource = { readonly kind: 'snapshot'; readonly disk: string; readonly snapshotId: string } | { readonly kind: 's3'; readonly disk: string; readonly bucket: string; readonly key: string; readonly format: 'raw' | 'vmdk' };

export interface AmiRequest {
  readonly mode: 'import' | 'register';
  readonly aws: AwsClientOptions;
  /** The server's name and the project's id: tags that retention selects by. */
  readonly server: string;
  readonly projectId: string;
  /** The run that produced the sources (AMI name, ImportImage ClientToken). */
  readonly runId: string;
  /** The boot disk first. RegisterImage needs snapshots. */
  readonly sources: readonly AmiSource[];
  readonly licenseType?: 'AWS' | 'BYOL';
  readonly platform?: 'Windows' | 'Linux';
  readonly bootMode?: 'legacy-bios' | 'uefi';
  readonly architecture?: 'x86_64' | 'arm64';
  /** Default true; with `kmsKeyId`, that key, else the account's default EBS key. */
  readonly encrypted?: boolean;
  readonly kmsKeyId?: string;
  /** AMIs of this server to keep (older ones are deregistered with their snapshots); default 3. */
  readonly keep?: number;
  /** Polling of DescribeImportImageTasks: first wait, cap, and the whole task's limit. */
  readonly poll?: { readonly initialMs?: number; readonly maxMs?: number; readonly timeoutMs?: number };
  readonly signal?: AbortSignal;
  /** RegisterImage's name (default `amiName(server, runId)`); a resumed step passes the journaled one, so a retry finds its image by name. */
  readonly name?: string;
  /** Resuming: the VM Import task started before (polled instead of calling ImportImage again). */
  readonly importTaskId?: string;
  /** Resuming: the image is made already; only the tags and retention remain. */
  readonly amiId?: string;
  /** Called (and awaited) once ImportImage named its task, before polling: the journal keeps it. */
  readonly onImportTask?: (importTaskId: string) => Promise<void> | void;
  /** Called (and awaited) once the image exists, before tagging and retention. */
  readonly onImage?: (amiId: string) => Promise<void> | void;
  readonly onStatus?: (s: { stage: 'importing' | 'registering' | 'retention'; status?: string; progress?: number }) => void;
}

export interface AmiResult {
  readonly amiId: string;
  readonly mode: 'import' | 'register';
  readonly importTaskId?: string;
  readonly encrypted: boolean;
  readonly deregistered: string[];
  readonly deletedSnapshots: string[];
}

export type AmiErrorCode = 'import-failed' | 'timeout' | 'interrupted' | 'invalid-request' | 'auth' | 'not-found' | 'validation' | 'throttled' | 'network' | 'unknown';

export class AmiError extends Error {
  override readonly name = 'AmiError';
  constructor(
    readonly code: AmiErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** The EC2 client for an account, region and endpoint (tests and VPC endpoints); credentials from the default chain. */
export function ec2Client(o: AwsClientOptions): EC2Client {
  return new EC2Client({
    ...(o.region ? { region: o.region } : {}),
    ...(o.profile ? { profile: o.profile } : {}),
    ...(o.endpointUrl ? { endpoint: o.endpointUrl } : {}),
    maxAttempts: o.maxAttempts ?? 6,
    retryMode: o.retryMode ?? 'adaptive',
    requestHandler: { socketTimeout: o.requestTimeoutMs ?? 120_000, connectionTimeout: 10_000 },
  });
}

/** One EC2 call; SDK errors become an `AmiError` with the transport's code (the message never holds credentials). */
export async function ec2<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await awsCall(fn);
  } catch (err) {
    const t = toTransportError(err);
    throw new AmiError(t.code, t.message);
  }
}

/** AMI names: 3 to 128 of letters, digits and ( ) [ ] space . / - ' @ _. */
export function amiName(server: string, runId: string, at = new Date()): string {
  const clean = server.replace(/[^A-Za-z0-9()[\] ./'@_-]/g, '_').slice(0, 80) || 'server';
  return `mwb ${clean} ${at.toISOString().slice(0, 19).replace(/:/g, '-')} ${runId.slice(0, 8)}`;
}

const sleep = (ms: number, signal?: AbortSignal) => delay(ms, signal, () => new AmiError('interrupted', 'the AMI creation was interrupted'));

/** Creates the AMI, tags it, then applies retention. */
export async function createAmi(req: AmiRequest): Promise<AmiResult> {
  if (req.sources.length === 0) throw new AmiError('invalid-request', 'an AMI needs at least one disk');
  const client = ec2Client(req.aws);
  const encrypted = req.encrypted ?? true;
  try {
    let amiId: string;
    let importTaskId: string | undefined = req.importTaskId;
    if (req.amiId) amiId = req.amiId;
    else if (req.mode === 'register') amiId = await register(client, req);
    else ({ amiId, importTaskId } = await importImage(client, req, encrypted));
    if (!req.amiId) await req.onImage?.(amiId);
    const tags = { Name: `${req.server} (Migration Workbench)`.slice(0, 255), 'mwb:server': req.server.slice(0, 255), 'mwb:project': req.projectId.slice(0, 255), 'mwb:run': req.runId };
    await ec2(() => client.send(new CreateTagsCommand({ Resources: [amiId], Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) })));
    req.onStatus?.({ stage: 'retention' });
    const { deregistered, deletedSnapshots } = await applyRetention(client, { server: req.server, projectId: req.projectId, keep: req.keep ?? 3, newest: amiId });
    return { amiId, mode: req.mode, ...(importTaskId ? { importTaskId } : {}), encrypted, deregistered, deletedSnapshots };
  } finally {
    client.destroy();
  }
}

async function register(client: EC2Client, req: AmiRequest): Promise<string> {
  const snaps = req.sources.map((s) => {
    if (s.kind !== 'snapshot') throw new AmiError('invalid-request', 'RegisterImage needs EBS snapshots: use ImportImage (--ami import) for the S3 transport');
    return s;
  });
  if (snaps.length > 26) throw new AmiError('invalid-request', 'an AMI can hold at most 26 disks');
  req.onStatus?.({ stage: 'registering' });
  const root = '/dev/sda1';
  const name = req.name ?? amiName(req.server, req.runId);
  const input = {
    Name: name,
    Description: `Replicated by Migration Workbench from ${req.server.slice(0, 200)}`,
    Architecture: req.architecture ?? 'x86_64',
    RootDeviceName: root,
    VirtualizationType: 'hvm',
    EnaSupport: true,
    ...(req.bootMode ? { BootMode: req.bootMode } : {}),
    BlockDeviceMappings: snaps.map((s, i) => ({ DeviceName: i === 0 ? root : `/dev/sd${String.fromCharCode(98 + i - 1)}`, Ebs: { SnapshotId: s.snapshotId, VolumeType: 'gp3' as const, DeleteOnTermination: true } })),
  } as const;
  try {
    const out = await ec2(() => client.send(new RegisterImageCommand(input)));
    if (!out.ImageId) throw new AmiError('unknown', 'RegisterImage answered without an image id');
    return out.ImageId;
  } catch (err) {
    // A retried RegisterImage whose first attempt went through: the name is taken by our own image.
    if (err instanceof AmiError && /Duplicate/.test(err.message)) {
      const id = await imageByName(client, name);
      if (id) return id;
    }
    throw err;
  }
}

/** This account's image of that name (AMI names are unique per account and Region), if there is one. */
export async function imageByName(client: EC2Client, name: string): Promise<string | undefined> {
  const found = await ec2(() => client.send(new DescribeImagesCommand({ Owners: ['self'], Filters: [{ Name: 'name', Values: [name] }] })));
  return found.Images?.[0]?.ImageId;
}

async function importImage(client: EC2Client, req: AmiRequest, encrypted: boolean): Promise<{ amiId: string; importTaskId: string }> {
  const containers: ImageDiskContainer[] = req.sources.map((s) =>
    s.kind === 'snapshot' ? { Description: s.disk.slice(0, 255), SnapshotId: s.snapshotId } : { Description: s.disk.slice(0, 255), Format: s.format === 'vmdk' ? 'VMDK' : 'RAW', UserBucket: { S3Bucket: s.bucket, S3Key: s.key } },
  );
  // The same run's sources give the same token: a retried or restarted import finds its task instead of starting another.
  const clientToken = createHash('sha256').update(JSON.stringify([req.runId, req.sources])).digest('hex').slice(0, 64);
  req.onStatus?.({ stage: 'importing', status: req.importTaskId ? 'resuming' : 'starting' });
  const taskId = req.importTaskId ?? (await startImport(client, req, containers, clientToken, encrypted));
  const initial = req.poll?.initialMs ?? 5000;
  const max = req.poll?.maxMs ?? 60_000;
  const deadline = Date.now() + (req.poll?.timeoutMs ?? 12 * 3600_000);
  let wait = initial;
  for (;;) {
    await sleep(wait, req.signal);
    const out = await ec2(() => client.send(new DescribeImportImageTasksCommand({ ImportTaskIds: [taskId] })));
    const task = out.ImportImageTasks?.find((t) => t.ImportTaskId === taskId);
    if (!task) throw new AmiError('not-found', `the import task ${taskId} is gone`);
    const status = task.Status ?? 'unknown';
    req.onStatus?.({ stage: 'importing', status: task.StatusMessage ?? status, ...(task.Progress ? { progress: Number(task.Progress) } : {}) });
    if (status === 'completed') {
      if (!task.ImageId) throw new AmiError('import-failed', `the import task ${taskId} completed without an image`);
      return { amiId: task.ImageId, importTaskId: taskId };
    }
    if (status === 'deleting' || status === 'deleted' || status === 'cancelled' || status === 'failed') {
      throw new AmiError('import-failed', `VM Import task ${taskId} ended ${status}${task.StatusMessage ? `: ${task.StatusMessage.slice(0, 300)}` : ''}`);
    }
    if (Date.now() > deadline) throw new AmiError('timeout', `VM Import task ${taskId} did not finish in time (last status: ${(task.StatusMessage ?? status).slice(0, 100)})`);
    // Backoff with jitter: each wait up to 1.5× the last, capped.
    wait = Math.min(max, Math.round(wait * (1.25 + Math.random() * 0.25)));
  }
}

/** ImportImage (idempotent by the ClientToken); the task id is handed to `onImportTask` before anything polls it. */
async function startImport(client: EC2Client, req: AmiRequest, containers: ImageDiskContainer[], clientToken: string, encrypted: boolean): Promise<string> {
  const started = await ec2(() =>
    client.send(
      new ImportImageCommand({
        ClientToken: clientToken,
        Description: `Migration Workbench: ${req.server.slice(0, 200)}`,
        DiskContainers: containers,
        ...(req.licenseType ? { LicenseType: req.licenseType } : {}),
        ...(req.platform ? { Platform: req.platform } : {}),
        ...(req.bootMode ? { BootMode: req.bootMode } : {}),
        ...(req.architecture ? { Architecture: req.architecture === 'arm64' ? 'arm64' : 'x86_64' } : {}),
        Encrypted: encrypted,
        ...(encrypted && req.kmsKeyId ? { KmsKeyId: req.kmsKeyId } : {}),
        TagSpecifications: [{ ResourceType: 'import-image-task', Tags: [{ Key: 'mwb:server', Value: req.server.slice(0, 255) }, { Key: 'mwb:run', Value: req.runId }] }],
      }),
    ),
  );
  if (!started.ImportTaskId) throw new AmiError('unknown', 'ImportImage answered without a task id');
  await req.onImportTask?.(started.ImportTaskId);
  return started.ImportTaskId;
}

/** The server's AMIs that this tool made, newest first. */
export async function listServerAmis(client: EC2Client, server: string, projectId: string): Promise<Image[]> {
  const out = await ec2(() =>
    client.send(new DescribeImagesCommand({ Owners: ['self'], Filters: [{ Name: 'tag:mwb:server', Values: [server.slice(0, 255)] }, { Name: 'tag:mwb:project', Values: [projectId.slice(0, 255)] }] })),
  );
  return (out.Images ?? []).slice().sort((a, b) => (b.CreationDate ?? '').localeCompare(a.CreationDate ?? ''));
}

/** Keeps the `keep` most recent AMIs (always `newest`), deregisters the others and deletes their snapshots. */
export async function applyRetention(client: EC2Client, o: { server: string; projectId: string; keep: number; newest: string }): Promise<{ deregistered: string[]; deletedSnapshots: string[] }> {
  const keep = Math.max(1, Math.floor(o.keep));
  const images = await listServerAmis(client, o.server, o.projectId);
  const ordered = [...images.filter((i) => i.ImageId === o.newest), ...images.filter((i) => i.ImageId !== o.newest)];
  const deregistered: string[] = [];
  const deletedSnapshots: string[] = [];
  for (const img of ordered.slice(keep)) {
    if (!img.ImageId) continue;
    await ec2(() => client.send(new DeregisterImageCommand({ ImageId: img.ImageId })));
    deregistered.push(img.ImageId);
    for (const m of img.BlockDeviceMappings ?? []) {
      const sid = m.Ebs?.SnapshotId;
      if (!sid) continue;
      await ec2(() => client.send(new DeleteSnapshotCommand({ SnapshotId: sid })));
      deletedSnapshots.push(sid);
    }
  }
  return { deregistered, deletedSnapshots };
}
