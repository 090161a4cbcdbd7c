import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  ListPartsCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { awsCall as call } from './aws-call';
import { TransportError, type AwsClientOptions } from './types';

/** Options of the S3 + VM Import transport (serializable: they cross into the worker). */
export interface S3TransportOptions extends AwsClientOptions {
  readonly kind: 's3';
  readonly bucket: string;
  /** Staging keys start with this (default `mwb-staging/`). */
  readonly keyPrefix?: string;
  /** S3 endpoint when it differs from `endpointUrl` (tests: radosgw next to a fake EC2). */
  readonly s3EndpointUrl?: string;
  /**
   * Ask for SSE-S3 explicitly (default false: S3 encrypts every new object with SSE-S3 anyway, and S3-compatible
   * stores such as radosgw refuse the header).
   */
  readonly sse?: boolean;
}

/** The user metadata a staging object carries (S3 metadata names: lower case, `mwb:server` → `mwb-server`; printable ASCII values). */
export function stagingMetadata(tags: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(tags).map(([k, v]) => [k.replace(/[^a-z0-9-]/gi, '-').toLowerCase(), v.replace(/[^\x20-\x7e]/g, '_').slice(0, 200)]));
}

/**
 * The staging object of the S3 + VM Import transport, through multipart upload with the SDK's S3 client: each part
 * carries its Content-MD5 (the server checks it), ListParts tells a resumed run which parts the server holds, stale
 * uploads are aborted, and the object is deleted after VM Import read it. Path-style addressing when an endpoint is
 * given (radosgw, VPC endpoints); checksums only where S3 requires them (streamed aws-chunked bodies break other S3s).
 */
export class S3StagingTransport {
  readonly client: S3Client;

  constructor(private readonly o: S3TransportOptions) {
    const endpoint = o.s3EndpointUrl ?? o.endpointUrl;
    this.client = new S3Client({
      ...(o.region ? { region: o.region } : {}),
      ...(o.profile ? { profile: o.profile } : {}),
      ...(endpoint ? { endpoint, forcePathStyle: true } : {}),
      maxAttempts: o.maxAttempts ?? 6,
      retryMode: o.retryMode ?? 'adaptive',
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      requestHandler: { socketTimeout: o.requestTimeoutMs ?? 120_000, connectionTimeout: 10_000 },
    });
  }

  get bucket(): string {
    return this.o.bucket;
  }

  async create(key: string, tags: Record<string, string>): Promise<string> {
    const out = await call(() =>
      this.client.send(
        new CreateMultipartUploadCommand({
          Bucket: this.o.bucket,
          Key: key,
          ContentType: 'application/octet-stream',
          ...(this.o.sse ? { ServerSideEncryption: 'AES256' as const } : {}),
          Metadata: stagingMetadata(tags),
        }),
      ),
    );
    if (!out.UploadId) throw new TransportError('unknown', 'CreateMultipartUpload answered without an upload id');
    return out.UploadId;
  }

  async uploadPart(key: string, uploadId: string, partNumber: number, body: Buffer, md5Base64: string): Promise<string> {
    const out = await call(() => this.client.send(new UploadPartCommand({ Bucket: this.o.bucket, Key: key, UploadId: uploadId, PartNumber: partNumber, Body: body, ContentLength: body.length, ContentMD5: md5Base64 })));
    if (!out.ETag) throw new TransportError('unknown', 'UploadPart answered without an ETag');
    return out.ETag;
  }

  /** The parts the server holds, by number (ETag without quotes, size); null where the server has no ListParts. */
  async listParts(key: string, uploadId: string): Promise<Map<number, { etag: string; size: number }> | null> {
    const out = new Map<number, { etag: string; size: number }>();
    let marker: string | undefined;
    try {
      for (let page = 0; page < 100; page++) {
        const r = await call(() => this.client.send(new ListPartsCommand({ Bucket: this.o.bucket, Key: key, UploadId: uploadId, MaxParts: 1000, ...(marker ? { PartNumberMarker: marker } : {}) })));
        for (const p of r.Parts ?? []) if (p.PartNumber && p.ETag) out.set(p.PartNumber, { etag: p.ETag.replace(/"/g, ''), size: p.Size ?? 0 });
        if (!r.IsTruncated || !r.NextPartNumberMarker) break;
        marker = String(r.NextPartNumberMarker);
      }
    } catch (err) {
      if (err instanceof TransportError && err.code === 'not-found') throw err;
      if (err instanceof TransportError && (err.code === 'unknown' || err.code === 'validation')) return null; // 501/405: not implemented there
      throw err;
    }
    return out;
  }

  async complete(key: string, uploadId: string, parts: Array<{ n: number; etag: string }>): Promise<void> {
    await call(() => this.client.send(new CompleteMultipartUploadCommand({ Bucket: this.o.bucket, Key: key, UploadId: uploadId, MultipartUpload: { Parts: parts.map((p) => ({ PartNumber: p.n, ETag: `"${p.etag}"` })) } })));
  }

  async abort(key: string, uploadId: string): Promise<void> {
    try {
      await call(() => this.client.send(new AbortMultipartUploadCommand({ Bucket: this.o.bucket, Key: key, UploadId: uploadId })));
    } catch (err) {
      if (!(err instanceof TransportError && err.code === 'not-found')) throw err;
    }
  }

  /** Unfinished uploads under a prefix (empty where the server cannot list them). */
  async listUploads(prefix: string): Promise<Array<{ key: string; uploadId: string }>> {
    try {
      const r = await call(() => this.client.send(new ListMultipartUploadsCommand({ Bucket: this.o.bucket, Prefix: prefix })));
      return (r.Uploads ?? []).filter((u) => u.Key && u.UploadId).map((u) => ({ key: u.Key!, uploadId: u.UploadId! }));
    } catch (err) {
      if (err instanceof TransportError && (err.code === 'unknown' || err.code === 'validation')) return [];
      throw err;
    }
  }

  async size(key: string): Promise<number> {
    const r = await call(() => this.client.send(new HeadObjectCommand({ Bucket: this.o.bucket, Key: key })));
    return r.ContentLength ?? -1;
  }

  /** The objects under a prefix (ListObjectsV2, 1,000 a page, at most 100 pages). */
  async listObjects(prefix: string): Promise<Array<{ key: string; size: number }>> {
    const out: Array<{ key: string; size: number }> = [];
    let token: string | undefined;
    for (let page = 0; page < 100; page++) {
      const r = await call(() => this.client.send(new ListObjectsV2Command({ Bucket: this.o.bucket, Prefix: prefix, MaxKeys: 1000, ...(token ? { ContinuationToken: token } : {}) })));
      for (const o of r.Contents ?? []) if (o.Key) out.push({ key: o.Key, size: o.Size ?? 0 });
      if (!r.IsTruncated || !r.NextContinuationToken) break;
      token = r.NextContinuationToken;
    }
    return out;
  }

  /** An object's user metadata (names in lower case), or null when there is no such object. */
  async metadata(key: string): Promise<Record<string, string> | null> {
    try {
      const r = await call(() => this.client.send(new HeadObjectCommand({ Bucket: this.o.bucket, Key: key })));
      return Object.fromEntries(Object.entries(r.Metadata ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
    } catch (err) {
      if (err instanceof TransportError && err.code === 'not-found') return null;
      throw err;
    }
  }

  async remove(key: string): Promise<void> {
    await call(() => this.client.send(new DeleteObjectCommand({ Bucket: this.o.bucket, Key: key })));
  }

  destroy(): void {
    this.client.destroy();
  }
}
