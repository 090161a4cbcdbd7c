/**
 * FAKE AWS Application Migration Service (MGN) endpoint for tests: NOT AWS, not moto (moto has no MGN). A small
 * node:http server on 127.0.0.1 (port 0) answering the two read operations the dashboard uses, on the restJson1
 * paths @aws-sdk/client-mgn sends them to:
 *   DescribeSourceServers  POST /DescribeSourceServers  {filters, maxResults, nextToken} → {items, nextToken}
 *   DescribeJobs           POST /DescribeJobs           {filters, maxResults, nextToken} → {items, nextToken}
 * Responses are shaped as the MGN API reference documents them (camelCase members, ISO 8601 date strings). It pages
 * by `maxResults` (capped at `pageSize`), checks that an Authorization header is present (not the SigV4 signature),
 * and can answer an error instead (`failWith`), as AWS does: status plus `x-amzn-errortype`.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { MgnJob, MgnSourceServer } from '../../main/common/model/mgn';

export interface FakeMgnOptions {
  readonly sourceServers: MgnSourceServer[];
  readonly jobs: MgnJob[];
  /** Items per page at most, whatever maxResults asks (default 2: paging is always exercised). */
  readonly pageSize?: number;
}

export interface FakeMgn {
  readonly url: string;
  /** Every request: path and body as sent. */
  readonly requests: Array<{ path: string; body: Record<string, unknown> }>;
  /** Answer every later request with this error (null: answer normally). */
  failWith(error: { status: number; type: string; message: string } | null): void;
  close(): Promise<void>;
}

