// Real peer: govmomi 0.24.2's vCenter simulator (../shared/peers/start-vcsim.sh) on a private port. vcsim's
// PerformanceManager generates samples for cpu.usage, mem.usage, mem.active, net.usage and net.received/transmitted of
// a VM (it lists no VM disk counter, though QueryPerf serves disk.usage samples), keeps no historicalInterval list, and
// serves tagging on /rest only. test/helpers/vcsim-proxy.ts makes it look like a vCenter at statistics level 1, or one
// that serves tagging only under /api (test/fakes/vapi-tagging.fake.ts).
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { Readable, Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discoverVcenter } from '../../../main/discovery/vcenter/vcenter-discovery';
import { ProjectDocumentSchema } from '../../../main/common/model/project';
import { discoverVcenterCommand } from '../../../main/cli/discover.command';
import { startPeer, stopPeer } from '../../helpers/peers';
import { tempDir } from '../../helpers/temp-dir';
import { labelVcsim } from '../../helpers/vcsim-labels';
import { statisticsLevel1, vcsimProxy } from '../../helpers/vcsim-proxy';
import { fakeVapiTagging } from '../../fakes/vapi-tagging.fake';
import { peerPort } from '../../helpers/ports';

const PASSWORD = 'pass';
let url = '';
let thumbprint = '';
let env: Record<string, string> = {};
let dir = '';
let tagged = '';
let other = '';

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
  const port = await peerPort();
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
    const proxy = await vcsimProxy(url, { rest: false });
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
    const proxy = await vcsimProxy(url, { rest: false });
    try {
      const inv = await discoverVcenter({ url: proxy.url, user: 'user', password: PASSWORD });
      expect(inv.vms.length).toBeGreaterThan(0);
      expect(inv.warnings).toEqual([expect.stringMatching(/vSphere tags were not read: .*no tagging service \(HTTP 404 at \/rest, 404 at \/api; an ESXi host has none\)/)]);
      // Custom attributes come over SOAP and are still read.
      expect(inv.vms.find((v) => v.moref === tagged)!.customAttributes).toMatchObject({ 'Cost centre': 'CC-4711' });
    } finally {
      await proxy.close();
    }
  });

  it('at statistics level 1 (vCenter\'s default) the disk and network totals are read over the period, with no warning', async () => {
    const proxy = await vcsimProxy(url, { rewrite: await statisticsLevel1(url, thumbprint) });
    try {
      const inv = await discoverVcenter({ url: proxy.url, user: 'user', password: PASSWORD, perfPeriod: 'day' });
      expect(inv.warnings).toEqual([]);
      expect(proxy.calls).toContain('QueryAvailablePerfMetric');
      for (const vm of inv.vms) {
        const p = vm.perf!;
        expect(p.counters).toEqual(expect.arrayContaining(['disk.usage.average', 'net.usage.average']));
        expect(p.netInKBps).toBeUndefined();
        expect(p.diskReadKBps).toBeUndefined();
        for (const s of [p.diskTotalKBps!, p.netTotalKBps!]) {
          expect(s.avg).toBeLessThanOrEqual(s.p95);
          expect(s.p95).toBeLessThanOrEqual(s.max);
          expect(s.max).toBeGreaterThan(0);
        }
      }
      // Through the CLI into a project: the totals with their p95 and max, and where they came from.
      const project = path.join(dir, 'level1.mwb.json');
      const run = await cli({ url: proxy.url, user: 'user', passwordStdin: true, project, json: true, perfPeriod: 'day' }, `${PASSWORD}\n`);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      const s = ProjectDocumentSchema.parse(JSON.parse(await readFile(project, 'utf8'))).inventory.servers.find((x) => x.identity.moref === tagged)!;
      const u = s.utilization!;
      expect(u).toMatchObject({ samples: 288, periodSeconds: 86_400 });
      expect(u.diskTotalKBps!).toBeLessThanOrEqual(u.diskTotalKBpsP95!);
      expect(u.diskTotalKBpsP95!).toBeLessThanOrEqual(u.diskTotalKBpsMax!);
      expect(u.netTotalKBps!).toBeLessThanOrEqual(u.netTotalKBpsP95!);
      expect(u.netTotalKBpsMax).toBeGreaterThan(0);
      expect(u.netInKBps).toBeUndefined();
      expect(s.provenance.utilization).toMatch(/disk\.usage\.average.*net\.usage\.average|net\.usage\.average.*disk\.usage\.average/);
      expect(JSON.parse(run.stdout).warnings).toEqual([]);
    } finally {
      await proxy.close();
    }
  });

  it('a vCenter that refuses /rest (404) gives its tags through /api/cis/tagging', async () => {
    const api = fakeVapiTagging({
      categories: [{ id: 'urn:vmomi:InventoryServiceCategory:c1:GLOBAL', name: 'Environment' }],
      tags: [{ id: 'urn:vmomi:InventoryServiceTag:t1:GLOBAL', name: 'Staging', category_id: 'urn:vmomi:InventoryServiceCategory:c1:GLOBAL' }],
      attached: { 'urn:vmomi:InventoryServiceTag:t1:GLOBAL': [{ type: 'VirtualMachine', id: other }] },
    });
    const proxy = await vcsimProxy(url, { rest: false, api });
    try {
      const inv = await discoverVcenter({ url: proxy.url, user: 'user', password: PASSWORD });
      expect(inv.warnings).toEqual([]);
      expect(inv.vms.find((v) => v.moref === other)!.tags).toEqual([{ category: 'Environment', name: 'Staging' }]);
      expect(inv.vms.find((v) => v.moref === tagged)!.tags).toBeUndefined();
      expect(api.requests[0]).toBe('POST /api/session');
      expect(api.sessions.size).toBe(0);
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
