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
 * and, on the same port, the EC2 Query API (form-encoded POST /, XML answers) for AMIs:
 *   ImportImage (DiskContainer.N.SnapshotId, or .UserBucket read through `s3Object`; ClientToken idempotency),
 *   DescribeImportImageTasks (active → completed after `importSteps` describes; `importFailure` ends it `deleted`
 *   with that status message, as VM Import does; each task lists the tags ImportImage gave it), CancelImportTask (an
 *   active task ends `deleted`, its copies gone; any other state is refused), RegisterImage (snapshots must exist and be completed; unique names),
 *   DescribeImages (Owner self, ImageId.N, Filter.N tag:K / name), DeregisterImage, DeleteSnapshot, CreateTags.
 * It does not check SigV4 signatures (only that an Authorization header is present; each PutSnapshotBlock's access key,
 * from its `Credential=AKID/…`, is recorded). Tests read snapshots back with `read(snapshotId)`, see every
 * PutSnapshotBlock in `puts`, every EC2 action in `ec2Calls`, images in `images`.
 */
import http from 'node:http';
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdtempSync, openSync, readSync, rmdirSync, unlinkSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';

export const FAKE_EBS_BLOCK_SIZE = 524288;

/** An AMI id as AWS writes them today: `ami-` and 17 hex digits (the plan's AMI check accepts 8 or 17). */
const amiId = () => `ami-${randomBytes(9).toString('hex').slice(0, 17)}`;

interface FakeSnapshot {
  id: string;
  parent: FakeSnapshot | null;
  volumeSize: number;
  status: 'pending' | 'completed' | 'error';
  encrypted: boolean;
  tags: Array<{ Key: string; Value: string }>;
  /** Block index → slot in the block store (see blockStore). */
  blocks: Map<number, number>;
  clientToken?: string;
}

export interface FakeEbsOptions {
  /** Awaited before each PutSnapshotBlock is answered (tests slow the run down or act in the middle of it). */
  readonly beforePut?: (snapshotId: string, index: number) => Promise<void> | void;
  /** A faulty store: the PutSnapshotBlock is answered 201 but the block is kept with a flipped byte (the integrity check must see it). */
  corruptBlock?: (snapshotId: string, index: number) => boolean;
  /** DescribeImportImageTasks calls that answer `active` before the task completes (default 2). */
  readonly importSteps?: number;
  /** When set, import tasks fail with this status message (after `importSteps` describes). */
  importFailure?: string;
  /**
   * Awaited before an EC2 action is answered (after it is counted in `ec2Calls`): tests kill the client in the middle
   * of the AMI step, or hold DescribeImportImageTasks until they have seen the importing state.
   */
  beforeEc2?: (action: string, params: Record<string, string>) => Promise<void> | void;
  /** ImportImage from S3: the object's bytes (raw disk), e.g. read from radosgw; absent → the fake refuses S3 sources. */
  readonly s3Object?: (bucket: string, key: string) => Promise<Buffer>;
  /**
   * Blocks' worth of store allocated when the fake starts (written with zeros), so that storing that many blocks
   * later only copies them. On tmpfs, storing into new pages also costs the fake their allocation and zeroing, and
   * page faults: in the 8 GiB benchmark that made the fake's CPU vary from 20 to 60 s for the same 8,192 blocks, on
   * the client's cores. EBS's storage is not allocated by the client's machine either. Default 0.
   */
  readonly preallocateBlocks?: number;
}

export interface FakeImage {
  id: string;
  name: string;
  creationDate: string;
  snapshotIds: string[];
  encrypted: boolean;
  kmsKeyId?: string;
  tags: Map<string, string>;
  state: 'available' | 'deregistered';
  source: 'import' | 'register';
  licenseType?: string;
  platform?: string;
  bootMode?: string;
  enaSupport?: boolean;
}

