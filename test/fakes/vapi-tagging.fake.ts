/**
 * FAKE vSphere Automation tagging API (`/api`, vCenter 7.0 U2 and later) for tests: NOT vCenter, not vcsim (govmomi's
 * simulator serves tagging only under /rest). It answers the read operations discovery uses, shaped as the vSphere
 * Automation API reference (vcenter.yaml) declares them:
 *   POST   /api/session   Basic user:password → 201, the session id as a JSON string; 401 UNAUTHENTICATED otherwise
 *   DELETE /api/session   → 204
 *   GET    /api/cis/tagging/tag                 → 200 [tag id, …]
 *   GET    /api/cis/tagging/tag/{id}            → 200 { id, category_id, name, description, used_by }; 404 NOT_FOUND
 *   GET    /api/cis/tagging/category/{id}       → 200 { id, name, description, cardinality, associable_types, used_by }
 *   POST   /api/cis/tagging/tag-association?action=list-attached-objects-on-tags { tag_ids } → 200 [{ tag_id, object_ids }]
 * Every other call needs the `vmware-api-session-id` header of a live session (401 otherwise); errors are the
 * `{ error_type, messages }` bodies of the /api spelling. Path ids are percent-decoded (real ids hold colons:
 * `urn:vmomi:InventoryServiceTag:…:GLOBAL`). Anything outside /api (the /rest spelling included) is 404, as on a
 * vCenter that no longer serves /rest.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';

export interface FakeTaggingData {
  categories: { id: string; name: string }[];
  tags: { id: string; name: string; category_id: string }[];
  /** Tag id → the objects it is attached to. */
  attached: Record<string, { type: string; id: string }[]>;
}

export interface FakeTagging {
  /** Every request as `METHOD path?query`. */
  readonly requests: string[];
  /** Sessions not deleted yet. */
  readonly sessions: Set<string>;
  /** Answers one request if it is under /api (returns false otherwise, to let a proxy forward it). */
  handle(req: http.IncomingMessage, res: http.ServerResponse, body: string): boolean;
}

const send = (res: http.ServerResponse, status: number, body?: unknown) => {
  if (body === undefined) {
    res.writeHead(status).end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
};
const apiError = (res: http.ServerResponse, status: number, type: string, message: string) => send(res, status, { error_type: type, messages: [{ id: `vapi.${type.toLowerCase()}`, default_message: message, args: [] }] });

export function fakeVapiTagging(data: FakeTaggingData, login = { user: 'user', password: 'pass' }): FakeTagging {
  const requests: string[] = [];
  const sessions = new Set<string>();
  const handle = (req: http.IncomingMessage, res: http.ServerResponse, body: string): boolean => {
    const url = new URL(req.url ?? '/', 'http://fake');
    if (!url.pathname.startsWith('/api/')) return false;
    requests.push(`${req.method} ${url.pathname}${url.search}`);
    if (url.pathname === '/api/session' && req.method === 'POST') {
      const m = /^Basic (.+)$/.exec(req.headers.authorization ?? '');
      const [user, ...rest] = m ? Buffer.from(m[1]!, 'base64').toString('utf8').split(':') : [];
      if (user !== login.user || rest.join(':') !== login.password) {
        apiError(res, 401, 'UNAUTHENTICATED', 'Authentication required.');
        return true;
      }
      const id = randomUUID().replace(/-/g, '');
      sessions.add(id);
      send(res, 201, id);
      return true;
    }
    const session = String(req.headers['vmware-api-session-id'] ?? '');
    if (!sessions.has(session)) {
      apiError(res, 401, 'UNAUTHENTICATED', 'This method requires authentication.');
      return true;
    }
    const path = url.pathname;
    const tail = (prefix: string) => (path.startsWith(prefix) ? decodeURIComponent(path.slice(prefix.length)) : undefined);
    if (path === '/api/session' && req.method === 'DELETE') {
      sessions.delete(session);
      send(res, 204);
    } else if (path === '/api/cis/tagging/tag' && req.method === 'GET') {
      send(res, 200, data.tags.map((t) => t.id));
    } else if (tail('/api/cis/tagging/tag/') !== undefined && req.method === 'GET') {
      const t = data.tags.find((x) => x.id === tail('/api/cis/tagging/tag/'));
      if (t) send(res, 200, { ...t, description: '', used_by: [] });
      else apiError(res, 404, 'NOT_FOUND', 'Tag not found.');
    } else if (tail('/api/cis/tagging/category/') !== undefined && req.method === 'GET') {
      const c = data.categories.find((x) => x.id === tail('/api/cis/tagging/category/'));
      if (c) send(res, 200, { ...c, description: '', cardinality: 'MULTIPLE', associable_types: [], used_by: [] });
      else apiError(res, 404, 'NOT_FOUND', 'Category not found.');
    } else if (path === '/api/cis/tagging/tag-association' && req.method === 'POST' && url.searchParams.get('action') === 'list-attached-objects-on-tags') {
      let ids: unknown;
      try {
        ids = (JSON.parse(body) as { tag_ids?: unknown }).tag_ids;
      } catch {
        ids = undefined;
      }
      if (!Array.isArray(ids) || !ids.every((x) => typeof x === 'string')) apiError(res, 400, 'INVALID_ARGUMENT', 'tag_ids is required.');
      else send(res, 200, (ids as string[]).filter((id) => data.tags.some((t) => t.id === id)).map((id) => ({ tag_id: id, object_ids: data.attached[id] ?? [] })));
    } else apiError(res, 404, 'NOT_FOUND', 'Not found.');
    return true;
  };
  return { requests, sessions, handle };
}

/** The fake on its own loopback server (port 0); every path outside /api answers 404. */
export async function startFakeVapiTagging(data: FakeTaggingData): Promise<FakeTagging & { url: string; close(): Promise<void> }> {
  const fake = fakeVapiTagging(data);
  const srv = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (!fake.handle(req, res, Buffer.concat(chunks).toString('utf8'))) send(res, 404);
    });
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  return { ...fake, url: `http://127.0.0.1:${(srv.address() as AddressInfo).port}/sdk`, close: () => new Promise((r) => srv.close(() => r())) };
}
