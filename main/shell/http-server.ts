import http from 'node:http';
import { promises as fs, createReadStream, createWriteStream } from 'node:fs';
import { randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import path from 'node:path';
import os from 'node:os';
import { pipeline } from 'node:stream/promises';
import { z } from 'zod';
import { dispatch } from '../ipc/dispatch';
import type { Handlers } from '../ipc/handlers/types';
import type { EventHub } from '../platform/events';
import type { Logger } from '../platform/logger';
import { CONTENT_SECURITY_POLICY } from '../common/util/csp';
import type { WorkbenchErrorCode } from '../common/model/errors';

export interface ShellServerOptions {
  handlers: Handlers;
  events: EventHub;
  logger: Logger;
  /** Folder with the built renderer (index.html + assets). */
  staticDir: string;
  port?: number;
  /** Fixed token for tests; a random one otherwise. */
  token?: string;
  maxJsonBytes?: number;
  maxUploadBytes?: number;
  uploadDir?: string;
  /** Uploads kept at once (oldest unused ones are deleted first): default 64 files, 16 GiB. */
  maxKeptUploads?: number;
  maxKeptUploadBytes?: number;
  /** Open event streams (default 32): more answer 503. */
  maxEventStreams?: number;
  /** Open connections (default 128): more are closed at once. */
  maxConnections?: number;
  /** A request's headers must arrive within this (default 10 s). */
  headersTimeoutMs?: number;
  /** A request body that sends nothing for this long is dropped (default 10 s). */
  bodyIdleTimeoutMs?: number;
}

export interface ShellServer {
  readonly port: number;
  readonly origin: string;
  readonly token: string;
  /** URL a browser opens: the token travels in the fragment, which is never sent to a server or logged. */
  readonly url: string;
  close(): Promise<void>;
}

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

const SECURITY_HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Cache-Control': 'no-store',
};

const UploadQuerySchema = z.object({ name: z.string().min(1).max(255) });

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

