/**
 * FAKE EBS direct API endpoint for tests and benchmarks: NOT AWS, not moto. A small node:http server on 127.0.0.1
 * (port 0) that speaks the EBS direct REST wire protocol as @aws-sdk/client-ebs sends it, and is stricter than moto
 * where the tests need it:
 *   StartSnapshot      POST /snapshots                               (JSON; ClientToken idempotency; parent lineage)
 *   PutSnapshotBlock   PUT  /snapshots/{id}/blocks/{index}           (x-amz-Data-Length = 524288, x-amz-Checksum = base64
 *                                                                     SHA-256 of the body, x-amz-Checksum-Algorithm SHA256)
 *   CompleteSnapshot   POST /snapshots/completion/{id}               (x-amz-ChangedBlocksCount = distinct blocks written)
 *   ListSnapshotBlocks GET  /snapshots/{id}/blocks                   (with the parent's blocks, BlockSize 524288)
 *   GetSnapshotBlock   GET  /snapshots/{id}/blocks/{index}?blockToken=
 * It does not check SigV4 signatures (only that an Authorization header is present). Tests read snapshots back with
 * `read(snapshotId)` and see every PutSnapshotBlock in `puts`.
 */
import http from 'node:http';
import { createHash, randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';

export const FAKE_EBS_BLOCK_SIZE = 524288;

interface FakeSnapshot {
  id: string;
  parent: FakeSnapshot | null;
  volumeSize: number;
  status: 'pending' | 'completed' | 'error';
  encrypted: boolean;
  tags: Array<{ Key: string; Value: string }>;
  blocks: Map<number, Buffer>;
  clientToken?: string;
}

export interface FakeEbsOptions {
  /** Awaited before each PutSnapshotBlock is answered (tests slow the run down or act in the middle of it). */
  readonly beforePut?: (snapshotId: string, index: number) => Promise<void> | void;
}

export interface FakeEbs {
  readonly url: string;
  readonly puts: Array<{ snapshotId: string; index: number }>;
  readonly snapshots: Map<string, FakeSnapshot>;
  /** The snapshot's logical content (through its parents), `bytes` long (default: its volume size). */
  read(snapshotId: string, bytes?: number): Buffer;
  close(): Promise<void>;
}

function blockOf(s: FakeSnapshot | null, index: number): Buffer | undefined {
  for (let x = s; x; x = x.parent) {
    const b = x.blocks.get(index);
    if (b) return b;
  }
  return undefined;
}

function allBlocks(s: FakeSnapshot): number[] {
  const set = new Set<number>();
  for (let x: FakeSnapshot | null = s; x; x = x.parent) for (const i of x.blocks.keys()) set.add(i);
  return [...set].sort((a, b) => a - b);
}

export async function startFakeEbs(options: FakeEbsOptions = {}): Promise<FakeEbs> {
  const snapshots = new Map<string, FakeSnapshot>();
  const byToken = new Map<string, FakeSnapshot>();
  const puts: Array<{ snapshotId: string; index: number }> = [];
  const tokens = new Map<string, { snapshotId: string; index: number }>();

  const send = (res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
    res.end(text);
  };
  const fail = (res: http.ServerResponse, status: number, type: string, message: string, reason?: string) =>
    send(res, status, { Message: message, ...(reason ? { Reason: reason } : {}) }, { 'x-amzn-errortype': type });

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > FAKE_EBS_BLOCK_SIZE + 65536) req.destroy();
      else chunks.push(c);
    });
    req.on('end', () => {
      void handle(req, res, Buffer.concat(chunks)).catch(() => fail(res, 500, 'InternalServerException', 'fake: internal error'));
    });
  });

  async function handle(req: http.IncomingMessage, res: http.ServerResponse, body: Buffer): Promise<void> {
    if (!req.headers.authorization) return fail(res, 403, 'AccessDeniedException', 'missing Authorization', 'UNAUTHORIZED_ACCOUNT');
    const url = new URL(req.url ?? '/', 'http://fake');
    const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    const h = (name: string) => {
      const v = req.headers[name.toLowerCase()];
      return Array.isArray(v) ? v[0] : v;
    };
    // StartSnapshot
    if (req.method === 'POST' && parts.length === 1 && parts[0] === 'snapshots') {
      let input: { VolumeSize?: number; ParentSnapshotId?: string; ClientToken?: string; Encrypted?: boolean; Tags?: Array<{ Key: string; Value: string }>; Description?: string };
      try {
        input = JSON.parse(body.toString('utf8')) as typeof input;
      } catch {
        return fail(res, 400, 'ValidationException', 'body is not JSON');
      }
      if (!Number.isInteger(input.VolumeSize) || input.VolumeSize! < 1 || input.VolumeSize! > 65536) return fail(res, 400, 'ValidationException', 'VolumeSize must be 1..65536 GiB', 'INVALID_VOLUME_SIZE');
      const existing = input.ClientToken ? byToken.get(input.ClientToken) : undefined;
      let snap = existing;
      if (!snap) {
        let parent: FakeSnapshot | null = null;
        if (input.ParentSnapshotId) {
          parent = snapshots.get(input.ParentSnapshotId) ?? null;
          if (!parent) return fail(res, 404, 'ResourceNotFoundException', 'parent snapshot not found', 'SNAPSHOT_NOT_FOUND');
          if (parent.status !== 'completed') return fail(res, 400, 'ValidationException', 'parent snapshot is not completed', 'INVALID_PARENT_SNAPSHOT_ID');
          if (input.VolumeSize! < parent.volumeSize) return fail(res, 400, 'ValidationException', 'volume smaller than the parent', 'INVALID_VOLUME_SIZE');
        }
        snap = { id: `snap-${randomBytes(8).toString('hex')}`, parent, volumeSize: input.VolumeSize!, status: 'pending', encrypted: input.Encrypted === true, tags: input.Tags ?? [], blocks: new Map(), ...(input.ClientToken ? { clientToken: input.ClientToken } : {}) };
        snapshots.set(snap.id, snap);
        if (input.ClientToken) byToken.set(input.ClientToken, snap);
      }
      return send(res, 201, {
        SnapshotId: snap.id,
        OwnerId: '111122223333',
        Status: snap.status,
        StartTime: Date.now() / 1000,
        VolumeSize: snap.volumeSize,
        BlockSize: FAKE_EBS_BLOCK_SIZE,
        Tags: snap.tags,
        ...(snap.parent ? { ParentSnapshotId: snap.parent.id } : {}),
        SseType: snap.encrypted ? 'sse-ebs' : 'none',
      });
    }
    // CompleteSnapshot
    if (req.method === 'POST' && parts.length === 3 && parts[0] === 'snapshots' && parts[1] === 'completion') {
      const snap = snapshots.get(parts[2]!);
      if (!snap) return fail(res, 404, 'ResourceNotFoundException', 'snapshot not found', 'SNAPSHOT_NOT_FOUND');
      const changed = Number(h('x-amz-ChangedBlocksCount'));
      if (!Number.isInteger(changed) || changed !== snap.blocks.size) return fail(res, 400, 'ValidationException', `ChangedBlocksCount ${h('x-amz-ChangedBlocksCount')} but ${snap.blocks.size} blocks were written`, 'INVALID_CHANGED_BLOCKS_COUNT');
      if (snap.status === 'pending') snap.status = 'completed';
      return send(res, 202, { Status: snap.status });
    }
    if (parts[0] !== 'snapshots' || parts.length < 3 || parts[2] !== 'blocks') return fail(res, 404, 'ResourceNotFoundException', 'no such API');
    const snap = snapshots.get(parts[1]!);
    if (!snap) return fail(res, 404, 'ResourceNotFoundException', 'snapshot not found', 'SNAPSHOT_NOT_FOUND');
    const maxBlocks = (snap.volumeSize * 2 ** 30) / FAKE_EBS_BLOCK_SIZE;
    // ListSnapshotBlocks
    if (req.method === 'GET' && parts.length === 3) {
      const from = Number(url.searchParams.get('startingBlockIndex') ?? url.searchParams.get('pageToken') ?? 0);
      const max = Math.min(10000, Number(url.searchParams.get('maxResults') ?? 10000));
      const indexes = allBlocks(snap).filter((i) => i >= from);
      const page = indexes.slice(0, max);
      const Blocks = page.map((BlockIndex) => {
        const BlockToken = randomBytes(12).toString('hex');
        tokens.set(BlockToken, { snapshotId: snap.id, index: BlockIndex });
        return { BlockIndex, BlockToken };
      });
      return send(res, 200, { Blocks, VolumeSize: snap.volumeSize, BlockSize: FAKE_EBS_BLOCK_SIZE, ExpiryTime: Date.now() / 1000 + 3600, ...(indexes.length > max ? { NextToken: String(indexes[max]) } : {}) });
    }
    const index = Number(parts[3]);
    if (parts.length !== 4 || !Number.isInteger(index) || index < 0 || index >= maxBlocks) return fail(res, 400, 'ValidationException', 'block index out of range', 'INVALID_BLOCK');
    // GetSnapshotBlock
    if (req.method === 'GET') {
      const t = tokens.get(url.searchParams.get('blockToken') ?? '');
      if (!t || t.index !== index) return fail(res, 400, 'ValidationException', 'invalid block token', 'INVALID_BLOCK_TOKEN');
      const data = blockOf(snap, index) ?? Buffer.alloc(FAKE_EBS_BLOCK_SIZE);
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': data.length, 'x-amz-Data-Length': String(data.length), 'x-amz-Checksum': createHash('sha256').update(data).digest('base64'), 'x-amz-Checksum-Algorithm': 'SHA256' });
      res.end(data);
      return;
    }
    // PutSnapshotBlock
    if (req.method === 'PUT') {
      if (snap.status !== 'pending') return fail(res, 400, 'ValidationException', 'snapshot is not pending', 'INVALID_SNAPSHOT_STATE');
      if (h('x-amz-Checksum-Algorithm') !== 'SHA256') return fail(res, 400, 'ValidationException', 'checksum algorithm must be SHA256', 'INVALID_CHECKSUM_ALGORITHM');
      if (Number(h('x-amz-Data-Length')) !== FAKE_EBS_BLOCK_SIZE || body.length !== FAKE_EBS_BLOCK_SIZE) return fail(res, 400, 'ValidationException', 'a block must be 524288 bytes', 'INVALID_BLOCK');
      const sum = createHash('sha256').update(body).digest('base64');
      if (h('x-amz-Checksum') !== sum) return fail(res, 400, 'ValidationException', 'checksum mismatch', 'INVALID_CHECKSUM');
      await options.beforePut?.(snap.id, index);
      snap.blocks.set(index, Buffer.from(body));
      puts.push({ snapshotId: snap.id, index });
      res.writeHead(201, { 'x-amz-Checksum': sum, 'x-amz-Checksum-Algorithm': 'SHA256', 'content-length': 0 });
      res.end();
      return;
    }
    return fail(res, 405, 'ValidationException', 'method not allowed');
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    puts,
    snapshots,
    read(snapshotId, bytes) {
      const snap = snapshots.get(snapshotId);
      if (!snap) throw new Error(`fake EBS: no snapshot ${snapshotId}`);
      const total = bytes ?? snap.volumeSize * 2 ** 30;
      const out = Buffer.alloc(total);
      for (const i of allBlocks(snap)) {
        const off = i * FAKE_EBS_BLOCK_SIZE;
        if (off < total) blockOf(snap, i)!.copy(out, off, 0, Math.min(FAKE_EBS_BLOCK_SIZE, total - off));
      }
      return out;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
