// The browser shell under hostile or careless clients on loopback: typed statuses, strict Content-Type,
// capped event streams and connections, timed-out partial requests, and uploads that do not pile up.
import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { promises as fs } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { startShellServer, type ShellServer, type ShellServerOptions } from '../../../../main/shell/http-server';
import { createHandlers } from '../../../../main/ipc/handlers';
import { silentLogger } from '../../../../main/platform/logger';
import { tempDir } from '../../../helpers/temp-dir';
import { testServices } from '../../../helpers/services';
import type { Services } from '../../../../main/services/container';

function request(server: ShellServer, opts: { method?: string; path: string; headers?: Record<string, string>; body?: string }): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port: server.port, method: opts.method ?? 'GET', path: opts.path, agent: false, headers: { Host: `127.0.0.1:${server.port}`, ...opts.headers } },
      (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    if (opts.body !== undefined) req.write(opts.body);
    req.end();
  });
}

/** A raw socket that sends `data` and then nothing; resolves `closed` when the server drops it. */
function partial(server: ShellServer, data: string): Promise<{ socket: net.Socket; closed: Promise<number> }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(server.port, '127.0.0.1');
    const t0 = Date.now();
    const closed = new Promise<number>((r) => socket.on('close', () => r(Date.now() - t0)));
    socket.on('error', () => undefined);
    socket.resume(); // read, as a client does, so the server's close is seen
    socket.once('connect', () => {
      if (data) socket.write(data);
      resolve({ socket, closed });
    });
    socket.once('error', reject);
  });
}

let dir: string;
let services: Services;
const servers: ShellServer[] = [];
async function start(extra: Partial<ShellServerOptions> = {}): Promise<ShellServer> {
  const s = await startShellServer({ handlers: createHandlers(services), events: services.events, logger: silentLogger, staticDir: path.join(dir, 'renderer'), uploadDir: path.join(dir, `uploads-${servers.length}`), ...extra });
  servers.push(s);
  return s;
}
const auth = (s: ShellServer, type = 'application/json') => ({ Authorization: `Bearer ${s.token}`, 'Content-Type': type });
// As a browser's XHR sends a File: with its length.
const upload = (s: ShellServer, name: string, body: string) =>
  request(s, { method: 'POST', path: `/api/upload?name=${encodeURIComponent(name)}`, body, headers: { Authorization: `Bearer ${s.token}`, 'Content-Length': String(Buffer.byteLength(body)) } });
const exists = (p: string) => fs.stat(p).then(() => true, () => false);

beforeAll(async () => {
  dir = await tempDir();
  await fs.mkdir(path.join(dir, 'renderer'));
  await fs.writeFile(path.join(dir, 'renderer', 'index.html'), '<!doctype html><title>t</title>');
  services = testServices(dir);
});
afterAll(async () => {
  for (const s of servers) await s.close();
  services.dispose();
  await fs.rm(dir, { recursive: true, force: true });
});

describe('HTTP status from typed errors', () => {
  it('an unrecognised import is 422, a missing project 404, bad arguments 400, success 200', async () => {
    const s = await start();
    const junk = path.join(dir, 'notes.txt');
    await fs.writeFile(junk, 'just some notes, not an inventory\n');
    const imp = await request(s, { method: 'POST', path: '/api/invoke/inventory.import', body: JSON.stringify({ paths: [junk] }), headers: auth(s) });
    expect(JSON.parse(imp.body).error.code).toBe('import-unrecognized');
    expect(imp.status).toBe(422);
    const open = await request(s, { method: 'POST', path: '/api/invoke/project.open', body: JSON.stringify({ path: path.join(dir, 'nope.mwb.json') }), headers: auth(s) });
    expect(open.status).toBe(404);
    expect((await request(s, { method: 'POST', path: '/api/invoke/project.open', body: '{"path":1}', headers: auth(s) })).status).toBe(400);
    expect((await request(s, { method: 'POST', path: '/api/invoke/app.info', body: '{}', headers: auth(s) })).status).toBe(200);
  });

  it('Content-Type is parsed as a media type: application/jsonfoo is refused, parameters and case are fine', async () => {
    const s = await start();
    for (const t of ['application/jsonfoo', 'application/json-patch+json', 'text/plain; x=application/json', 'application/json/x']) {
      expect((await request(s, { method: 'POST', path: '/api/invoke/app.info', body: '{}', headers: auth(s, t) })).status, t).toBe(415);
    }
    for (const t of ['application/json; charset=utf-8', 'Application/JSON', ' application/json ;charset=UTF-8']) {
      expect((await request(s, { method: 'POST', path: '/api/invoke/app.info', body: '{}', headers: auth(s, t) })).status, t).toBe(200);
    }
  });
});

