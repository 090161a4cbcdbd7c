import { CompleteSnapshotCommand, EBSClient, PutSnapshotBlockCommand, StartSnapshotCommand } from '@aws-sdk/client-ebs';
import { TransportError, type SnapshotTransport, type StartSnapshotRequest, type TransportOptions } from './types';

/**
 * EBS direct APIs: StartSnapshot (parent for incremental runs, encrypted by default, tags, ClientToken),
 * PutSnapshotBlock with the block's SHA-256, CompleteSnapshot with the changed block count. Retries are the SDK's
 * retry strategy (maxAttempts / retryMode); credentials come from the SDK's default chain (profile, env, SSO,
 * instance role) and are never logged.
 */
export class EbsDirectTransport implements SnapshotTransport {
  private readonly client: EBSClient;

  constructor(private readonly options: TransportOptions) {
    this.client = new EBSClient({
      ...(options.region ? { region: options.region } : {}),
      ...(options.profile ? { profile: options.profile } : {}),
      ...(options.endpointUrl ? { endpoint: options.endpointUrl } : {}),
      maxAttempts: options.maxAttempts ?? 6,
      retryMode: options.retryMode ?? 'adaptive',
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

  destroy(): void {
    this.client.destroy();
  }
}

/** Maps SDK errors to ours; the message names the API's error, never request contents or credentials. */
async function call<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    const e = err as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
    const status = e.$metadata?.httpStatusCode;
    const name = e.name ?? 'Error';
    const brief = `${name}${status ? ` (HTTP ${status})` : ''}: ${(e.message ?? '').slice(0, 200)}`;
    if (name === 'CredentialsProviderError' || name === 'AccessDeniedException' || status === 403 || status === 401) throw new TransportError('auth', brief);
    if (name === 'ResourceNotFoundException' || status === 404) throw new TransportError('not-found', brief);
    if (name === 'ValidationException' || status === 400) throw new TransportError('validation', brief);
    if (name === 'ThrottlingException' || name === 'RequestThrottledException' || status === 429) throw new TransportError('throttled', brief);
    if (!status) throw new TransportError('network', brief);
    throw new TransportError('unknown', brief);
  }
}