function sendError(res: http.ServerResponse, status: number, code: string, message: string, headers: http.OutgoingHttpHeaders = {}): void {
  const text = JSON.stringify({ ok: false, error: { code, message } });
  res.writeHead(status, { ...SECURITY_HEADERS, ...headers, 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

/**
 * The HTTP status of a failed call, from its typed error code: the request was wrong (400), names nothing
 * (404), conflicts with the state on disk (409), is too large (413), or was understood and cannot be done
 * (422: an unrecognised or corrupt import, an invalid project file, an export the plan does not allow).
 */
const STATUS_BY_CODE: Partial<Record<WorkbenchErrorCode, number>> = {
  'invalid-input': 400,
  'not-found': 404,
  unauthorized: 401,
  'file-changed-on-disk': 409,
  'no-project-path': 409,
  cancelled: 409,
  'import-too-large': 413,
  'file-io': 500,
  internal: 500,
};

/** Status for a typed error code; codes not listed (import-*, file-*, export-invalid, verify-failed, new ones) are 422. */
export function httpStatusForError(code: string): number {
  return STATUS_BY_CODE[code as WorkbenchErrorCode] ?? 422;
}

/** The media type of a Content-Type header (`type/subtype`, lower case, parameters dropped), or '' when malformed. */
export function mediaType(header: string | undefined): string {
  const type = (header ?? '').split(';')[0]!.trim().toLowerCase();
  return /^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+$/.test(type) ? type : '';
}

function safeTokenEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}

/** Channels that consume uploaded files: their uploads are deleted when the call ends. */
const UPLOAD_CONSUMERS = new Set(['inventory.import', 'verify.files', 'mgn.readFiles']);

/** Every string in a JSON value (the paths an invoke names). */
function stringsIn(v: unknown, out: string[] = [], depth = 0): string[] {
  if (depth > 8) return out;
  if (typeof v === 'string') out.push(v);
  else if (Array.isArray(v)) for (const x of v) stringsIn(x, out, depth + 1);
  else if (v && typeof v === 'object') for (const x of Object.values(v)) stringsIn(x, out, depth + 1);
  return out;
}

async function readBody(req: http.IncomingMessage, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw Object.assign(new Error('too large'), { status: 413 });
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/**
 * The browser shell: the renderer bundle and the service API on 127.0.0.1 only. Every API call
 * needs the per-run token (401 without it); requests whose Host or Origin is not this server's
 * own loopback origin are refused (403), which stops DNS rebinding and cross-site requests.
 */
export async function startShellServer(opts: ShellServerOptions): Promise<ShellServer> {
  const token = opts.token ?? randomBytes(24).toString('base64url');
  const maxJson = opts.maxJsonBytes ?? 16 * 1024 * 1024;
  const maxUpload = opts.maxUploadBytes ?? 8 * 1024 ** 3;
  const maxKeptUploads = opts.maxKeptUploads ?? 64;
  const maxKeptBytes = opts.maxKeptUploadBytes ?? 16 * 1024 ** 3;
  const maxStreams = opts.maxEventStreams ?? 32;
  const bodyIdleMs = opts.bodyIdleTimeoutMs ?? 10_000;
  const uploadDir = opts.uploadDir ?? path.join(os.tmpdir(), `mwb-uploads-${process.pid}`);
  const staticRoot = path.resolve(opts.staticDir);
  const streams = new Set<http.ServerResponse>();
  /** Uploads on disk, oldest first: folder → bytes; `inUse` counts the calls reading each. */
  const uploads = new Map<string, number>();
  const inUse = new Map<string, number>();
  let port = 0;

  const allowedHosts = () => new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  const allowedOrigins = () => new Set([`http://127.0.0.1:${port}`, `http://localhost:${port}`]);

  const unsubscribe = opts.events.subscribe((event, payload) => {
    const frame = `event: message\ndata: ${JSON.stringify({ event, payload })}\n\n`;
    for (const res of streams) res.write(frame);
  });

  const authorized = (req: http.IncomingMessage): boolean => {
    const header = req.headers.authorization ?? '';
    const given = header.startsWith('Bearer ') ? header.slice(7) : '';
    return given.length > 0 && safeTokenEqual(given, token);
  };

  async function serveStatic(req: http.IncomingMessage, res: http.ServerResponse, pathname: string): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendError(res, 405, 'method-not-allowed', 'Only GET is allowed here.');
    let rel: string;
    try {
      rel = decodeURIComponent(pathname);
    } catch {
      return sendError(res, 400, 'invalid-input', 'Bad URL encoding.');
    }
    if (rel === '/' || rel === '') rel = '/index.html';
    const file = path.resolve(staticRoot, '.' + rel);
    if (!file.startsWith(staticRoot + path.sep)) return sendError(res, 404, 'not-found', 'Not found.');
    const stat = await fs.stat(file).catch(() => null);
    const target = stat?.isFile() ? file : path.join(staticRoot, 'index.html');
    const targetStat = stat?.isFile() ? stat : await fs.stat(target).catch(() => null);
    if (!targetStat) return sendError(res, 404, 'not-found', 'The renderer is not built: run `npm run build`.');
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      'Content-Type': MIME[path.extname(target)] ?? 'application/octet-stream',
      'Content-Length': targetStat.size,
      'Content-Security-Policy': CONTENT_SECURITY_POLICY,
    });
    if (req.method === 'HEAD') return void res.end();
    createReadStream(target).pipe(res);
  }

  const keptBytes = () => {
    let n = 0;
    for (const b of uploads.values()) n += b;
    return n;
  };
  async function removeUpload(dir: string): Promise<void> {
    uploads.delete(dir);
    await fs.rm(dir, { recursive: true, force: true }).catch(() => undefined);
  }
  /** Deletes the oldest uploads no call is reading until `files` more files and `bytes` more bytes fit. */
  const makeRoom = (files: number, bytes: number): Promise<unknown> => {
    const removing: Array<Promise<void>> = [];
    for (const [old] of uploads) {
      if (uploads.size + files <= maxKeptUploads && keptBytes() + bytes <= maxKeptBytes) break;
      if (!inUse.has(old)) removing.push(removeUpload(old));
    }
    return Promise.all(removing);
  };
  /** The upload folders a call's arguments name. */
  const uploadsNamedBy = (args: unknown): string[] => {
    const root = uploadDir + path.sep;
    const dirs = stringsIn(args)
      .filter((p) => p.startsWith(root))
      .map((p) => path.join(uploadDir, path.relative(uploadDir, p).split(path.sep)[0]!));
    return [...new Set(dirs)].filter((d) => uploads.has(d));
  };
  /** The request body is in: a long-running call may now keep the socket quiet as long as it needs. */
  const bodyDone = (req: http.IncomingMessage) => req.socket.setTimeout(0);

  async function handleUpload(req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<void> {
    const q = UploadQuerySchema.safeParse({ name: url.searchParams.get('name') ?? '' });
    if (!q.success) return sendError(res, 400, 'invalid-input', 'Upload needs ?name=FILE_NAME (1 to 255 characters).');
    const declared = Number(req.headers['content-length'] ?? NaN);
    if (Number.isFinite(declared) && declared > maxUpload) return sendError(res, 413, 'invalid-input', 'The file is larger than the upload limit.');
    // Only the base name survives: no folders, no traversal, no control characters.
    const base = path.basename(q.data.name.replace(/\\/g, '/'));
    if (base === '.' || base === '..') return sendError(res, 400, 'invalid-input', 'The upload needs a file name, not "." or "..".');
    // eslint-disable-next-line no-control-regex -- control characters are exactly what must not reach a file name
    const safeName = base.replace(/[\u0000-\u001f<>:"/\\|?*]/g, '_') || 'upload.bin';
    // Room for this one: the oldest uploads no call is reading are deleted first.
    const expected = Number.isFinite(declared) ? declared : 0;
    if (expected > maxKeptBytes) return sendError(res, 413, 'invalid-input', 'The file is larger than the upload limit.');
    await makeRoom(1, expected);
    if (uploads.size >= maxKeptUploads || keptBytes() + expected > maxKeptBytes) {
      return sendError(res, 507, 'invalid-input', 'Too many uploaded files are in use: let the running import or verification finish first.');
    }
    const dir = path.join(uploadDir, randomUUID());
    await fs.mkdir(dir, { recursive: true, mode: 0o700 });
    uploads.set(dir, 0);
    inUse.set(dir, 1); // still arriving: never evicted to make room for others
    const dest = path.join(dir, safeName);
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      uploads.set(dir, size);
      if (keptBytes() > maxKeptBytes) void makeRoom(0, 0);
      // A client that sends more than it declared (or declared nothing) is cut off here.
      if (size > maxUpload || keptBytes() > maxKeptBytes) req.destroy(new Error('upload too large'));
    });
    try {
      await pipeline(req, createWriteStream(dest, { mode: 0o600 }));
      inUse.delete(dir);
    } catch {
      inUse.delete(dir);
      await removeUpload(dir);
      if (!res.headersSent) sendError(res, 413, 'invalid-input', 'The upload was interrupted or too large.');
      return;
    }
    bodyDone(req);
    sendJson(res, 200, { ok: true, value: { path: dest, size } });
  }

  const server = http.createServer({ headersTimeout: opts.headersTimeoutMs ?? 10_000, requestTimeout: 0, connectionsCheckingInterval: Math.min(1000, opts.headersTimeoutMs ?? 10_000) }, (req, res) => {
    // A body that stalls is dropped; routes clear this once the body is in (bodyDone) or when nothing is expected.
    req.socket.setTimeout(bodyIdleMs);
    res.once('finish', () => {
      if (req.complete) req.socket.setTimeout(0);
    });
    void (async () => {
      const host = req.headers.host ?? '';
      if (!allowedHosts().has(host)) return sendError(res, 403, 'forbidden', 'Requests must address the workbench by its loopback origin.');
      const origin = req.headers.origin;
      if (origin !== undefined && !allowedOrigins().has(origin)) return sendError(res, 403, 'forbidden', 'Cross-origin requests are refused.');
      const secFetchSite = req.headers['sec-fetch-site'];
      if (secFetchSite === 'cross-site') return sendError(res, 403, 'forbidden', 'Cross-site requests are refused.');

      const url = new URL(req.url ?? '/', `http://${host}`);
      if (!url.pathname.startsWith('/api/')) return serveStatic(req, res, url.pathname);
      if (!authorized(req)) return sendError(res, 401, 'unauthorized', 'Missing or wrong session token. Open the URL printed by `mwb serve`.');

      if (url.pathname === '/api/events' && req.method === 'GET') {
        if (streams.size >= maxStreams) return sendError(res, 503, 'invalid-input', `At most ${maxStreams} workbench pages can be open at once: close one.`, { 'Retry-After': '5' });
        bodyDone(req);
        res.writeHead(200, { ...SECURITY_HEADERS, 'Content-Type': 'text/event-stream', Connection: 'keep-alive' });
        res.write(': connected\n\n');
        streams.add(res);
        // A page that (re)connects learns the current revision at once: one that missed changes while the
        // stream was down reloads now instead of at the next change.
        void Promise.resolve(opts.handlers['project.meta']({}))
          .then((meta) => res.write(`event: message\ndata: ${JSON.stringify({ event: 'project.changed', payload: meta })}\n\n`))
          .catch(() => undefined);
        const ping = setInterval(() => res.write(': ping\n\n'), 15_000);
        req.on('close', () => {
          clearInterval(ping);
          streams.delete(res);
        });
        return;
      }
      if (url.pathname === '/api/upload' && req.method === 'POST') return handleUpload(req, res, url);

      const m = /^\/api\/invoke\/([A-Za-z0-9._-]{1,100})$/.exec(url.pathname);
      if (!m || req.method !== 'POST') return sendError(res, 404, 'not-found', 'No such API route.');
      if (mediaType(req.headers['content-type']) !== 'application/json') {
        return sendError(res, 415, 'invalid-input', 'API calls must send Content-Type: application/json.');
      }
      let args: unknown;
      try {
        const body = await readBody(req, maxJson);
        bodyDone(req);
        args = body.length ? JSON.parse(body.toString('utf8')) : {};
      } catch (err) {
        const status = (err as { status?: number }).status ?? 400;
        return sendError(res, status, 'invalid-input', status === 413 ? 'The request body is too large.' : 'The request body is not valid JSON.');
      }
      const channel = m[1]!;
      const used = UPLOAD_CONSUMERS.has(channel) ? uploadsNamedBy(args) : [];
      for (const d of used) inUse.set(d, (inUse.get(d) ?? 0) + 1);
      let response;
      try {
        response = await dispatch(opts.handlers, channel, args, opts.logger);
      } finally {
        // An import or verification has read its uploads: they leave the disk now, whatever the outcome.
        for (const d of used) {
          const n = (inUse.get(d) ?? 1) - 1;
          if (n > 0) inUse.set(d, n);
          else {
            inUse.delete(d);
            await removeUpload(d);
          }
        }
      }
      sendJson(res, response.ok ? 200 : httpStatusForError(response.error.code), response);
    })().catch((err) => {
      opts.logger.error('shell request failed', { error: String(err) });
      if (!res.headersSent) sendError(res, 500, 'internal', 'Internal error.');
      else res.end();
    });
  });

  server.maxConnections = opts.maxConnections ?? 128;
  // One listener per connection (a keep-alive socket serves many requests): an idle timeout set by a request closes it.
  server.on('connection', (socket) => socket.on('timeout', () => socket.destroy()));
  // Malformed or timed-out requests (partial headers past headersTimeout): answer if we can, then close for sure.
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    if (socket.writable) socket.end(err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 'HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n\r\n' : 'HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    setTimeout(() => socket.destroy(), 1000).unref();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as { port: number }).port;
  const originUrl = `http://127.0.0.1:${port}`;
  return {
    port,
    origin: originUrl,
    token,
    url: `${originUrl}/#token=${token}`,
    async close() {
      unsubscribe();
      for (const res of streams) res.end();
      streams.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await fs.rm(uploadDir, { recursive: true, force: true }).catch(() => undefined);
    },
  };
}