export interface FakeImportTask {
  id: string;
  clientToken?: string;
  describes: number;
  status: 'active' | 'completed' | 'deleted';
  statusMessage: string;
  imageId?: string;
  params: Record<string, string>;
}

export interface FakeEbs {
  readonly url: string;
  /**
   * Every PutSnapshotBlock answered, in the order answered: `accessKeyId` is the SigV4 Authorization header's
   * `Credential=AKID/…` (the signature itself is not checked), `arrived` the time (ms) its request began to arrive.
   */
  readonly puts: Array<{ snapshotId: string; index: number; accessKeyId: string; arrived: number }>;
  readonly snapshots: Map<string, FakeSnapshot>;
  readonly images: Map<string, FakeImage>;
  readonly importTasks: Map<string, FakeImportTask>;
  readonly ec2Calls: Array<{ action: string; params: Record<string, string> }>;
  /** Import options that tests change between runs (failure on and off). */
  readonly options: FakeEbsOptions;
  /** The snapshot's logical content (through its parents), `bytes` long (default: its volume size). */
  read(snapshotId: string, bytes?: number): Buffer;
  /** Resolves once no request is being handled (a request whose client is gone is still handled to its end). */
  idle(): Promise<void>;
  close(): Promise<void>;
}

/** A request body as the handler sees it; a PutSnapshotBlock body may already be in a store slot, hashed. */
interface Received {
  readonly body: Buffer | null;
  /** base64 SHA-256 of the body, computed while it arrived. */
  readonly sha256?: string;
  /** The block store slot holding the body; `kept` once a snapshot refers to it. */
  readonly slot?: number;
  kept?: boolean;
  /** When the request began to arrive (ms). */
  readonly arrived: number;
}

/**
 * Block storage in one unlinked temporary file, a 512 KiB slot per stored block: a PutSnapshotBlock body is written
 * to its slot as it arrives (the kernel's page cache holds it; no per-block buffer on this process's heap, which
 * matters when a benchmark stores gigabytes). Slots of refused requests are reused; the file goes with `close`.
 * The file is in /dev/shm where there is one (tmpfs): on a disk, gigabytes of dirty pages are written back, and past
 * the kernel's dirty limit every write of this one-threaded fake waits for the disk, which a benchmark would then
 * measure instead of the client. Elsewhere, the temp folder. `preallocateBlocks` slots are written with zeros first.
 */
function blockStore(preallocateBlocks = 0) {
  const base = existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir();
  const file = path.join(mkdtempSync(path.join(base, 'mwb-fake-ebs-')), 'blocks');
  const fd = openSync(file, 'w+', 0o600);
  unlinkSync(file);
  rmdirSync(path.dirname(file));
  if (preallocateBlocks > 0) {
    const zeros = Buffer.alloc(64 * 1024 * 1024);
    const end = preallocateBlocks * FAKE_EBS_BLOCK_SIZE;
    for (let at = 0; at < end; at += zeros.length) writeSync(fd, zeros, 0, Math.min(zeros.length, end - at), at);
  }
  const free: number[] = [];
  let next = 0;
  return {
    take: (): number => free.pop() ?? next++,
    give(slot: number): void {
      if (!free.includes(slot)) free.push(slot);
    },
    write(slot: number, at: number, data: Buffer): void {
      for (let done = 0; done < data.length; ) done += writeSync(fd, data, done, data.length - done, slot * FAKE_EBS_BLOCK_SIZE + at + done);
    },
    put(data: Buffer): number {
      const slot = free.pop() ?? next++;
      this.write(slot, 0, data);
      return slot;
    },
    read(slot: number): Buffer {
      const out = Buffer.alloc(FAKE_EBS_BLOCK_SIZE);
      readSync(fd, out, 0, FAKE_EBS_BLOCK_SIZE, slot * FAKE_EBS_BLOCK_SIZE);
      return out;
    },
    close: () => closeSync(fd),
  };
}
type BlockStore = ReturnType<typeof blockStore>;

