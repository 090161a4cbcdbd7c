/**
 * FAKE network faults for tests: a loopback HTTP proxy (127.0.0.1, port 0) in front of one endpoint (the strict fake,
 * moto, radosgw) that, for a chosen share of requests, misbehaves as flaky links and busy services do:
 *   drop        the connection is reset before the request reaches the target
 *   drop-after  the target handled the request, but the answer is lost (the client must retry an idempotent call)
 *   stall       nothing happens for `stallMs`, then the connection is reset
 *   500         HTTP 500 InternalError
 *   503         HTTP 503 SlowDown (S3's throttling answer; a throttling error to the other SDK clients)
 * Faults are drawn from a seeded generator, so a failing run can be repeated. `counts` says what was injected.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type FaultKind = 'drop' | 'drop-after' | 'stall' | '500' | '503';

export interface FaultProxyOptions {
  /** Share of requests that fail (0..1). */
  rate: number;
  /** Which faults, drawn evenly (default all). */
  readonly kinds?: readonly FaultKind[];
  readonly stallMs?: number;
  readonly seed?: number;
}

export interface FaultProxy {
  readonly url: string;
  readonly counts: Record<FaultKind | 'requests' | 'passed', number>;
  readonly options: FaultProxyOptions;
  close(): Promise<void>;
}

/** mulberry32: a small seeded PRNG. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function errorBody(req: http.IncomingMessage, status: 500 | 503): { type: string; body: string; headers: Record<string, string> } {
  const code = status === 503 ? 'SlowDown' : 'InternalError';
  const message = status === 503 ? 'Please reduce your request rate.' : 'We encountered an internal error. Please try again.';
  const ct = req.headers['content-type'] ?? '';
  if (/x-www-form-urlencoded/.test(ct)) {
    // EC2 Query API.
    const ec2Code = status === 503 ? 'RequestLimitExceeded' : 'InternalError';
    return { type: 'text/xml', body: `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>${ec2Code}</Code><Message>${message}</Message></Error></Errors><RequestID>fault</RequestID></Response>`, headers: {} };
  }
  if (req.headers['x-amz-content-sha256'] !== undefined && !/^\/snapshots/.test(req.url ?? '')) {
    // S3 (REST-XML).
    return { type: 'application/xml', body: `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><RequestId>fault</RequestId></Error>`, headers: {} };
  }
  // EBS direct (REST-JSON).
  return { type: 'application/json', body: JSON.stringify({ Message: message }), headers: { 'x-amzn-errortype': status === 503 ? 'RequestThrottledException' : 'InternalServerException' } };
}

export async function startFaultProxy(target: string, options: FaultProxyOptions): Promise<FaultProxy> {
  const t = new URL(target);
  const random = prng(options.seed ?? 1);
  const kinds: readonly FaultKind[] = options.kinds ?? ['drop', 'drop-after', 'stall', '500', '503'];
  const counts: FaultProxy['counts'] = { requests: 0, passed: 0, drop: 0, 'drop-after': 0, stall: 0, '500': 0, '503': 0 };
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const timers = new Set<NodeJS.Timeout>();

  const forward = (req: http.IncomingMessage, onResponse: (r: http.IncomingMessage) => void, onError: () => void) => {
    const up = http.request({ host: t.hostname, port: t.port, method: req.method, path: req.url, headers: { ...req.headers, host: t.host }, agent }, onResponse);
    up.on('error', onError);
    req.pipe(up);
  };

  const server = http.createServer((req, res) => {
    counts.requests++;
    const fault: FaultKind | undefined = random() < options.rate ? kinds[Math.floor(random() * kinds.length)] : undefined;
    if (fault) counts[fault]++;
    const reset = () => req.socket.destroy();
    if (fault === 'drop') return reset();
    if (fault === 'stall') {
      const timer = setTimeout(() => {
        timers.delete(timer);
        reset();
      }, options.stallMs ?? 300);
      timers.add(timer);
      return;
    }
    if (fault === '500' || fault === '503') {
      // Read the body first (as a server does), then refuse.
      req.resume();
      req.on('end', () => {
        const e = errorBody(req, fault === '500' ? 500 : 503);
        res.writeHead(Number(fault), { 'content-type': e.type, 'content-length': Buffer.byteLength(e.body), ...e.headers });
        res.end(e.body);
      });
      return;
    }
    forward(
      req,
      (up) => {
        if (fault === 'drop-after') {
          up.resume();
          up.on('end', reset);
          return;
        }
        counts.passed++;
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
      () => reset(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    counts,
    options,
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        agent.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
