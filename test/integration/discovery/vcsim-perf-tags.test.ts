// Real peer: govmomi 0.24.2's vCenter simulator (../shared/peers/start-vcsim.sh) on a private port. vcsim's
// PerformanceManager generates samples for cpu.usage, mem.usage, mem.active and net.received/transmitted of a VM
// (no VM disk counters), keeps no historicalInterval list, and serves tagging on /rest only.
import { readFile, rm } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import path from 'node:path';
import { Readable, Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discoverVcenter } from '../../../main/discovery/vcenter/vcenter-discovery';
import { ProjectDocumentSchema } from '../../../main/common/model/project';
import { discoverVcenterCommand } from '../../../main/cli/discover.command';
import { startPeer, stopPeer } from '../../helpers/peers';
import { tempDir } from '../../helpers/temp-dir';
import { labelVcsim } from '../../helpers/vcsim-labels';

const PASSWORD = 'pass';
let url = '';
let thumbprint = '';
let env: Record<string, string> = {};
let dir = '';
let tagged = '';
let other = '';

async function freePort(): Promise<number> {
  const srv = net.createServer().listen(0, '127.0.0.1');
  await new Promise((r) => srv.once('listening', r));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise((r) => srv.close(r));
  return port;
}

/** A loopback proxy in front of vcsim that serves /sdk only (as an ESXi host has no /rest) and records the SOAP calls. */
async function sdkOnlyProxy(): Promise<{ url: string; calls: string[]; close(): Promise<void> }> {
  const target = new URL(url);
  const calls: string[] = [];
  const srv = http.createServer((req, res) => {
    if (!req.url?.startsWith('/sdk')) {
      res.writeHead(404).end();
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      calls.push(/<soapenv:Body><(\w+)/.exec(body.toString('utf8'))?.[1] ?? '?');
      const up = https.request({ host: target.hostname, port: target.port, path: req.url, method: 'POST', headers: { ...req.headers, host: target.host }, rejectUnauthorized: false }, (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.pipe(res);
      });
      up.on('error', () => res.writeHead(502).end());
      up.end(body);
    });
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(srv.address() as net.AddressInfo).port}/sdk`, calls, close: () => new Promise((r) => srv.close(() => r())) };
}

function cli(args: Parameters<typeof discoverVcenterCommand>[0], stdin: string) {
  let stdout = '';
  let stderr = '';
  const errStream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      stderr += String(chunk);
      cb();
    },
  });
  return discoverVcenterCommand(args, { stdout: (s) => (stdout += s), stderr: errStream, stdin: Readable.from([stdin]) }).then((code) => ({ code, stdout, stderr }));
}

beforeAll(async () => {
  dir = await tempDir('mwb-vcsim-perf-');
  const port = await freePort();
  env = { VCSIM_PORT: String(port), VCSIM_PIDFILE: path.join(dir, 'vcsim.pid'), VCSIM_ARGS: '-dc 1 -cluster 1 -host 2 -vm 2 -standalone-host 0' };
  url = await startPeer('start-vcsim.sh', [], env, 600_000);
  const err = await discoverVcenter({ url, user: 'user', password: PASSWORD }).catch((e: unknown) => e);
  thumbprint = (err as { details?: { thumbprint?: string } }).details?.thumbprint ?? '';
  const inv = await discoverVcenter({ url, user: 'user', password: PASSWORD, thumbprint, tags: false });
  [tagged, other] = inv.vms.map((v) => v.moref) as [string, string];
  await labelVcsim(url, thumbprint, {
    tags: { [tagged]: [['Environment', 'Production'], ['Environment', 'PCI'], ['Owner', 'Finance']], [other]: [['Environment', 'Test']] },
    attributes: { [tagged]: { 'Cost centre': 'CC-4711', 'com.vmware.vsan.test': 'internal' } },
  });
}, 620_000);
afterAll(async () => {
  if (env.VCSIM_PIDFILE) await stopPeer('start-vcsim.sh', env);
  await rm(dir, { recursive: true, force: true });
});

describe('vCenter performance statistics, tags and custom attributes against vcsim', () => {
  it('reads a day of 5-minute statistics for every VM, batched, with average, p95 and max', async () => {
    const progress: string[] = [];
    const inv = await discoverVcenter({ url, user: 'user', password: PASSWORD, thumbprint, perfPeriod: 'day', progress: (_d, _t, m) => progress.push(m) });
    expect(inv.perf).toEqual({ period: 'day', intervalId: 300, seconds: 86_400, vms: inv.vms.length });
    expect(progress.some((m) => /Reading performance statistics: \d+ of \d+ VMs/.test(m))).toBe(true);
    for (const vm of inv.vms) {
      const p = vm.perf!;
      expect(p).toMatchObject({ intervalId: 300, samples: 288, periodSeconds: 86_400 });
      expect(p.counters).toEqual(expect.arrayContaining(['cpu.usage.average', 'mem.usage.average', 'net.received.average', 'net.transmitted.average']));
      for (const s of [p.cpuPct!, p.memPct!, p.netInKBps!, p.netOutKBps!]) {
        expect(s.avg).toBeLessThanOrEqual(s.p95);
        expect(s.p95).toBeLessThanOrEqual(s.max);
        expect(s.max).toBeGreaterThan(0);
      }
      // vcsim's samples are hundredths of a percent (776 = 7.76 %): percentages stay percentages.
      expect(p.cpuPct!.max).toBeLessThanOrEqual(100);
      expect(p.memPct!.max).toBeLessThanOrEqual(100);
      // vcsim has no disk counters for a VM: none is made up.
      expect(p.diskReadKBps).toBeUndefined();
      expect(p.diskIops).toBeUndefined();
    }
  });

  it('reads the month at 2-hour samples; without a period no statistics call is made', async () => {
    const proxy = await sdkOnlyProxy();
    try {
      const month = await discoverVcenter({ url: proxy.url, user: 'user', password: PASSWORD, perfPeriod: 'month' });
      expect(month.perf).toMatchObject({ intervalId: 7200, seconds: 30 * 86_400 });
      expect(month.vms[0]!.perf).toMatchObject({ samples: 360, intervalId: 7200 });
      expect(proxy.calls.filter((c) => c === 'QueryPerf').length).toBeGreaterThanOrEqual(1);
      proxy.calls.length = 0;
      const none = await discoverVcenter({ url: proxy.url, user: 'user', password: PASSWORD });
      expect(none.perf).toBeUndefined();
      expect(none.vms.every((v) => v.perf === undefined)).toBe(true);
      expect(proxy.calls.filter((c) => /Perf/.test(c))).toEqual([]);
    } finally {
      await proxy.close();
    }
  });

  it('reads vSphere tags (category and name) and custom attributes of each VM', async () => {
    const inv = await discoverVcenter({ url, user: 'user', password: PASSWORD, thumbprint });
    expect(inv.warnings).toEqual([]);
    const vm = inv.vms.find((v) => v.moref === tagged)!;
    expect(vm.tags).toEqual([
      { category: 'Environment', name: 'PCI' },
      { category: 'Environment', name: 'Production' },
      { category: 'Owner', name: 'Finance' },
    ]);
    expect(vm.customAttributes).toEqual({ 'Cost centre': 'CC-4711', 'com.vmware.vsan.test': 'internal' });
    expect(inv.vms.find((v) => v.moref === other)!.tags).toEqual([{ category: 'Environment', name: 'Test' }]);
  });

  it('a server without the tagging service (as ESXi) is a warning in the report, not a failure', async () => {
    const proxy = await sdkOnlyProxy();
    try {
      const inv = await discoverVcenter({ url: proxy.url, user: 'user', password: PASSWORD });
      expect(inv.vms.length).toBeGreaterThan(0);
      expect(inv.warnings).toEqual([expect.stringMatching(/vSphere tags were not read: .*no tagging service \(HTTP 404; an ESXi host has none\)/)]);
      // Custom attributes come over SOAP and are still read.
      expect(inv.vms.find((v) => v.moref === tagged)!.customAttributes).toMatchObject({ 'Cost centre': 'CC-4711' });
    } finally {
      await proxy.close();
    }
  });

  it('mwb discover vcenter --perf-period week writes utilization, tags and attributes into the project as a re-import would', async () => {
    const project = path.join(dir, 'perf.mwb.json');
    const base = { url, user: 'user', passwordStdin: true, thumbprint, project, json: true };
    const quick = await cli(base, `${PASSWORD}\n`);
    expect(quick.code).toBe(0);
    const week = await cli({ ...base, perfPeriod: 'week' }, `${PASSWORD}\n`);
    expect(week.stderr).toBe('');
    expect(week.code).toBe(0);
    const doc = ProjectDocumentSchema.parse(JSON.parse(await readFile(project, 'utf8')));
    expect(doc.discovery?.sources[0]).toMatchObject({ kind: 'vcenter', perfPeriod: 'week' });
    const s = doc.inventory.servers.find((x) => x.identity.moref === tagged)!;
    expect(s.utilization).toMatchObject({ samples: 336, periodSeconds: 7 * 86_400 });
    const u = s.utilization!;
    expect(u.cpuAvgPct!).toBeLessThanOrEqual(u.cpuP95Pct!);
    expect(u.cpuP95Pct!).toBeLessThanOrEqual(u.cpuMaxPct!);
    expect(u.memMaxPct).toBeGreaterThan(0);
    expect(u.netInKBpsP95).toBeGreaterThan(0);
    expect(s.provenance.utilization).toMatch(/performance statistics, 336 samples of 1800 s over 7 days \(cpu\.usage\.average/);
    expect(s.tags).toMatchObject({ Environment: 'PCI, Production', Owner: 'Finance', 'Cost centre': 'CC-4711' });
    expect(s.tags).not.toHaveProperty('com.vmware.vsan.test');
    expect(s.provenance['tags.Environment']).toMatch(/vSphere tags of category Environment/);
    expect(s.provenance['tags.Cost centre']).toMatch(/customValue \(custom attribute Cost centre\)/);
    // A later run without a period keeps the week's figures rather than a reading of one moment.
    const again = await cli(base, `${PASSWORD}\n`);
    expect(again.code).toBe(0);
    const doc2 = ProjectDocumentSchema.parse(JSON.parse(await readFile(project, 'utf8')));
    const s2 = doc2.inventory.servers.find((x) => x.identity.moref === tagged)!;
    expect(s2.utilization).toEqual(u);
    expect(doc2.discovery?.sources[0]).not.toHaveProperty('perfPeriod');
  });
});
