import http from 'node:http';
import https from 'node:https';
import tls from 'node:tls';
import type { Duplex } from 'node:stream';
import { DiscoveryError } from '../errors';

/** A SHA-1 thumbprint as vSphere shows it: upper-case hex pairs joined by colons. */
export function normalizeThumbprint(t: string): string {
  const hex = t.replace(/[^0-9a-f]/gi, '').toUpperCase();
  return hex.match(/.{2}/g)?.join(':') ?? '';
}

export function isThumbprint(t: string): boolean {
  return /^[0-9A-F]{40}$/i.test(t.replace(/[:\s-]/g, ''));
}

export interface TransportOptions {
  url: URL;
  /** Accept a certificate that does not chain to a trusted CA when its SHA-1 thumbprint is this. */
  thumbprint?: string;
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface HttpAnswer {
  status: number;
  body: string;
  setCookie: string[];
}

const MAX_BODY = 256 * 1024 * 1024;

/**
 * HTTPS POSTs to one vCenter. The TLS socket is checked before the request is handed to it (the agent's
 * createConnection waits for the handshake): a certificate that chains to a trusted CA and names the host is
 * accepted; otherwise only one whose SHA-1 thumbprint equals the pinned one. Nothing (credentials included)
 * is written to a socket that failed the check. Plain http is accepted for loopback only (vcsim without TLS).
 */
export class SoapTransport {
  private readonly agent: http.Agent;
  private readonly pinned: string | undefined;

  constructor(private readonly opts: TransportOptions) {
    const { url } = opts;
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname))) {
      throw new DiscoveryError('discovery-unreachable', `Only https:// addresses are accepted (plain http only on this machine), not ${url.protocol}//${url.host}.`);
    }
    this.pinned = opts.thumbprint ? normalizeThumbprint(opts.thumbprint) : undefined;
    if (url.protocol === 'http:') {
      this.agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
      return;
    }
    const pinned = this.pinned;
    const agent = new https.Agent({ keepAlive: true, maxSockets: 4 });
    // Node's agent accepts a createConnection that answers through the callback: the request waits for it.
    (agent as unknown as { createConnection: (o: tls.ConnectionOptions, cb: (err: Error | null, s?: Duplex) => void) => undefined }).createConnection = (o, cb) => {
      const socket = tls.connect({ ...o, host: url.hostname.replace(/^\[|\]$/g, ''), port: Number(url.port || 443), servername: /^[\d.]+$|:/.test(url.hostname) ? '' : url.hostname, rejectUnauthorized: false });
      let done = false;
      const finish = (err: Error | null) => {
        if (done) return;
        done = true;
        if (err) {
          socket.destroy();
          cb(err);
        } else cb(null, socket);
      };
      socket.once('error', (e) => finish(e));
      socket.once('secureConnect', () => {
        const cert = socket.getPeerCertificate();
        const thumb = cert?.fingerprint ? normalizeThumbprint(cert.fingerprint) : '';
        const hostOk = socket.authorized && tls.checkServerIdentity(url.hostname.replace(/^\[|\]$/g, ''), cert) === undefined;
        if (hostOk || (pinned && thumb === pinned)) return finish(null);
        finish(
          new DiscoveryError(
            'discovery-certificate-untrusted',
            pinned
              ? `The certificate of ${url.host} has changed: its SHA-1 thumbprint is ${thumb}, not the accepted ${pinned}. Check with the vCenter administrator before accepting the new one.`
              : `The certificate of ${url.host} is not trusted (${socket.authorizationError ?? 'self-signed'}). Its SHA-1 thumbprint is ${thumb}; compare it with the one vCenter shows, then accept it (--thumbprint).`,
            { thumbprint: thumb, host: url.host, subject: subjectLine(cert?.subject), issuer: subjectLine(cert?.issuer), validTo: cert?.valid_to ?? null },
          ),
        );
      });
      return undefined;
    };
    this.agent = agent;
  }

  async post(body: string, headers: Record<string, string>): Promise<HttpAnswer> {
    return this.request('POST', this.opts.url, { 'Content-Type': 'text/xml; charset=utf-8', ...headers }, body);
  }

  /**
   * Any request to the same host and port (the vAPI REST endpoints next to /sdk): `path` is resolved against the
   * SDK address; the certificate check and the keep-alive sockets are the SOAP calls'.
   */
  async request(method: 'GET' | 'POST' | 'DELETE', target: string | URL, headers: Record<string, string>, body = ''): Promise<HttpAnswer> {
    const { url: base, timeoutMs = 60_000, signal } = this.opts;
    const url = typeof target === 'string' ? new URL(target, base) : target;
    if (url.origin !== base.origin) throw new DiscoveryError('discovery-failed', `Refusing a request to ${url.host}: only ${base.host} is contacted.`);
    const lib = url.protocol === 'https:' ? https : http;
    return new Promise<HttpAnswer>((resolve, reject) => {
      const req = lib.request(
        url,
        { method, agent: this.agent, headers: { ...(body || method === 'POST' ? { 'Content-Length': Buffer.byteLength(body) } : {}), ...headers }, timeout: timeoutMs, ...(signal ? { signal } : {}) },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (c: Buffer) => {
            size += c.length;
            if (size > MAX_BODY) {
              req.destroy(new DiscoveryError('discovery-malformed-response', `The answer of ${url.host} is larger than ${MAX_BODY / 1024 / 1024} MiB.`));
              return;
            }
            chunks.push(c);
          });
          res.on('end', () => {
            const sc = res.headers['set-cookie'];
            resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), setCookie: Array.isArray(sc) ? sc : sc ? [sc] : [] });
          });
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new DiscoveryError('discovery-unreachable', `${url.host} did not answer within ${Math.round(timeoutMs / 1000)} s.`)));
      req.on('error', (e) => reject(toTransportError(e, url, signal)));
      req.end(body);
    });
  }

  /** host:port of the server, for messages. */
  get host(): string {
    return this.opts.url.host;
  }

  close(): void {
    this.agent.destroy();
  }
}

function toTransportError(e: Error, url: URL, signal?: AbortSignal): Error {
  if (e instanceof DiscoveryError) return e;
  if (signal?.aborted) return e;
  const code = (e as NodeJS.ErrnoException).code ?? '';
  const why: Record<string, string> = {
    ECONNREFUSED: 'refused the connection',
    ENOTFOUND: 'is not a known host name',
    EAI_AGAIN: 'could not be looked up',
    ECONNRESET: 'closed the connection',
    EHOSTUNREACH: 'cannot be reached',
    ENETUNREACH: 'cannot be reached (no route)',
    ETIMEDOUT: 'did not answer in time',
    EPROTO: 'does not speak TLS on this port',
  };
  return new DiscoveryError('discovery-unreachable', `${url.host} ${why[code] ?? `cannot be reached (${code || e.message.slice(0, 80)})`}. Check the address and that this machine can reach it.`, { code });
}

/** A certificate subject or issuer as one short line (`CN=vc.example.com, O=VMware`), or null. */
function subjectLine(name: Record<string, string | string[] | undefined> | undefined): string | null {
  if (!name) return null;
  const parts = Object.entries(name)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('+') : v}`);
  return parts.length ? parts.join(', ').slice(0, 300) : null;
}
