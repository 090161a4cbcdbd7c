/** What the engine needs from a place that receives block snapshots. Implementations run inside the worker. */
export interface SnapshotTransport {
  /** The Region and credentials the client resolved (handed to the block lanes, which send through clients of their own). */
  identity(): Promise<AwsIdentity>;
  start(req: StartSnapshotRequest): Promise<{ snapshotId: string; blockSize: number }>;
  /** `data` is exactly one block (zero-padded); `checksum` its base64 SHA-256. */
  putBlock(snapshotId: string, index: number, data: Buffer, checksum: string): Promise<void>;
  complete(snapshotId: string, changedBlocksCount: number): Promise<void>;
  /** The block indexes the completed snapshot holds (with its parents' blocks, as EBS lists them). */
  listBlocks(snapshotId: string): Promise<Map<number, string>>;
  /** One block read back (token from `listBlocks`), with the checksum the service sent along. */
  getBlock(snapshotId: string, index: number, token: string): Promise<Buffer>;
  destroy(): void;
}

export interface StartSnapshotRequest {
  readonly volumeSizeGiB: number;
  readonly parentSnapshotId?: string;
  /** Idempotency: the same token returns the same snapshot (a restarted run reuses it). */
  readonly clientToken: string;
  readonly description: string;
  readonly tags: Record<string, string>;
}

/** Where and how the AWS SDK clients connect. Never holds credentials: the SDK's default chain finds them. */
export interface AwsClientOptions {
  readonly region?: string;
  readonly profile?: string;
  /** Endpoint override (tests, VPC interface endpoints): EBS, EC2 and S3 all go there. */
  readonly endpointUrl?: string;
  /** SDK retry strategy: attempts per call (default 6) and mode (default adaptive). */
  readonly maxAttempts?: number;
  readonly retryMode?: 'standard' | 'adaptive';
  /** A request whose connection shows no activity for this long is abandoned and retried (default 120 s; a stalled link). */
  readonly requestTimeoutMs?: number;
}

/**
 * What the worker resolved once through the SDK's default chain and hands its block lanes (block-lane.ts), in memory
 * only: never journaled, logged or written anywhere.
 */
export interface AwsIdentity {
  readonly region: string;
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string; readonly sessionToken?: string; readonly expiration?: Date };
}

/** Serializable options (they cross into the worker). */
export interface TransportOptions extends AwsClientOptions {
  readonly kind: 'ebs';
  /** Default true; with kmsKeyArn, that key. */
  readonly encrypted?: boolean;
  readonly kmsKeyArn?: string;
}

export class TransportError extends Error {
  override readonly name = 'TransportError';
  constructor(
    readonly code: 'auth' | 'not-found' | 'validation' | 'throttled' | 'network' | 'unknown',
    message: string,
  ) {
    super(message);
  }
}
