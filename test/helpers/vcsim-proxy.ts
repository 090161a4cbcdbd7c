// A loopback proxy in front of vcsim that makes it look like another vCenter: /sdk forwarded (its SOAP answers
// optionally rewritten), /rest forwarded or refused (404, a vCenter that serves only /api), /api answered by
// test/fakes/vapi-tagging.fake.ts (vcsim 0.24.2 serves no /api path).
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { parsePerfCounters, PERF_COUNTERS } from '../../main/discovery/vcenter/perf';
import { VimClient } from '../../main/discovery/vcenter/vim-client';
import type { FakeTagging } from '../fakes/vapi-tagging.fake';

export interface VcsimProxyOptions {
  /** Forward /rest to vcsim (default true); false answers 404 there, as a vCenter without the /rest spelling. */
  rest?: boolean;
  /** Answers /api (else 404). */
  api?: FakeTagging;
  /** Rewrites a SOAP answer, given the operation's name (`QueryAvailablePerfMetric`) and the answer's XML. */
  rewrite?: (operation: string, xml: string) => string;
}

export interface VcsimProxy {
  url: string;
  /** The SOAP operations forwarded, in order. */
  calls: string[];
  close(): Promise<void>;
}

export async function vcsimProxy(vcsimUrl: string, o: VcsimProxyOptions = {}): Promise<VcsimProxy> {
  const target = new URL(vcsimUrl);
  const lib = target.protocol === 'https:' ? https : http;
  const calls: string[] = [];
  const srv = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      if (o.api?.handle(req, res, body.toString('utf8'))) return;
      const soap = req.url?.startsWith('/sdk');
      if (!soap && !(req.url?.startsWith('/rest') && o.rest !== false)) {
        res.writeHead(404).end();
        return;
      }
      const op = soap ? (/<soapenv:Body><(\w+)/.exec(body.toString('utf8'))?.[1] ?? '?') : '';
      if (soap) calls.push(op);
      const up = lib.request({ host: target.hostname, port: target.port, path: req.url, method: req.method, headers: { ...req.headers, host: target.host }, rejectUnauthorized: false }, (r) => {
        if (!soap || !o.rewrite) {
          res.writeHead(r.statusCode ?? 502, r.headers);
          r.pipe(res);
          return;
        }
        const out: Buffer[] = [];
        r.on('data', (c: Buffer) => out.push(c));
        r.on('end', () => {
          const xml = o.rewrite!(op, Buffer.concat(out).toString('utf8'));
          const headers = { ...r.headers, 'content-length': String(Buffer.byteLength(xml)) };
          delete headers['transfer-encoding'];
          res.writeHead(r.statusCode ?? 502, headers).end(xml);
        });
      });
      up.on('error', () => res.writeHead(502).end());
      up.end(body);
    });
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(srv.address() as AddressInfo).port}/sdk`, calls, close: () => new Promise((r) => srv.close(() => r())) };
}

/**
 * A rewrite of QueryAvailablePerfMetric answers as a vCenter at statistics level 1 (its default) gives them: only the
 * counters of level 1 (vcsim lists level-2 net.received/transmitted too), and disk.usage.average for the VM, which
 * vCenter keeps at level 1 (vcsim's list for a VM has no disk counter, though its QueryPerf serves disk.usage samples).
 */
export async function statisticsLevel1(vcsimUrl: string, thumbprint: string, user = 'user', password = 'pass'): Promise<(operation: string, xml: string) => string> {
  const c = new VimClient({ url: new URL(vcsimUrl), thumbprint });
  let levels: Map<number, number>;
  let diskUsage: number;
  try {
    const sc = await c.retrieveServiceContent();
    await c.login(user, password);
    const catalogue = parsePerfCounters((await c.retrieveOne(sc.perfManager!, ['perfCounter'])).get('perfCounter'));
    await c.logout();
    levels = new Map([...catalogue.values()].map((x) => [x.key, x.level ?? 4]));
    diskUsage = catalogue.get(PERF_COUNTERS.diskUsage)!.key;
  } finally {
    c.close();
  }
  return (operation, xml) => {
    if (operation !== 'QueryAvailablePerfMetric') return xml;
    const kept = xml.replace(/<returnval><counterId>(\d+)<\/counterId><instance>[^<]*<\/instance><\/returnval>/g, (m, id: string) => ((levels.get(Number(id)) ?? 4) <= 1 ? m : ''));
    return kept.replace('</QueryAvailablePerfMetricResponse>', `<returnval><counterId>${diskUsage}</counterId><instance></instance></returnval></QueryAvailablePerfMetricResponse>`);
  };
}
