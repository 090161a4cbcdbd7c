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

function sendError(res: http.ServerResponse, status: number, code: string, message: string): void {
  sendJson(res, status, { ok: false, error: { code, message } });
}

function safeTokenEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
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
  const uploadDir = opts.uploadDir ?? path.join(os.tmpdir(), `mwb-uploads-${process.pid}`);
  const staticRoot = path.resolve(opts.staticDir);
  const streams = new Set<http.ServerResponse>();
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

  async function handleUpload(req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<void> {
    const q = UploadQuerySchema.safeParse({ name: url.searchParams.get('name') ?? '' });
    if (!q.success) return sendError(res, 400, 'invalid-input', 'Upload needs ?name=FILE_NAME (1 to 255 characters).');
    const declared = Number(req.headers['content-length'] ?? NaN);
    if (Number.isFinite(declared) && declared > maxUpload) return sendError(res, 413, 'invalid-input', 'The file is larger than the upload limit.');
    // Only the base name survives: no folders, no traversal, no control characters.
    // eslint-disable-next-line no-control-regex -- control characters are exactly what must not reach a file name
    const safeName = path.basename(q.data.name).replace(/[\u0000-\u001f<>:"/\\|?*]/g, '_') || 'upload.bin';
    const dir = path.join(uploadDir, randomUUID());
    await fs.mkdir(dir, { recursive: true, mode: 0o700 });
    const dest = path.join(dir, safeName);
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > maxUpload) req.destroy(new Error('upload too large'));
    });
    try {
      await pipeline(req, createWriteStream(dest, { mode: 0o600 }));
    } catch {
      await fs.rm(dir, { recursive: true, force: true });
      if (!res.headersSent) sendError(res, 413, 'invalid-input', 'The upload was interrupted or too large.');
      return;
    }
    sendJson(res, 200, { ok: true, value: { path: dest, size } });
  }

  const server = http.createServer((req, res) => {
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
      if (!(req.headers['content-type'] ?? '').startsWith('application/json')) {
        return sendError(res, 415, 'invalid-input', 'API calls must send Content-Type: application/json.');
      }
      let args: unknown;
      try {
        const body = await readBody(req, maxJson);
        args = body.length ? JSON.parse(body.toString('utf8')) : {};
      } catch (err) {
        const status = (err as { status?: number }).status ?? 400;
        return sendError(res, status, 'invalid-input', status === 413 ? 'The request body is too large.' : 'The request body is not valid JSON.');
      }
      const response = await dispatch(opts.handlers, m[1]!, args, opts.logger);
      const status = response.ok ? 200 : response.error.code === 'invalid-input' ? 400 : response.error.message.startsWith('Unknown channel') ? 404 : 200;
      sendJson(res, status, response);
    })().catch((err) => {
      opts.logger.error('shell request failed', { error: String(err) });
      if (!res.headersSent) sendError(res, 500, 'internal', 'Internal error.');
      else res.end();
    });
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
