// vSphere tags through the /api spelling (vCenter 7.0 U2 and later), against test/fakes/vapi-tagging.fake.ts on
// loopback: vcsim 0.24.2 serves tagging under /rest only (the /rest spelling runs against vcsim in vcsim-perf-tags).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { readTags } from '../../../main/discovery/vcenter/tagging';
import { SoapTransport } from '../../../main/discovery/vcenter/transport';
import { startFakeVapiTagging, type FakeTaggingData } from '../../fakes/vapi-tagging.fake';

const CAT_ENV = 'urn:vmomi:InventoryServiceCategory:5a2b9c1e-0000-4000-8000-000000000001:GLOBAL';
const CAT_OWNER = 'urn:vmomi:InventoryServiceCategory:5a2b9c1e-0000-4000-8000-000000000002:GLOBAL';
const tag = (n: number) => `urn:vmomi:InventoryServiceTag:7c1d0e2f-0000-4000-8000-${String(n).padStart(12, '0')}:GLOBAL`;
const DATA: FakeTaggingData = {
  categories: [
    { id: CAT_ENV, name: 'Environment' },
    { id: CAT_OWNER, name: 'Owner' },
  ],
  tags: [
    { id: tag(1), name: 'Production', category_id: CAT_ENV },
    { id: tag(2), name: 'PCI', category_id: CAT_ENV },
    { id: tag(3), name: 'Finance', category_id: CAT_OWNER },
    { id: tag(4), name: 'Test', category_id: CAT_ENV },
  ],
  attached: {
    [tag(1)]: [{ type: 'VirtualMachine', id: 'vm-42' }, { type: 'HostSystem', id: 'host-9' }],
    [tag(2)]: [{ type: 'VirtualMachine', id: 'vm-42' }],
    [tag(3)]: [{ type: 'VirtualMachine', id: 'vm-42' }, { type: 'VirtualMachine', id: 'vm-not-discovered' }],
    [tag(4)]: [{ type: 'VirtualMachine', id: 'vm-43' }],
  },
};

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0)) await c();
});

async function fake(data = DATA) {
  const f = await startFakeVapiTagging(data);
  const transport = new SoapTransport({ url: new URL(f.url) });
  closers.push(async () => {
    transport.close();
    await f.close();
  });
  return { f, transport };
}

const vmMorefs = new Set(['vm-42', 'vm-43']);

describe('vSphere tags through /api/cis/tagging when /rest is not served', () => {
  it('falls back from /rest (404) to /api: session, tags, categories, associations, then the session is deleted', async () => {
    const { f, transport } = await fake();
    const r = await readTags(transport, { user: 'user', password: 'pass', vmMorefs });
    expect(r.warnings).toEqual([]);
    expect(r.byMoref.get('vm-42')).toEqual([
      { category: 'Environment', name: 'PCI' },
      { category: 'Environment', name: 'Production' },
      { category: 'Owner', name: 'Finance' },
    ]);
    expect(r.byMoref.get('vm-43')).toEqual([{ category: 'Environment', name: 'Test' }]);
    expect(r.byMoref.has('vm-not-discovered')).toBe(false);
    expect(f.requests[0]).toBe('POST /api/session');
    expect(f.requests).toContain('GET /api/cis/tagging/tag');
    expect(f.requests).toContain(`GET /api/cis/tagging/tag/${encodeURIComponent(tag(1))}`);
    expect(f.requests).toContain(`GET /api/cis/tagging/category/${encodeURIComponent(CAT_ENV)}`);
    expect(f.requests).toContain('POST /api/cis/tagging/tag-association?action=list-attached-objects-on-tags');
    expect(f.requests.at(-1)).toBe('DELETE /api/session');
    expect(f.sessions.size).toBe(0);
  });

  it('a refused login, a server with neither spelling, and an unreadable answer are warnings, never failures', async () => {
    const { transport } = await fake();
    const refused = await readTags(transport, { user: 'user', password: 'wrong', vmMorefs });
    expect(refused.byMoref.size).toBe(0);
    expect(refused.warnings).toEqual([expect.stringMatching(/refused the login/)]);
    expect(refused.warnings[0]).not.toContain('wrong');

    // Neither /rest nor /api: an ESXi host or a vCenter without the tagging service.
    const srv = http.createServer((_q, s) => s.writeHead(404).end());
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const t = new SoapTransport({ url: new URL(`http://127.0.0.1:${(srv.address() as AddressInfo).port}/sdk`) });
    closers.push(async () => {
      t.close();
      await new Promise<void>((r) => srv.close(() => r()));
    });
    const none = await readTags(t, { user: 'user', password: 'pass', vmMorefs });
    expect(none.warnings).toEqual([expect.stringMatching(/has no tagging service \(HTTP 404 at \/rest, 404 at \/api; an ESXi host has none\)/)]);

    // A tag list that is not the documented array of ids.
    const bad = await fakeAnswering('/api/cis/tagging/tag', '{"value":["x"]}');
    const r = await readTags(bad.transport, { user: 'user', password: 'pass', vmMorefs });
    expect(r.byMoref.size).toBe(0);
    expect(r.warnings).toEqual([expect.stringMatching(/tags answer has an unexpected shape/)]);
    expect(bad.sessionDeleted()).toBe(true);
  });
});

/** The fake, with one path answering `body` instead (through a tiny front server). */
async function fakeAnswering(path: string, body: string) {
  const f = await startFakeVapiTagging(DATA);
  const fakeUrl = new URL(f.url);
  const srv = http.createServer((req, res) => {
    if (req.url === path) {
      res.writeHead(200, { 'content-type': 'application/json' }).end(body);
      return;
    }
    const up = http.request({ host: fakeUrl.hostname, port: fakeUrl.port, path: req.url, method: req.method, headers: req.headers }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    req.pipe(up);
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const t = new SoapTransport({ url: new URL(`http://127.0.0.1:${(srv.address() as AddressInfo).port}/sdk`) });
  closers.push(async () => {
    t.close();
    await new Promise<void>((r) => srv.close(() => r()));
    await f.close();
  });
  return { transport: t, sessionDeleted: () => f.requests.at(-1) === 'DELETE /api/session' && f.sessions.size === 0 };
}
