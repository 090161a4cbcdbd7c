import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { promises as fs } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { startShellServer, type ShellServer } from '../../../../main/shell/http-server';
import { createHandlers } from '../../../../main/ipc/handlers';
import { silentLogger } from '../../../../main/platform/logger';
import { tempDir } from '../../../helpers/temp-dir';
import { testServices } from '../../../helpers/services';
import type { Services } from '../../../../main/services/container';

/** Raw request, so Host and Origin can be set to anything (fetch would not allow it). */
function request(server: ShellServer, opts: { method?: string; path: string; headers?: Record<string, string>; body?: string }): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: server.port, method: opts.method ?? 'GET', path: opts.path, headers: { Host: `127.0.0.1:${server.port}`, ...opts.headers } }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    if (opts.body !== undefined) req.write(opts.body);
    req.end();
  });
}

describe('browser shell HTTP server', () => {
  let dir: string;
  let services: Services;
  let server: ShellServer;
  const auth = () => ({ Authorization: `Bearer ${server.token}`, 'Content-Type': 'application/json' });

  beforeAll(async () => {
    dir = await tempDir();
    const staticDir = path.join(dir, 'renderer');
    await fs.mkdir(staticDir);
    await fs.writeFile(path.join(staticDir, 'index.html'), '<!doctype html><title>t</title>');
    await fs.writeFile(path.join(dir, 'secret.txt'), 'secret');
    services = testServices(dir);
    server = await startShellServer({ handlers: createHandlers(services), events: services.events, logger: silentLogger, staticDir, uploadDir: path.join(dir, 'uploads') });
  });
  afterAll(async () => {
    await server.close();
    services.dispose();
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('listens on 127.0.0.1 only and prints a URL with the token in the fragment', () => {
    expect(server.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(server.url).toBe(`${server.origin}/#token=${server.token}`);
    expect(server.token.length).toBeGreaterThanOrEqual(32);
  });

  it('answers 401 without the token, or with a wrong one', async () => {
    expect((await request(server, { method: 'POST', path: '/api/invoke/app.info', body: '{}', headers: { 'Content-Type': 'application/json' } })).status).toBe(401);
    expect((await request(server, { method: 'POST', path: '/api/invoke/app.info', body: '{}', headers: { Authorization: 'Bearer nope', 'Content-Type': 'application/json' } })).status).toBe(401);
    expect((await request(server, { path: '/api/events' })).status).toBe(401);
    expect((await request(server, { method: 'POST', path: '/api/upload?name=a', body: 'x' })).status).toBe(401);
  });

  it('answers 403 to a foreign Host (DNS rebinding), Origin or cross-site fetch, even with the token', async () => {
    const ok = await request(server, { method: 'POST', path: '/api/invoke/app.info', body: '{}', headers: auth() });
    expect(ok.status).toBe(200);
    const foreign: Record<string, string>[] = [{ Host: 'evil.example' }, { Host: `evil.example:${server.port}` }, { Origin: 'http://evil.example' }, { Origin: `http://127.0.0.1:${server.port + 1}` }, { 'Sec-Fetch-Site': 'cross-site' }];
    for (const headers of foreign) {
      const res = await request(server, { method: 'POST', path: '/api/invoke/app.info', body: '{}', headers: { ...auth(), ...headers } });
      expect(res.status, JSON.stringify(headers)).toBe(403);
    }
  });

  it('answers 400 with a readable message to bad JSON and bad arguments', async () => {
    const badJson = await request(server, { method: 'POST', path: '/api/invoke/project.open', body: '{nope', headers: auth() });
    expect(badJson.status).toBe(400);
    const badArgs = await request(server, { method: 'POST', path: '/api/invoke/project.open', body: JSON.stringify({ path: 12 }), headers: auth() });
    expect(badArgs.status).toBe(400);
    expect(JSON.parse(badArgs.body).error.message).toMatch(/project\.open: path: .*expected string/);
    const wrongType = await request(server, { method: 'POST', path: '/api/invoke/app.info', body: '{}', headers: { Authorization: `Bearer ${server.token}`, 'Content-Type': 'text/plain' } });
    expect(wrongType.status).toBe(415);
    const unknown = await request(server, { method: 'POST', path: '/api/invoke/no.such', body: '{}', headers: auth() });
    expect(unknown.status).toBe(404);
  });

  it('serves the renderer with a strict CSP and never files outside it', async () => {
    const index = await request(server, { path: '/' });
    expect(index.status).toBe(200);
    expect(index.headers['content-security-policy']).toContain("default-src 'self'");
    expect(index.headers['content-security-policy']).toContain("script-src 'self'");
    expect(index.headers['x-frame-options']).toBe('DENY');
    for (const p of ['/../secret.txt', '/%2e%2e/secret.txt', '/..%2fsecret.txt']) {
      const res = await request(server, { path: p });
      expect(res.body).not.toContain('secret');
    }
  });

  it('stores uploads under a private folder with a sanitised name', async () => {
    const res = await request(server, { method: 'POST', path: `/api/upload?name=${encodeURIComponent('../../etc/passwd')}`, body: 'hello', headers: { Authorization: `Bearer ${server.token}` } });
    expect(res.status).toBe(200);
    const { path: stored } = JSON.parse(res.body).value as { path: string };
    expect(stored.startsWith(path.join(dir, 'uploads'))).toBe(true);
    expect(path.basename(stored)).toBe('passwd');
    expect(await fs.readFile(stored, 'utf8')).toBe('hello');
  });

  it('streams push events to an authorised client', async () => {
    let connected!: () => void;
    const isConnected = new Promise<void>((resolve) => (connected = resolve));
    const received = new Promise<string>((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port: server.port, path: '/api/events', headers: { Host: `127.0.0.1:${server.port}`, Authorization: `Bearer ${server.token}` } }, (res) => {
        let buf = '';
        res.on('data', (c) => {
          buf += c;
          // The first frame is the current project state: from then on the stream is subscribed.
          if (buf.includes('"event":"project.changed"')) connected();
          if (buf.includes('event test')) {
            req.destroy();
            resolve(buf);
          }
        });
      });
      req.on('error', (e) => (String(e).includes('socket hang up') ? undefined : reject(e)));
      req.end();
    });
    await isConnected;
    services.project.newProject('event test');
    const frames = await received;
    expect(frames).toContain('"name":"event test"');
    // The first frame is the current state, so a page that reconnects knows whether it missed changes.
    expect(frames.indexOf('"event":"project.changed"')).toBeLessThan(frames.indexOf('event test'));
  });
});