function slotOf(s: FakeSnapshot | null, index: number): number | undefined {
  for (let x = s; x; x = x.parent) {
    const b = x.blocks.get(index);
    if (b !== undefined) return b;
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
  const puts: FakeEbs['puts'] = [];
  const tokens = new Map<string, { snapshotId: string; index: number }>();

  const send = (res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
    res.end(text);
  };
  const fail = (res: http.ServerResponse, status: number, type: string, message: string, reason?: string) =>
    send(res, status, { Message: message, ...(reason ? { Reason: reason } : {}) }, { 'x-amzn-errortype': type });

  const images = new Map<string, FakeImage>();
  const importTasks = new Map<string, FakeImportTask>();
  const ec2Calls: Array<{ action: string; params: Record<string, string> }> = [];
  const ec2 = fakeEc2({ snapshots, images, importTasks, ec2Calls, options, store: () => store });

  const store = blockStore(options.preallocateBlocks);
  let handling = 0;
  const idleWaiters: Array<() => void> = [];
  const server = http.createServer((req, res) => {
    // A PutSnapshotBlock body goes straight to a store slot and is hashed as it arrives (one pass, no buffering);
    // every check below still runs on the whole body. Other requests are small and buffered.
    const arrived = Date.now();
    const put = req.method === 'PUT' && req.headers['content-length'] === String(FAKE_EBS_BLOCK_SIZE);
    const slot = put ? store.take() : undefined;
    const hash = put ? createHash('sha256') : undefined;
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      if (size + c.length > FAKE_EBS_BLOCK_SIZE + 65536) {
        size += c.length;
        req.destroy();
        return;
      }
      if (slot !== undefined && size + c.length <= FAKE_EBS_BLOCK_SIZE) {
        store.write(slot, size, c);
        hash!.update(c);
      } else chunks.push(c);
      size += c.length;
    });
    let ended = false;
    // A request cut off before its end never reaches the handler: its slot is free again.
    req.on('close', () => {
      if (slot !== undefined && !ended) store.give(slot);
    });
    req.on('end', () => {
      ended = true;
      // A body longer than its Content-Length said is refused below (the slot holds only part of it).
      const inSlot = slot !== undefined && chunks.length === 0 && size === FAKE_EBS_BLOCK_SIZE;
      const received: Received = inSlot ? { body: null, sha256: hash!.digest('base64'), slot, arrived } : { body: Buffer.concat(chunks), arrived };
      handling++;
      void handle(req, res, received)
        .then(
          () => {
            if (slot !== undefined && !received.kept) store.give(slot);
          },
          () => fail(res, 500, 'InternalServerException', 'fake: internal error'),
        )
        .finally(() => {
          if (--handling === 0) for (const w of idleWaiters.splice(0)) w();
        });
    });
  });

  async function handle(req: http.IncomingMessage, res: http.ServerResponse, received: Received): Promise<void> {
    const body = received.body ?? Buffer.alloc(0);
    const bodyLength = received.slot !== undefined ? FAKE_EBS_BLOCK_SIZE : body.length;
    if (!req.headers.authorization) return fail(res, 403, 'AccessDeniedException', 'missing Authorization', 'UNAUTHORIZED_ACCOUNT');
    const url = new URL(req.url ?? '/', 'http://fake');
    if (req.method === 'POST' && url.pathname === '/' && /x-www-form-urlencoded/.test(req.headers['content-type'] ?? '')) return ec2(res, body);
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
      const slot = slotOf(snap, index);
      const data = slot === undefined ? Buffer.alloc(FAKE_EBS_BLOCK_SIZE) : store.read(slot);
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': data.length, 'x-amz-Data-Length': String(data.length), 'x-amz-Checksum': createHash('sha256').update(data).digest('base64'), 'x-amz-Checksum-Algorithm': 'SHA256' });
      res.end(data);
      return;
    }
    // PutSnapshotBlock
    if (req.method === 'PUT') {
      if (snap.status !== 'pending') return fail(res, 400, 'ValidationException', 'snapshot is not pending', 'INVALID_SNAPSHOT_STATE');
      if (h('x-amz-Checksum-Algorithm') !== 'SHA256') return fail(res, 400, 'ValidationException', 'checksum algorithm must be SHA256', 'INVALID_CHECKSUM_ALGORITHM');
      if (Number(h('x-amz-Data-Length')) !== FAKE_EBS_BLOCK_SIZE || bodyLength !== FAKE_EBS_BLOCK_SIZE) return fail(res, 400, 'ValidationException', 'a block must be 524288 bytes', 'INVALID_BLOCK');
      const sum = received.sha256 ?? createHash('sha256').update(body).digest('base64');
      if (h('x-amz-Checksum') !== sum) return fail(res, 400, 'ValidationException', 'checksum mismatch', 'INVALID_CHECKSUM');
      await options.beforePut?.(snap.id, index);
      // The body is already in its slot: kept there (a buffered body is written to a new one).
      const stored = received.slot ?? store.put(body);
      received.kept = received.slot !== undefined;
      if (options.corruptBlock?.(snap.id, index)) {
        const data = store.read(stored);
        data[0] = data[0]! ^ 0xff;
        store.write(stored, 0, data.subarray(0, 1));
      }
      snap.blocks.set(index, stored);
      puts.push({ snapshotId: snap.id, index, accessKeyId: /Credential=([^/,\s]+)\//.exec(req.headers.authorization)?.[1] ?? '', arrived: received.arrived });
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
    images,
    importTasks,
    ec2Calls,
    options,
    read(snapshotId, bytes) {
      const snap = snapshots.get(snapshotId);
      if (!snap) throw new Error(`fake EBS: no snapshot ${snapshotId}`);
      const total = bytes ?? snap.volumeSize * 2 ** 30;
      const out = Buffer.alloc(total);
      for (const i of allBlocks(snap)) {
        const off = i * FAKE_EBS_BLOCK_SIZE;
        if (off < total) store.read(slotOf(snap, i)!).copy(out, off, 0, Math.min(FAKE_EBS_BLOCK_SIZE, total - off));
      }
      return out;
    },
    idle: () => (handling === 0 ? Promise.resolve() : new Promise<void>((resolve) => idleWaiters.push(resolve))),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          store.close();
          resolve();
        });
      }),
  };
}