export async function startFakeMgn(options: FakeMgnOptions): Promise<FakeMgn> {
  const requests: FakeMgn['requests'] = [];
  let failure: { status: number; type: string; message: string } | null = null;
  const pageSize = options.pageSize ?? 2;

  const send = (res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
    res.end(text);
  };

  const page = <T>(items: T[], body: Record<string, unknown>) => {
    const start = typeof body['nextToken'] === 'string' ? Number(body['nextToken']) : 0;
    const max = Math.min(typeof body['maxResults'] === 'number' ? body['maxResults'] : 1000, pageSize);
    const slice = items.slice(start, start + max);
    const next = start + max < items.length ? String(start + max) : undefined;
    return { items: slice, ...(next ? { nextToken: next } : {}) };
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > 65536) req.destroy();
      else chunks.push(c);
    });
    req.on('end', () => {
      const path = (req.url ?? '').split('?')[0]!;
      let body: Record<string, unknown> = {};
      try {
        body = chunks.length ? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>) : {};
      } catch {
        return send(res, 400, { message: 'body is not JSON' }, { 'x-amzn-errortype': 'ValidationException' });
      }
      requests.push({ path, body });
      if (!req.headers.authorization) return send(res, 403, { message: 'Missing Authentication Token' }, { 'x-amzn-errortype': 'UnrecognizedClientException' });
      if (failure) return send(res, failure.status, { message: failure.message }, { 'x-amzn-errortype': failure.type });
      if (req.method !== 'POST') return send(res, 405, { message: 'method not allowed' }, { 'x-amzn-errortype': 'ValidationException' });
      if (path === '/DescribeSourceServers') {
        const ids = (body['filters'] as { sourceServerIDs?: string[] } | undefined)?.sourceServerIDs;
        const items = ids?.length ? options.sourceServers.filter((s) => ids.includes(s.sourceServerID)) : options.sourceServers;
        return send(res, 200, page(items, body));
      }
      if (path === '/DescribeJobs') return send(res, 200, page(options.jobs, body));
      return send(res, 404, { message: `no operation at ${path.slice(0, 100)}` }, { 'x-amzn-errortype': 'ResourceNotFoundException' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    failWith(error) {
      failure = error;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Source servers and jobs shaped as the MGN API reference's examples, for servers of a test inventory. */
export function mgnSampleResponses(): { sourceServers: MgnSourceServer[]; jobs: MgnJob[] } {
  const server = (id: string, o: { hostname: string; fqdn?: string; uuid?: string; ips: string[]; life: string; repl: string; total: number; replicated: number; error?: { error: string; rawError: string } }): MgnSourceServer => ({
    sourceServerID: id,
    arn: `arn:aws:mgn:eu-central-1:111122223333:source-server/${id}`,
    isArchived: false,
    replicationType: 'AGENT_BASED',
    tags: {},
    lifeCycle: { state: o.life, addedToServiceDateTime: '2026-11-01T10:00:00Z', lastSeenByServiceDateTime: '2026-11-20T08:00:00Z' },
    dataReplicationInfo: {
      dataReplicationState: o.repl,
      lagDuration: 'PT12S',
      lastSnapshotDateTime: '2026-11-20T07:50:00Z',
      replicatedDisks: [{ deviceName: '/dev/sda', totalStorageBytes: o.total, replicatedStorageBytes: o.replicated, backloggedStorageBytes: 0, rescannedStorageBytes: 0 }],
      ...(o.error ? { dataReplicationError: o.error } : {}),
    },
    sourceProperties: {
      identificationHints: { hostname: o.hostname, ...(o.fqdn ? { fqdn: o.fqdn } : {}), ...(o.uuid ? { vmWareUuid: o.uuid } : {}) },
      networkInterfaces: [{ macAddress: '00:50:56:aa:bb:cc', ips: o.ips, isPrimary: true }],
      disks: [{ deviceName: '/dev/sda', bytes: o.total }],
      os: { fullString: 'Ubuntu 22.04.3 LTS' },
    },
  });
  return {
    sourceServers: [
      server('s-1111111111111111a', { hostname: 'web01', fqdn: 'web01.corp.example', ips: ['10.0.0.11'], life: 'READY_FOR_TEST', repl: 'CONTINUOUS', total: 64 * 2 ** 30, replicated: 64 * 2 ** 30 }),
      server('s-2222222222222222b', { hostname: 'db-host', uuid: '4211aaaa-bbbb-cccc-dddd-eeeeffff0001', ips: ['10.0.0.21'], life: 'NOT_READY', repl: 'INITIAL_SYNC', total: 200 * 2 ** 30, replicated: 50 * 2 ** 30 }),
      server('s-3333333333333333c', { hostname: 'app01', ips: ['10.0.0.31'], life: 'NOT_READY', repl: 'STALLED', total: 100 * 2 ** 30, replicated: 10 * 2 ** 30, error: { error: 'FAILED_TO_CONNECT_AGENT_TO_REPLICATION_SERVER', rawError: 'timeout' } }),
      server('s-4444444444444444d', { hostname: 'unknown-box', ips: ['192.0.2.99'], life: 'DISCOVERED', repl: 'STOPPED', total: 10 * 2 ** 30, replicated: 0 }),
    ],
    jobs: [
      {
        jobID: 'mgnjob-1111111111111111a',
        arn: 'arn:aws:mgn:eu-central-1:111122223333:job/mgnjob-1111111111111111a',
        type: 'LAUNCH',
        initiatedBy: 'START_TEST',
        status: 'COMPLETED',
        creationDateTime: '2026-11-19T10:00:00Z',
        endDateTime: '2026-11-19T10:25:00Z',
        participatingServers: [{ sourceServerID: 's-1111111111111111a', launchStatus: 'LAUNCHED', launchedEc2InstanceID: 'i-0123456789abcdef0' }],
      },
      {
        jobID: 'mgnjob-2222222222222222b',
        type: 'LAUNCH',
        initiatedBy: 'START_CUTOVER',
        status: 'STARTED',
        creationDateTime: '2026-11-20T09:00:00Z',
        participatingServers: [{ sourceServerID: 's-1111111111111111a', launchStatus: 'IN_PROGRESS' }],
      },
    ],
  };
}