describe('connection limits', () => {
  it('caps event streams at 32 (503 beyond) and accepts a new one when a page goes away', async () => {
    const s = await start();
    const open: http.ClientRequest[] = [];
    const openStream = () =>
      new Promise<number>((resolve, reject) => {
        const req = http.request({ host: '127.0.0.1', port: s.port, path: '/api/events', agent: false, headers: { Host: `127.0.0.1:${s.port}`, Authorization: `Bearer ${s.token}` } }, (res) => {
          resolve(res.statusCode ?? 0);
          if (res.statusCode !== 200) res.resume();
        });
        req.on('error', (e) => (String(e).includes('socket hang up') ? undefined : reject(e)));
        req.end();
        open.push(req);
      });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 32; i++) statuses.push(await openStream());
      expect(statuses.every((x) => x === 200)).toBe(true);
      expect(await openStream()).toBe(503);
      open[0]!.destroy();
      await new Promise((r) => setTimeout(r, 200));
      expect(await openStream()).toBe(200);
    } finally {
      for (const r of open) r.destroy();
    }
  });

  it('caps open connections and drops partial headers and stalled bodies within seconds; a valid request then works', async () => {
    const s = await start();
    const sockets: Array<{ socket: net.Socket; closed: Promise<number> }> = [];
    try {
      // 300 idle partial requests (headers never finished) and one stalled body, against the default limits.
      for (let i = 0; i < 300; i++) sockets.push(await partial(s, i % 2 ? `GET / HTTP/1.1\r\nHost: 127.0.0.1:${s.port}\r\n` : ''));
      const stalled = await partial(s, `POST /api/invoke/app.info HTTP/1.1\r\nHost: 127.0.0.1:${s.port}\r\nAuthorization: Bearer ${s.token}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"a":`);
      await new Promise((r) => setTimeout(r, 300));
      const stillOpen = sockets.filter((x) => !x.socket.destroyed && x.socket.readyState === 'open').length;
      expect(stillOpen).toBeLessThanOrEqual(128);
      const times = await Promise.all([...sockets.map((x) => x.closed), stalled.closed]);
      expect(Math.max(...times)).toBeLessThan(13_000);
      const ok = await request(s, { method: 'POST', path: '/api/invoke/app.info', body: '{}', headers: auth(s) });
      expect(ok.status).toBe(200);
    } finally {
      for (const x of sockets) x.socket.destroy();
    }
  }, 30_000);

  it('a long call is not cut off by the body timeout once its body is in', async () => {
    const s = await start({ bodyIdleTimeoutMs: 300 });
    const big = path.join(dir, 'slow.bin');
    await fs.writeFile(big, Buffer.alloc(64 * 1024 * 1024, 7));
    const { socket, closed } = await partial(s, `POST /api/invoke/app.info HTTP/1.1\r\nHost: 127.0.0.1:${s.port}\r\nAuthorization: Bearer ${s.token}\r\nContent-Type: application/json\r\nContent-Length: 10\r\n\r\n{`);
    expect(await closed).toBeLessThan(3000);
    socket.destroy();
    const r = await request(s, { method: 'POST', path: '/api/invoke/verify.files', body: JSON.stringify({ paths: [big] }), headers: auth(s) });
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body).value.reports[0].name).toBe('slow.bin');
  }, 60_000);
});

describe('uploads', () => {
  it('answers 400 for the names . and ..', async () => {
    const s = await start();
    for (const name of ['.', '..', 'a/..', 'x\\..']) expect((await upload(s, name, 'x')).status, name).toBe(400);
  });

  it('deletes an upload once the verification or import that used it ends', async () => {
    const s = await start();
    const a = JSON.parse((await upload(s, 'setup.ps1', 'Write-Host hi\n')).body).value.path as string;
    expect(await exists(a)).toBe(true);
    const v = await request(s, { method: 'POST', path: '/api/invoke/verify.files', body: JSON.stringify({ paths: [a] }), headers: auth(s) });
    expect(v.status).toBe(200);
    expect(await exists(a)).toBe(false);
    expect(await exists(path.dirname(a))).toBe(false);
    const b = JSON.parse((await upload(s, 'notes.txt', 'not an inventory\n')).body).value.path as string;
    const i = await request(s, { method: 'POST', path: '/api/invoke/inventory.import', body: JSON.stringify({ paths: [b] }), headers: auth(s) });
    expect(i.status).toBe(422);
    expect(await exists(b)).toBe(false);
  });

  it('keeps a bounded number and size of uploads: the oldest unused go first', async () => {
    const s = await start({ maxKeptUploads: 3, maxKeptUploadBytes: 1000 });
    const paths: string[] = [];
    for (let i = 0; i < 5; i++) paths.push(JSON.parse((await upload(s, `f${i}.txt`, 'x'.repeat(100))).body).value.path as string);
    expect(await Promise.all(paths.map(exists))).toEqual([false, false, true, true, true]);
    const big = JSON.parse((await upload(s, 'big.bin', 'y'.repeat(900))).body).value.path as string;
    // 100 + 900 fit in 1000: only the oldest of the remaining small ones had to go.
    expect(await Promise.all([...paths, big].map(exists))).toEqual([false, false, false, false, true, true]);
    const tooBig = await upload(s, 'huge.bin', 'z'.repeat(1200));
    expect(tooBig.status).toBe(413);
  });
});