const xmlEscape = (v: string) => v.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const NS = 'http://ec2.amazonaws.com/doc/2016-11-15/';

/** An import task's tags, from ImportImage's `TagSpecification.N` for `import-image-task`. */
function taskTags(p: Record<string, string>): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (let n = 1; p[`TagSpecification.${n}.ResourceType`] !== undefined; n++) {
    if (p[`TagSpecification.${n}.ResourceType`] !== 'import-image-task') continue;
    for (let i = 1; p[`TagSpecification.${n}.Tag.${i}.Key`] !== undefined; i++) out.push([p[`TagSpecification.${n}.Tag.${i}.Key`]!, p[`TagSpecification.${n}.Tag.${i}.Value`] ?? '']);
  }
  return out;
}

/** The EC2 Query API part of the fake (AMIs from snapshots). */
function fakeEc2(state: { snapshots: Map<string, FakeSnapshot>; images: Map<string, FakeImage>; importTasks: Map<string, FakeImportTask>; ec2Calls: Array<{ action: string; params: Record<string, string> }>; options: FakeEbsOptions; store: () => BlockStore }) {
  const { snapshots, images, importTasks, ec2Calls, options } = state;
  const byImportToken = new Map<string, FakeImportTask>();
  let clock = Date.parse('2026-01-01T00:00:00Z');
  const reply = (res: http.ServerResponse, action: string, inner: string) => {
    const text = `<?xml version="1.0" encoding="UTF-8"?>\n<${action}Response xmlns="${NS}"><requestId>${randomBytes(8).toString('hex')}</requestId>${inner}</${action}Response>`;
    res.writeHead(200, { 'content-type': 'text/xml;charset=UTF-8', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  };
  const error = (res: http.ServerResponse, status: number, code: string, message: string) => {
    const text = `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>${xmlEscape(code)}</Code><Message>${xmlEscape(message)}</Message></Error></Errors><RequestID>${randomBytes(8).toString('hex')}</RequestID></Response>`;
    res.writeHead(status, { 'content-type': 'text/xml;charset=UTF-8', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  };
  const list = (p: Record<string, string>, prefix: string) => {
    const out: string[] = [];
    for (let i = 1; p[`${prefix}.${i}`] !== undefined; i++) out.push(p[`${prefix}.${i}`]!);
    return out;
  };
  const copySnapshot = (from: FakeSnapshot, encrypted: boolean): FakeSnapshot => {
    const blocks = new Map<number, number>();
    for (const i of allBlocks(from)) blocks.set(i, slotOf(from, i)!);
    const snap: FakeSnapshot = { id: `snap-${randomBytes(8).toString('hex')}`, parent: null, volumeSize: from.volumeSize, status: 'completed', encrypted, tags: [], blocks };
    snapshots.set(snap.id, snap);
    return snap;
  };
  const imageXml = (img: FakeImage) =>
    `<item><imageId>${img.id}</imageId><name>${xmlEscape(img.name)}</name><imageState>${img.state}</imageState><creationDate>${img.creationDate}</creationDate><imageOwnerId>111122223333</imageOwnerId><isPublic>false</isPublic><architecture>x86_64</architecture><imageType>machine</imageType><rootDeviceType>ebs</rootDeviceType><rootDeviceName>/dev/sda1</rootDeviceName><virtualizationType>hvm</virtualizationType>${img.enaSupport ? '<enaSupport>true</enaSupport>' : ''}${img.bootMode ? `<bootMode>${img.bootMode}</bootMode>` : ''}<blockDeviceMapping>${img.snapshotIds.map((sid, i) => `<item><deviceName>${i === 0 ? '/dev/sda1' : `/dev/sd${String.fromCharCode(97 + i)}`}</deviceName><ebs><snapshotId>${sid}</snapshotId><encrypted>${img.encrypted}</encrypted><deleteOnTermination>true</deleteOnTermination></ebs></item>`).join('')}</blockDeviceMapping><tagSet>${[...img.tags].map(([k, v]) => `<item><key>${xmlEscape(k)}</key><value>${xmlEscape(v)}</value></item>`).join('')}</tagSet></item>`;

  return async (res: http.ServerResponse, body: Buffer): Promise<void> => {
    const params = Object.fromEntries(new URLSearchParams(body.toString('utf8')));
    const action = params.Action ?? '';
    if (params.Version !== '2016-11-15') return error(res, 400, 'InvalidParameterValue', 'unsupported API version');
    ec2Calls.push({ action, params });
    await options.beforeEc2?.(action, params);
    switch (action) {
      case 'ImportImage': {
        const token = params.ClientToken;
        const existing = token ? byImportToken.get(token) : undefined;
        if (existing) return reply(res, action, `<importTaskId>${existing.id}</importTaskId><status>${existing.status}</status><statusMessage>${existing.statusMessage}</statusMessage>`);
        const sources: Array<{ snapshot?: FakeSnapshot; bucket?: string; key?: string }> = [];
        for (let i = 1; params[`DiskContainer.${i}.SnapshotId`] !== undefined || params[`DiskContainer.${i}.UserBucket.S3Bucket`] !== undefined; i++) {
          const sid = params[`DiskContainer.${i}.SnapshotId`];
          if (sid) {
            const snap = snapshots.get(sid);
            if (!snap) return error(res, 400, 'InvalidSnapshot.NotFound', `The snapshot '${sid}' does not exist.`);
            if (snap.status !== 'completed') return error(res, 400, 'IncorrectState', `The snapshot '${sid}' is not completed.`);
            sources.push({ snapshot: snap });
          } else {
            if (!options.s3Object) return error(res, 400, 'InvalidParameter', 'this fake imports from S3 only when given s3Object');
            sources.push({ bucket: params[`DiskContainer.${i}.UserBucket.S3Bucket`]!, key: params[`DiskContainer.${i}.UserBucket.S3Key`] ?? '' });
          }
        }
        if (sources.length === 0) return error(res, 400, 'InvalidParameter', 'no disk containers');
        if (params.LicenseType && !['AWS', 'BYOL'].includes(params.LicenseType)) return error(res, 400, 'InvalidParameterValue', 'LicenseType must be AWS or BYOL');
        if (params.Platform && !['Windows', 'Linux'].includes(params.Platform)) return error(res, 400, 'InvalidParameterValue', 'Platform must be Windows or Linux');
        if (params.BootMode && !['legacy-bios', 'uefi', 'uefi-preferred'].includes(params.BootMode)) return error(res, 400, 'InvalidParameterValue', 'bad BootMode');
        if (params.KmsKeyId && params.Encrypted !== 'true') return error(res, 400, 'InvalidParameter', 'KmsKeyId needs Encrypted');
        const task: FakeImportTask = { id: `import-ami-${randomBytes(8).toString('hex')}`, describes: 0, status: 'active', statusMessage: 'pending', params, ...(token ? { clientToken: token } : {}) };
        importTasks.set(task.id, task);
        if (token) byImportToken.set(token, task);
        // The image's content is fixed when the task starts (snapshot copies; S3 objects read now).
        const encrypted = params.Encrypted === 'true';
        const made: FakeSnapshot[] = [];
        for (const src of sources) {
          if (src.snapshot) made.push(copySnapshot(src.snapshot, encrypted));
          else {
            let data: Buffer;
            try {
              data = await options.s3Object!(src.bucket!, src.key!);
            } catch {
              task.status = 'deleted';
              task.statusMessage = `ClientError: Unable to read the S3 object s3://${src.bucket}/${src.key}`;
              return reply(res, action, `<importTaskId>${task.id}</importTaskId><status>active</status><statusMessage>pending</statusMessage>`);
            }
            const blocks = new Map<number, number>();
            for (let off = 0; off < data.length; off += FAKE_EBS_BLOCK_SIZE) {
              const b = Buffer.alloc(FAKE_EBS_BLOCK_SIZE);
              data.copy(b, 0, off, Math.min(data.length, off + FAKE_EBS_BLOCK_SIZE));
              if (b.some((x) => x !== 0)) blocks.set(off / FAKE_EBS_BLOCK_SIZE, state.store().put(b));
            }
            const snap: FakeSnapshot = { id: `snap-${randomBytes(8).toString('hex')}`, parent: null, volumeSize: Math.max(1, Math.ceil(data.length / 2 ** 30)), status: 'completed', encrypted, tags: [], blocks };
            snapshots.set(snap.id, snap);
            made.push(snap);
          }
        }
        (task as FakeImportTask & { made?: FakeSnapshot[] }).made = made;
        return reply(res, action, `<importTaskId>${task.id}</importTaskId><status>active</status><statusMessage>pending</statusMessage>${params.LicenseType ? `<licenseType>${params.LicenseType}</licenseType>` : ''}${params.Platform ? `<platform>${params.Platform}</platform>` : ''}<encrypted>${encrypted}</encrypted>`);
      }
      case 'DescribeImportImageTasks': {
        const ids = list(params, 'ImportTaskId');
        const tasks = ids.length ? ids.map((id) => importTasks.get(id)) : [...importTasks.values()];
        if (tasks.some((t) => !t)) return error(res, 400, 'InvalidConversionTaskId.Malformed', 'no such import task');
        for (const t of tasks as FakeImportTask[]) {
          if (t.status !== 'active') continue;
          t.describes++;
          const steps = options.importSteps ?? 2;
          const messages = ['pending', 'validating', 'converting', 'updating', 'booting', 'preparing ami'];
          t.statusMessage = messages[Math.min(messages.length - 1, t.describes)]!;
          if (t.describes <= steps) continue;
          const made = (t as FakeImportTask & { made?: FakeSnapshot[] }).made ?? [];
          if (options.importFailure) {
            t.status = 'deleted';
            t.statusMessage = options.importFailure;
            for (const m of made) snapshots.delete(m.id);
            continue;
          }
          clock += 60_000;
          const img: FakeImage = { id: amiId(), name: `import-ami-${t.id.slice(11)}`, creationDate: new Date(clock).toISOString(), snapshotIds: made.map((m) => m.id), encrypted: t.params.Encrypted === 'true', ...(t.params.KmsKeyId ? { kmsKeyId: t.params.KmsKeyId } : {}), tags: new Map(), state: 'available', source: 'import', ...(t.params.LicenseType ? { licenseType: t.params.LicenseType } : {}), ...(t.params.Platform ? { platform: t.params.Platform } : {}), ...(t.params.BootMode ? { bootMode: t.params.BootMode } : {}) };
          images.set(img.id, img);
          t.status = 'completed';
          t.statusMessage = '';
          t.imageId = img.id;
        }
        const items = (tasks as FakeImportTask[]).map((t) => `<item><importTaskId>${t.id}</importTaskId><status>${t.status}</status>${t.statusMessage ? `<statusMessage>${xmlEscape(t.statusMessage)}</statusMessage>` : ''}${t.status === 'active' ? `<progress>${Math.min(99, t.describes * 20)}</progress>` : ''}${t.imageId ? `<imageId>${t.imageId}</imageId>` : ''}<tagSet>${taskTags(t.params).map(([k, v]) => `<item><key>${xmlEscape(k)}</key><value>${xmlEscape(v)}</value></item>`).join('')}</tagSet></item>`);
        return reply(res, action, `<importImageTaskSet>${items.join('')}</importImageTaskSet>`);
      }
      case 'CancelImportTask': {
        // VM Import stops the task and deletes what it made; only a task still working can be cancelled.
        const t = importTasks.get(params.ImportTaskId ?? '');
        if (!t) return error(res, 400, 'InvalidConversionTaskId.Malformed', 'no such import task');
        if (t.status !== 'active') return error(res, 400, 'IncorrectState', `The import task ${t.id} cannot be cancelled: it is ${t.status}.`);
        for (const m of (t as FakeImportTask & { made?: FakeSnapshot[] }).made ?? []) snapshots.delete(m.id);
        t.status = 'deleted';
        t.statusMessage = params.CancelReason ? `Cancelled: ${params.CancelReason}` : 'Cancelled';
        return reply(res, action, `<importTaskId>${t.id}</importTaskId><previousState>active</previousState><state>deleting</state>`);
      }
      case 'RegisterImage': {
        const name = params.Name ?? '';
        if (!/^[A-Za-z0-9()[\] ./'@_-]{3,128}$/.test(name)) return error(res, 400, 'InvalidAMIName.Malformed', 'AMI names must be 3 to 128 of letters, numbers, ( ) [ ] space . / - \' @ _');
        if ([...images.values()].some((i) => i.name === name && i.state === 'available')) return error(res, 400, 'InvalidAMIName.Duplicate', `AMI name ${name} is already in use`);
        if (params.VirtualizationType && params.VirtualizationType !== 'hvm') return error(res, 400, 'InvalidParameterValue', 'only hvm');
        if (!params.RootDeviceName) return error(res, 400, 'MissingParameter', 'RootDeviceName is required');
        const sids: string[] = [];
        for (let i = 1; params[`BlockDeviceMapping.${i}.DeviceName`] !== undefined; i++) {
          const sid = params[`BlockDeviceMapping.${i}.Ebs.SnapshotId`];
          if (!sid) return error(res, 400, 'InvalidParameter', 'each mapping needs a snapshot');
          const snap = snapshots.get(sid);
          if (!snap) return error(res, 400, 'InvalidSnapshot.NotFound', `The snapshot '${sid}' does not exist.`);
          if (snap.status !== 'completed') return error(res, 400, 'IncorrectState', `The snapshot '${sid}' is not completed.`);
          sids.push(sid);
        }
        if (sids.length === 0 || params['BlockDeviceMapping.1.DeviceName'] !== params.RootDeviceName) return error(res, 400, 'InvalidBlockDeviceMapping', 'the root device needs a snapshot');
        clock += 60_000;
        const img: FakeImage = { id: amiId(), name, creationDate: new Date(clock).toISOString(), snapshotIds: sids, encrypted: snapshots.get(sids[0]!)!.encrypted, tags: new Map(), state: 'available', source: 'register', ...(params.BootMode ? { bootMode: params.BootMode } : {}), enaSupport: params.EnaSupport === 'true' };
        images.set(img.id, img);
        return reply(res, action, `<imageId>${img.id}</imageId>`);
      }
      case 'DescribeImages': {
        const ids = list(params, 'ImageId');
        const filters: Array<{ name: string; values: string[] }> = [];
        for (let i = 1; params[`Filter.${i}.Name`] !== undefined; i++) filters.push({ name: params[`Filter.${i}.Name`]!, values: list(params, `Filter.${i}.Value`) });
        let found = [...images.values()].filter((i) => i.state === 'available');
        if (ids.length) {
          const missing = ids.find((id) => !images.has(id));
          if (missing) return error(res, 400, 'InvalidAMIID.NotFound', `The image id '[${missing}]' does not exist`);
          found = found.filter((i) => ids.includes(i.id));
        }
        for (const f of filters) {
          if (f.name === 'name') found = found.filter((i) => f.values.includes(i.name));
          else if (f.name.startsWith('tag:')) found = found.filter((i) => f.values.includes(i.tags.get(f.name.slice(4)) ?? '\u0000'));
          else return error(res, 400, 'InvalidParameterValue', `filter ${f.name} is not supported by this fake`);
        }
        return reply(res, action, `<imagesSet>${found.map(imageXml).join('')}</imagesSet>`);
      }
      case 'DeregisterImage': {
        const img = images.get(params.ImageId ?? '');
        if (!img || img.state !== 'available') return error(res, 400, 'InvalidAMIID.NotFound', `The image id '[${params.ImageId}]' does not exist`);
        img.state = 'deregistered';
        return reply(res, action, '<return>true</return>');
      }
      case 'DeleteSnapshot': {
        const sid = params.SnapshotId ?? '';
        if (!snapshots.has(sid)) return error(res, 400, 'InvalidSnapshot.NotFound', `The snapshot '${sid}' does not exist.`);
        const inUse = [...images.values()].find((i) => i.state === 'available' && i.snapshotIds.includes(sid));
        if (inUse) return error(res, 400, 'InvalidSnapshot.InUse', `The snapshot ${sid} is currently in use by ${inUse.id}`);
        snapshots.delete(sid);
        return reply(res, action, '<return>true</return>');
      }
      case 'CreateTags': {
        const ids = list(params, 'ResourceId');
        for (const id of ids) {
          const img = images.get(id);
          if (!img) return error(res, 400, 'InvalidAMIID.NotFound', `The image id '[${id}]' does not exist`);
          for (let i = 1; params[`Tag.${i}.Key`] !== undefined; i++) img.tags.set(params[`Tag.${i}.Key`]!, params[`Tag.${i}.Value`] ?? '');
        }
        return reply(res, action, '<return>true</return>');
      }
      default:
        return error(res, 400, 'InvalidAction', `The action ${action.slice(0, 60)} is not valid for this web service.`);
    }
  };
}
