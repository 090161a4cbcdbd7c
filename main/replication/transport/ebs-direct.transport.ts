import { CompleteSnapshotCommand, EBSClient, GetSnapshotBlockCommand, ListSnapshotBlocksCommand, PutSnapshotBlockCommand, StartSnapshotCommand } from '@aws-sdk/client-ebs';
import { awsCall as call } from './aws-call';
import { TransportError, type AwsIdentity, type SnapshotTransport, type StartSnapshotRequest, type TransportOptions } from './types';

/**
 * EBS direct APIs: StartSnapshot (parent for incremental runs, encrypted by default, tags, ClientToken),
 * PutSnapshotBlock with the block's SHA-256, CompleteSnapshot with the changed block count. Retries are the SDK's
 * retry strategy (maxAttempts / retryMode); credentials come from the SDK's default chain (profile, env, SSO,
 * instance role) and are never logged. A block lane's client (engine/block-lane.ts) gets the Region and credentials
 * its worker resolved (`identity()`) instead of walking the chain again in every thread.
 */
export class EbsDirectTransport implements SnapshotTransport {
  private readonly client: EBSClient;

  constructor(
    private readonly options: TransportOptions,
    lane?: {
      readonly region: string;
      readonly credentials: () => Promise<AwsIdentity['credentials']>;
      /** Awaited before each PutSnapshotBlock attempt goes on the wire (the shared bandwidth cap), retries included. */
      readonly beforeSend?: (bytes: number) => Promise<void>;
    },
  ) {
    this.client = new EBSClient({
      ...(lane ? { region: lane.region, credentials: lane.credentials } : {}),
      ...(!lane && options.region ? { region: options.region } : {}),
      ...(!lane && options.profile ? { profile: options.profile } : {}),
      ...(options.endpointUrl ? { endpoint: options.endpointUrl } : {}),
      maxAttempts: options.maxAttempts ?? 6,
      retryMode: options.retryMode ?? 'adaptive',
      requestHandler: { socketTimeout: options.requestTimeoutMs ?? 120_000, connectionTimeout: 10_000 },
      // The middleware stack is resolved once per command class instead of on every send: PutSnapshotBlock runs
      // thousands of times a run on the worker's one thread, and nothing changes the stack after this constructor.
      cacheMiddleware: true,
    });
    // The block's SHA-256 is already known (it is the x-amz-Checksum): give it to SigV4 as the payload hash so the
    // signer does not hash every 512 KiB block a second time.
    this.client.middlewareStack.add(
      (next, context) => async (args) => {
        const input = args.input as { Checksum?: string };
        const request = args.request as { headers?: Record<string, string> } | undefined;
        if (context.commandName === 'PutSnapshotBlockCommand' && input.Checksum && request?.headers) {
          request.headers['x-amz-content-sha256'] = Buffer.from(input.Checksum, 'base64').toString('hex');
        }
        return next(args);
      },
      { step: 'build', name: 'mwbBlockPayloadHash' },
    );
    const beforeSend = lane?.beforeSend;
    if (beforeSend) {
      // In the deserialize step, below the retry strategy: each attempt waits for its bytes just before it is sent.
      this.client.middlewareStack.add(
        (next, context) => async (args) => {
          const input = args.input as { DataLength?: number };
          if (context.commandName === 'PutSnapshotBlockCommand' && input.DataLength) await beforeSend(input.DataLength);
          return next(args);
        },
        { step: 'deserialize', name: 'mwbBandwidthCap' },
      );
    }
  }

  /** The Region and credentials this client uses (the default chain's, resolved now; refreshed by the SDK when they expire). */
  async identity(): Promise<AwsIdentity> {
    return call(async () => {
      const region = await this.client.config.region();
      const c = await this.client.config.credentials();
      return { region, credentials: { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey, ...(c.sessionToken ? { sessionToken: c.sessionToken } : {}), ...(c.expiration ? { expiration: c.expiration } : {}) } };
    });
  }

  async start(req: StartSnapshotRequest): Promise<{ snapshotId: string; blockSize: number }> {
    const encrypted = this.options.encrypted ?? true;
    const out = await call(() =>
      this.client.send(
        new StartSnapshotCommand({
          VolumeSize: req.volumeSizeGiB,
          ...(req.parentSnapshotId ? { ParentSnapshotId: req.parentSnapshotId } : {}),
          ClientToken: req.clientToken,
          Description: req.description,
          Encrypted: encrypted,
          ...(encrypted && this.options.kmsKeyArn ? { KmsKeyArn: this.options.kmsKeyArn } : {}),
          Tags: Object.entries(req.tags).map(([Key, Value]) => ({ Key, Value })),
          // Minutes before EBS cancels an unfinished snapshot: 3 days, so that an interrupted run can still resume.
          Timeout: 4320,
        }),
      ),
    );
    if (!out.SnapshotId) throw new TransportError('unknown', 'StartSnapshot answered without a snapshot id');
    return { snapshotId: out.SnapshotId, blockSize: out.BlockSize ?? 524288 };
  }

  async putBlock(snapshotId: string, index: number, data: Buffer, checksum: string): Promise<void> {
    await call(() =>
      this.client.send(new PutSnapshotBlockCommand({ SnapshotId: snapshotId, BlockIndex: index, BlockData: data, DataLength: data.length, Checksum: checksum, ChecksumAlgorithm: 'SHA256' })),
    );
  }

  async complete(snapshotId: string, changedBlocksCount: number): Promise<void> {
    await call(() => this.client.send(new CompleteSnapshotCommand({ SnapshotId: snapshotId, ChangedBlocksCount: changedBlocksCount })));
  }

  async listBlocks(snapshotId: string): Promise<Map<number, string>> {
    const out = new Map<number, string>();
    let next: string | undefined;
    for (let page = 0; page < 100_000; page++) {
      const r = await call(() => this.client.send(new ListSnapshotBlocksCommand({ SnapshotId: snapshotId, MaxResults: 10000, ...(next ? { NextToken: next } : {}) })));
      // moto gives BlockIndex as a string.
      for (const b of r.Blocks ?? []) if (b.BlockToken !== undefined && b.BlockIndex !== undefined) out.set(Number(b.BlockIndex), b.BlockToken);
      next = r.NextToken;
      if (!next) break;
    }
    return out;
  }

  async getBlock(snapshotId: string, index: number, token: string): Promise<Buffer> {
    const r = await call(() => this.client.send(new GetSnapshotBlockCommand({ SnapshotId: snapshotId, BlockIndex: index, BlockToken: token })));
    if (!r.BlockData) throw new TransportError('unknown', 'GetSnapshotBlock answered without data');
    return Buffer.from(await r.BlockData.transformToByteArray());
  }

  destroy(): void {
    this.client.destroy();
  }
}
