import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { z } from 'zod';
import { soapBody, parseRetrieveResult } from '../../../../main/discovery/vcenter/vim-client';
import { chooseInterval, parseAvailable, parsePerfCounters, parsePerfIntervals, parseQueryPerf, perfFromSeries, readPerf, type PerfCounter, type PerfMetric } from '../../../../main/discovery/vcenter/perf';
import type { VimClient } from '../../../../main/discovery/vcenter/vim-client';
import { JSON_API, parseRest, REST_API } from '../../../../main/discovery/vcenter/tagging';
import { customFieldNames, customValuesOf, vmFromObject, type VcVm } from '../../../../main/discovery/vcenter/vcenter-discovery';
import { child } from '../../../../main/discovery/xml';
import { DiscoveryError } from '../../../../main/discovery/errors';
import { serverFromVcVm } from '../../../../main/services/discovery/discovery.mappers';
import { mergeServer } from '../../../../main/common/model/inventory-import';
import { ServerSchema } from '../../../../main/common/model/server';

const env = (body: string) =>
  `<?xml version="1.0"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:XMLSchema-instance="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body>${body}</soapenv:Body></soapenv:Envelope>`;

const counter = (key: number, group: string, name: string, rollup: string, unit: string, level: number) =>
  `<PerfCounterInfo><key>${key}</key><nameInfo XMLSchema-instance:type="ElementDescription"><label>x</label><key>${name}</key></nameInfo><groupInfo XMLSchema-instance:type="ElementDescription"><key>${group}</key></groupInfo><unitInfo XMLSchema-instance:type="ElementDescription"><key>${unit}</key></unitInfo><rollupType>${rollup}</rollupType><statsType>rate</statsType><level>${level}</level></PerfCounterInfo>`;

// PerformanceManager's perfCounter and historicalInterval as vCenter 8 sends them (keys differ per vCenter).
const PERF_PROPS = `<RetrievePropertiesExResponse xmlns="urn:vim25"><returnval><objects><obj type="PerformanceManager">PerfMgr</obj>
<propSet><name>perfCounter</name><val XMLSchema-instance:type="ArrayOfPerfCounterInfo">${[
  counter(6, 'cpu', 'usage', 'average', 'percent', 1),
  counter(7, 'cpu', 'usage', 'maximum', 'percent', 4),
  counter(24, 'mem', 'usage', 'average', 'percent', 1),
  counter(33, 'mem', 'active', 'average', 'kiloBytes', 2),
  counter(130, 'disk', 'read', 'average', 'kiloBytesPerSecond', 2),
  counter(131, 'disk', 'write', 'average', 'kiloBytesPerSecond', 2),
  counter(125, 'disk', 'usage', 'average', 'kiloBytesPerSecond', 1),
  counter(136, 'disk', 'numberReadAveraged', 'average', 'number', 1),
  counter(137, 'disk', 'numberWriteAveraged', 'average', 'number', 1),
  counter(143, 'net', 'usage', 'average', 'kiloBytesPerSecond', 1),
  counter(148, 'net', 'received', 'average', 'kiloBytesPerSecond', 2),
  counter(149, 'net', 'transmitted', 'average', 'kiloBytesPerSecond', 2),
].join('')}</val></propSet>
<propSet><name>historicalInterval</name><val XMLSchema-instance:type="ArrayOfPerfInterval">
<PerfInterval><key>1</key><samplingPeriod>300</samplingPeriod><name>Past day</name><length>86400</length><level>1</level><enabled>true</enabled></PerfInterval>
<PerfInterval><key>2</key><samplingPeriod>1800</samplingPeriod><name>Past week</name><length>604800</length><level>1</level><enabled>true</enabled></PerfInterval>
<PerfInterval><key>3</key><samplingPeriod>7200</samplingPeriod><name>Past month</name><length>2592000</length><level>1</level><enabled>false</enabled></PerfInterval>
<PerfInterval><key>4</key><samplingPeriod>86400</samplingPeriod><name>Past year</name><length>31536000</length><level>1</level><enabled>true</enabled></PerfInterval>
</val></propSet></objects></returnval></RetrievePropertiesExResponse>`;

const series = (id: number, values: number[], instance = '') => `<value XMLSchema-instance:type="PerfMetricIntSeries"><id><counterId>${id}</counterId><instance>${instance}</instance></id>${values.map((v) => `<value>${v}</value>`).join('')}</value>`;
const QUERY_PERF = `<QueryPerfResponse xmlns="urn:vim25"><returnval XMLSchema-instance:type="PerfEntityMetric"><entity type="VirtualMachine">vm-42</entity>
<sampleInfo><timestamp>2026-11-29T09:00:00Z</timestamp><interval>300</interval></sampleInfo>
${series(6, [1000, 2000, 3000, -1, 5000])}${series(6, [9999], '0')}${series(24, [2500, 2500, 5000, 7500, 1000])}${series(130, [10, 20, 30, 40, 50])}${series(136, [1, 2, 3, 4, 5])}${series(137, [10, 10, 10, 10, 10])}${series(148, [100, 0, 0, 0, 0])}
</returnval><returnval XMLSchema-instance:type="PerfEntityMetric"><entity type="VirtualMachine">vm-43</entity>${series(33, [524288, 1048576])}</returnval></QueryPerfResponse>`;

function catalogue() {
  const props = parseRetrieveResult(child(soapBody(env(PERF_PROPS), 200, 'vc'), 'returnval')).objects[0]!.props;
  return { counters: parsePerfCounters(props.get('perfCounter')), intervals: parsePerfIntervals(props.get('historicalInterval')) };
}

function metrics(): Map<PerfMetric, PerfCounter> {
  const { counters } = catalogue();
  const names: Record<string, PerfMetric> = { 'cpu.usage.average': 'cpu', 'mem.usage.average': 'mem', 'mem.active.average': 'memActive', 'disk.read.average': 'diskRead', 'disk.write.average': 'diskWrite', 'disk.numberReadAveraged.average': 'diskReads', 'disk.numberWriteAveraged.average': 'diskWrites', 'net.received.average': 'netIn', 'net.transmitted.average': 'netOut' };
  return new Map(Object.entries(names).map(([n, m]) => [m, counters.get(n)!]));
}

/**
 * A VimClient that answers readPerf's three calls as a vCenter would: the catalogue (PERF_PROPS), the counters kept
 * at the interval's statistics level (`available`), and QueryPerf with a series for each counter asked for.
 */
function fakeVim(available: number[]): { client: VimClient; perfCalls: string[] } {
  const perfCalls: string[] = [];
  const samples: Record<number, number[]> = { 6: [1000, 2000], 24: [2500, 5000], 125: [100, 500, 300], 130: [10, 50, 30], 131: [5, 5, 5], 136: [1, 2, 3], 137: [1, 1, 1], 143: [0, 4000, 2000], 148: [1, 2, 3], 149: [3, 2, 1] };
  const client = {
    retrieveOne: async () => parseRetrieveResult(child(soapBody(env(PERF_PROPS), 200, 'vc'), 'returnval')).objects[0]!.props,
    call: async (body: string) => {
      if (body.startsWith('<QueryAvailablePerfMetric>')) return soapBody(env(`<QueryAvailablePerfMetricResponse xmlns="urn:vim25">${available.map((id) => `<returnval><counterId>${id}</counterId><instance></instance></returnval>`).join('')}</QueryAvailablePerfMetricResponse>`), 200, 'vc');
      perfCalls.push(body);
      const asked = [...body.matchAll(/<counterId>(\d+)<\/counterId>/g)].map((m) => Number(m[1]));
      const entity = /<entity type="VirtualMachine">([^<]+)</.exec(body)![1]!;
      return soapBody(env(`<QueryPerfResponse xmlns="urn:vim25"><returnval XMLSchema-instance:type="PerfEntityMetric"><entity type="VirtualMachine">${entity}</entity><sampleInfo><timestamp>2026-11-29T09:00:00Z</timestamp><interval>300</interval></sampleInfo>${asked.map((id) => series(id, samples[id] ?? [])).join('')}</returnval></QueryPerfResponse>`), 200, 'vc');
    },
  };
  return { client: client as unknown as VimClient, perfCalls };
}

describe('vCenter performance statistics parsing', () => {
  it('reads the counter catalogue by group.name.rollup and the historical intervals', () => {
    const { counters, intervals } = catalogue();
    expect(counters.get('cpu.usage.average')).toEqual({ key: 6, unit: 'percent', level: 1 });
    expect(counters.get('cpu.usage.maximum')).toEqual({ key: 7, unit: 'percent', level: 4 });
    expect(counters.get('disk.read.average')).toEqual({ key: 130, unit: 'kiloBytesPerSecond', level: 2 });
    expect(intervals.map((i) => [i.samplingPeriod, i.enabled])).toEqual([[300, true], [1800, true], [7200, false], [86400, true]]);
  });

  it('chooses the interval that fits the period, says what it read instead, and falls back to real time', () => {
    const { intervals } = catalogue();
    expect(chooseInterval('day', intervals)).toEqual({ intervalId: 300, seconds: 86_400 });
    expect(chooseInterval('week', intervals)).toEqual({ intervalId: 1800, seconds: 604_800 });
    // The month interval is disabled: the year interval covers the month with daily samples.
    const month = chooseInterval('month', intervals);
    expect(month).toMatchObject({ intervalId: 86_400, seconds: 2_592_000 });
    expect(month.note).toMatch(/120-minute interval is not enabled, so 1440-minute samples were read/);
    // vcsim and some ESXi builds list no intervals: vCenter's defaults.
    expect(chooseInterval('month', [])).toEqual({ intervalId: 7200, seconds: 2_592_000 });
    // ESXi: one 5-minute interval kept 36 h.
    const esxi = chooseInterval('week', [{ samplingPeriod: 300, length: 129_600, enabled: true }]);
    expect(esxi).toMatchObject({ intervalId: 300, seconds: 129_600 });
    expect(esxi.note).toMatch(/kept for 36 h only, so the last 36 h were read/);
    expect(chooseInterval('day', [{ samplingPeriod: 300, length: 86_400, enabled: false }])).toMatchObject({ intervalId: 20, seconds: 3600, note: expect.stringMatching(/real-time/) });
  });

  it('QueryPerf: aggregate series only, -1 dropped, percent in hundredths, IOPS as reads + writes, mem.active as a share of memory', () => {
    const parsed = parseQueryPerf(soapBody(env(QUERY_PERF), 200, 'vc'));
    expect(parsed.map((p) => p.entity)).toEqual(['vm-42', 'vm-43']);
    expect(parsed[0]!.series.get(6)).toEqual([1000, 2000, 3000, 5000]);
    const m = metrics();
    const a = perfFromSeries(parsed[0]!, m, 4096, 300)!;
    expect(a).toMatchObject({ intervalId: 300, samples: 5, periodSeconds: 1500 });
    expect(a.cpuPct).toEqual({ avg: 27.5, p95: 50, max: 50 });
    expect(a.memPct).toEqual({ avg: 37, p95: 75, max: 75 });
    expect(a.diskReadKBps).toEqual({ avg: 30, p95: 50, max: 50 });
    expect(a.diskWriteKBps).toBeUndefined();
    expect(a.diskIops).toEqual({ avg: 13, p95: 15, max: 15 });
    expect(a.netInKBps).toEqual({ avg: 20, p95: 100, max: 100 });
    expect(a.counters).toEqual(['cpu.usage.average', 'mem.usage.average', 'disk.read.average', 'disk.numberReadAveraged.average', 'disk.numberWriteAveraged.average', 'net.received.average']);
    // 512 MiB and 1 GiB active of 2 GiB configured: 25 % and 50 %.
    expect(perfFromSeries(parsed[1]!, m, 2048, 300)!.memPct).toEqual({ avg: 37.5, p95: 50, max: 50 });
    expect(perfFromSeries({ entity: 'vm-1', series: new Map() }, m, 1024, 300)).toBeUndefined();
    const avail = parseAvailable(soapBody(env('<QueryAvailablePerfMetricResponse xmlns="urn:vim25"><returnval><counterId>6</counterId><instance></instance></returnval><returnval><counterId>12</counterId><instance>0</instance></returnval></QueryAvailablePerfMetricResponse>'), 200, 'vc'));
    expect([...avail]).toEqual([6]);
  });

  it('statistics level 1 (vCenter\'s default): disk.usage and net.usage are asked for and fill the disk and network totals, without a warning', async () => {
    const level1 = [6, 24, 125, 136, 137, 143];
    const { client, perfCalls } = fakeVim(level1);
    const r = await readPerf(client, { type: 'PerformanceManager', value: 'PerfMgr' }, { period: 'day', vms: [{ moref: 'vm-42', memoryMB: 4096 }], now: new Date('2026-11-29T12:00:00Z') });
    expect(r.warnings).toEqual([]);
    // The sums are asked for only because the split is not kept at this level.
    expect(perfCalls[0]).toContain('<counterId>125</counterId>');
    expect(perfCalls[0]).toContain('<counterId>143</counterId>');
    expect(perfCalls[0]).not.toContain('<counterId>130</counterId>');
    const p = r.byMoref.get('vm-42')!;
    expect(p.diskTotalKBps).toEqual({ avg: 300, p95: 500, max: 500 });
    expect(p.netTotalKBps).toEqual({ avg: 2000, p95: 4000, max: 4000 });
    expect(p.diskReadKBps).toBeUndefined();
    expect(p.netInKBps).toBeUndefined();
    expect(p.counters).toEqual(expect.arrayContaining(['disk.usage.average', 'net.usage.average']));

    // Level 2 keeps the split: the sums are not asked for (one series fewer per VM), so no total is made up.
    const level2 = fakeVim([6, 24, 125, 130, 131, 136, 137, 143, 148, 149]);
    const r2 = await readPerf(level2.client, { type: 'PerformanceManager', value: 'PerfMgr' }, { period: 'day', vms: [{ moref: 'vm-42' }], now: new Date('2026-11-29T12:00:00Z') });
    expect(level2.perfCalls[0]).not.toContain('<counterId>125</counterId>');
    expect(level2.perfCalls[0]).not.toContain('<counterId>143</counterId>');
    expect(r2.byMoref.get('vm-42')!.diskTotalKBps).toBeUndefined();
    expect(r2.byMoref.get('vm-42')!.diskReadKBps).toEqual({ avg: 30, p95: 50, max: 50 });
    expect(r2.warnings).toEqual([]);
  });

  it('a CSV-format or entity-less answer is a typed malformed-response error', () => {
    expect(() => parseQueryPerf(soapBody(env('<QueryPerfResponse xmlns="urn:vim25"><returnval XMLSchema-instance:type="PerfEntityMetricCSV"><entity>vm-1</entity></returnval></QueryPerfResponse>'), 200, 'vc'))).toThrow(DiscoveryError);
    expect(() => parseQueryPerf(soapBody(env('<QueryPerfResponse xmlns="urn:vim25"><returnval/></QueryPerfResponse>'), 200, 'vc'))).toThrow(/names no entity/);
  });

  it('fuzz: truncated, mutated or random statistics answers give a typed error or a result, never a crash or a negative figure', () => {
    const m = metrics();
    const good = [env(PERF_PROPS), env(QUERY_PERF)];
    const parse = (xml: string) => {
      try {
        const body = soapBody(xml, 200, 'vc');
        if (body.name === 'QueryPerfResponse') {
          for (const s of parseQueryPerf(body)) {
            const p = perfFromSeries(s, m, 1024, 300);
            for (const stat of [p?.cpuPct, p?.memPct, p?.diskIops, p?.netInKBps]) if (stat) expect(stat.avg).toBeGreaterThanOrEqual(0);
          }
        } else {
          const props = parseRetrieveResult(child(body, 'returnval')).objects[0]?.props;
          parsePerfCounters(props?.get('perfCounter'));
          for (const i of parsePerfIntervals(props?.get('historicalInterval'))) chooseInterval('week', [i]);
        }
      } catch (e) {
        if (!(e instanceof DiscoveryError)) throw e;
      }
    };
    fc.assert(
      fc.property(fc.constantFrom(...good), fc.nat(20_000), fc.nat(60), fc.string({ maxLength: 20 }), (doc, at, len, ins) => {
        const i = at % doc.length;
        parse(doc.slice(0, i));
        parse(doc.slice(0, i) + ins + doc.slice(Math.min(doc.length, i + len)));
      }),
      { numRuns: 400 },
    );
    fc.assert(fc.property(fc.string({ maxLength: 300 }), (s) => parse(s)), { numRuns: 200 });
  });
});

describe('vSphere tags (vAPI REST) and custom attributes parsing', () => {
  const Ids = z.object({ value: z.array(z.string().min(1)).nullish().transform((v) => v ?? []) });

  it('checks each JSON answer with its schema; anything else is a typed error that quotes little', () => {
    expect(parseRest(Ids, '{"value":["urn:vmomi:InventoryServiceTag:1:GLOBAL"]}', 'tags').value).toHaveLength(1);
    expect(parseRest(Ids, '{}', 'tags').value).toEqual([]);
    expect(() => parseRest(Ids, '{"value":"x"}', 'tags')).toThrow(/tags answer has an unexpected shape \(value:/);
    const secret = `<html>${'S3cret-token '.repeat(50)}</html>`;
    const err = (() => {
      try {
        parseRest(Ids, secret, 'tags');
      } catch (e) {
        return e as DiscoveryError;
      }
      return null;
    })()!;
    expect(err.code).toBe('discovery-malformed-response');
    expect(err.message.length).toBeLessThan(200);
    fc.assert(
      fc.property(fc.json(), (j) => {
        try {
          parseRest(Ids, j, 'tags');
        } catch (e) {
          if (!(e instanceof DiscoveryError)) throw e;
        }
      }),
      { numRuns: 300 },
    );
  });

  it('the two spellings: /rest wraps answers in { value } (vcsim omits an empty one), /api answers them bare', () => {
    const id = 'urn:vmomi:InventoryServiceTag:1:GLOBAL';
    expect(parseRest(REST_API.ids, `{"value":["${id}"]}`, 'tags')).toEqual([id]);
    expect(parseRest(REST_API.ids, '{}', 'tags')).toEqual([]);
    expect(parseRest(JSON_API.ids, `["${id}"]`, 'tags')).toEqual([id]);
    expect(() => parseRest(JSON_API.ids, `{"value":["${id}"]}`, 'tags')).toThrow(DiscoveryError);
    expect(parseRest(REST_API.sessionAnswer, '{"value":"abc"}', 'session')).toBe('abc');
    expect(parseRest(JSON_API.sessionAnswer, '"abc"', 'session')).toBe('abc');
    expect(parseRest(JSON_API.tag_, `{"id":"${id}","name":"PCI","category_id":"c","description":"","used_by":[]}`, 'tag')).toEqual({ id, name: 'PCI', category_id: 'c' });
    expect(parseRest(JSON_API.attached_, `[{"tag_id":"${id}","object_ids":[{"type":"VirtualMachine","id":"vm-1"}]}]`, 'associations')[0]!.object_ids).toEqual([{ type: 'VirtualMachine', id: 'vm-1' }]);
    expect(JSON_API.tag(id)).toBe(`/api/cis/tagging/tag/${encodeURIComponent(id)}`);
    expect(JSON_API.attached).toBe('/api/cis/tagging/tag-association?action=list-attached-objects-on-tags');
    expect(REST_API.attached).toBe('/rest/com/vmware/cis/tagging/tag-association?~action=list-attached-objects-on-tags');
    for (const api of [REST_API, JSON_API]) {
      fc.assert(
        fc.property(fc.json(), (j) => {
          for (const schema of [api.ids, api.tag_, api.category_, api.attached_, api.sessionAnswer] as z.ZodType<unknown>[]) {
            try {
              parseRest(schema, j, 'x');
            } catch (e) {
              if (!(e instanceof DiscoveryError)) throw e;
            }
          }
        }),
        { numRuns: 150 },
      );
    }
  });

  it('custom attributes: values by field name, global and VM fields only, an unknown key named by its number', () => {
    const defs = soapBody(
      env(`<RetrievePropertiesExResponse xmlns="urn:vim25"><returnval><objects><obj type="CustomFieldsManager">CustomFieldsManager</obj><propSet><name>field</name><val XMLSchema-instance:type="ArrayOfCustomFieldDef">
<CustomFieldDef><key>101</key><name>Owner</name><managedObjectType>VirtualMachine</managedObjectType></CustomFieldDef>
<CustomFieldDef><key>102</key><name>Backup</name></CustomFieldDef>
<CustomFieldDef><key>103</key><name>Rack</name><managedObjectType>HostSystem</managedObjectType></CustomFieldDef></val></propSet></objects></returnval></RetrievePropertiesExResponse>`),
      200,
      'vc',
    );
    const fields = customFieldNames(parseRetrieveResult(child(defs, 'returnval')).objects[0]!.props.get('field'));
    expect([...fields]).toEqual([['101', 'Owner'], ['102', 'Backup']]);
    const vm = soapBody(
      env(`<RetrievePropertiesExResponse xmlns="urn:vim25"><returnval><objects><obj type="VirtualMachine">vm-7</obj><propSet><name>name</name><val>app01</val></propSet>
<propSet><name>customValue</name><val XMLSchema-instance:type="ArrayOfCustomFieldValue"><CustomFieldValue XMLSchema-instance:type="CustomFieldStringValue"><key>101</key><value>Finance</value></CustomFieldValue><CustomFieldValue XMLSchema-instance:type="CustomFieldStringValue"><key>102</key><value>daily</value></CustomFieldValue><CustomFieldValue XMLSchema-instance:type="CustomFieldStringValue"><key>999</key><value>x</value></CustomFieldValue></val></propSet>
<propSet><name>summary.quickStats.overallCpuUsage</name><val>500</val></propSet><propSet><name>runtime.maxCpuUsage</name><val>4000</val></propSet><propSet><name>summary.quickStats.guestMemoryUsage</name><val>1024</val></propSet>
<propSet><name>config.hardware.memoryMB</name><val>4096</val></propSet><propSet><name>runtime.powerState</name><val>poweredOn</val></propSet></objects></returnval></RetrievePropertiesExResponse>`),
      200,
      'vc',
    );
    const o = parseRetrieveResult(child(vm, 'returnval')).objects[0]!;
    expect(customValuesOf(o.props.get('customValue'), fields)).toEqual({ Owner: 'Finance', Backup: 'daily', 'custom field 999': 'x' });
    const v = vmFromObject(o, new Map(), fields);
    expect(v.quickStats).toEqual({ cpuMhz: 500, maxCpuMhz: 4000, guestMemoryMB: 1024 });
  });
});

describe('vCenter utilization, tags and attributes as inventory fields', () => {
  const vc = { name: 'vc01', instanceUuid: 'vc-uuid' };
  const base: VcVm = { moref: 'vm-7', name: 'app01', memoryMB: 4096, powerState: 'poweredOn', snapshots: [], disks: [], nics: [], quickStats: { cpuMhz: 500, maxCpuMhz: 4000, guestMemoryMB: 1024 } };

  it('quick stats are the fallback: CPU MHz of the ceiling and active memory of the configured, at discovery time', () => {
    const s = ServerSchema.parse(serverFromVcVm(base, vc));
    expect(s.utilization).toEqual({ cpuAvgPct: 12.5, memAvgPct: 25 });
    expect(s.provenance['utilization.cpuAvgPct']).toMatch(/quickStats\.overallCpuUsage ÷ runtime\.maxCpuUsage \(at discovery time\)/);
    expect(serverFromVcVm({ ...base, powerState: 'poweredOff' }, vc).utilization).toBeUndefined();
    expect(serverFromVcVm({ ...base, quickStats: { cpuMhz: 0, maxCpuMhz: 0 } }, vc).utilization).toBeUndefined();
  });

  it('statistics over the period fill average, p95 and max; tags by category, custom attributes by name, tool fields left out', () => {
    const vm: VcVm = {
      ...base,
      perf: { intervalId: 1800, samples: 336, periodSeconds: 604_800, cpuPct: { avg: 10, p95: 40, max: 80 }, memPct: { avg: 30, p95: 35, max: 50 }, diskIops: { avg: 5, p95: 9, max: 12 }, counters: ['cpu.usage.average', 'mem.usage.average'] },
      customAttributes: { Owner: 'Finance', 'com.vmware.vsan.x': 'y', ClusterInvariantVMMId: 'z', Environment: 'from attribute' },
      tags: [{ category: 'Environment', name: 'PCI' }, { category: 'Environment', name: 'Production' }, { category: 'Tier', name: 'Gold' }],
    };
    const s = ServerSchema.parse(serverFromVcVm(vm, vc));
    expect(s.utilization).toEqual({ samples: 336, periodSeconds: 604_800, cpuAvgPct: 10, cpuP95Pct: 40, cpuMaxPct: 80, memAvgPct: 30, memP95Pct: 35, memMaxPct: 50, diskIops: 5, diskIopsP95: 9, diskIopsMax: 12 });
    expect(s.provenance.utilization).toBe('vCenter vc01, vm-7 performance statistics, 336 samples of 1800 s over 7 days (cpu.usage.average, mem.usage.average)');
    expect(s.tags).toEqual({ Owner: 'Finance', Environment: 'from attribute', 'Environment (tag)': 'PCI, Production', Tier: 'Gold' });
    expect(s.provenance['tags.Tier']).toMatch(/vSphere tag of category Tier/);
  });

  it('disk and network totals (statistics level 1) become the utilization\'s totals with average, p95 and max', () => {
    const vm: VcVm = { ...base, perf: { intervalId: 300, samples: 288, periodSeconds: 86_400, diskTotalKBps: { avg: 300, p95: 900, max: 2048 }, netTotalKBps: { avg: 12.5, p95: 40, max: 80 }, counters: ['disk.usage.average', 'net.usage.average'] } };
    const s = ServerSchema.parse(serverFromVcVm(vm, vc));
    expect(s.utilization).toEqual({ samples: 288, periodSeconds: 86_400, diskTotalKBps: 300, diskTotalKBpsP95: 900, diskTotalKBpsMax: 2048, netTotalKBps: 12.5, netTotalKBpsP95: 40, netTotalKBpsMax: 80 });
    expect(s.provenance.utilization).toMatch(/\(disk\.usage\.average, net\.usage\.average\)$/);
    // A project written before these fields existed still reads, and a negative total is refused.
    expect(ServerSchema.parse({ ...s, utilization: { cpuAvgPct: 5 } }).utilization).toEqual({ cpuAvgPct: 5 });
    expect(ServerSchema.safeParse({ ...s, utilization: { diskTotalKBps: -1 } }).success).toBe(false);
  });

  it('a re-discovery with quick stats only keeps the figures measured over a period, and their provenance', () => {
    const measured = ServerSchema.parse(serverFromVcVm({ ...base, perf: { intervalId: 300, samples: 288, periodSeconds: 86_400, cpuPct: { avg: 10, p95: 40, max: 80 }, counters: ['cpu.usage.average'] } }, vc));
    const quick = ServerSchema.parse(serverFromVcVm(base, vc));
    const merged = mergeServer(measured, quick);
    expect(merged.utilization).toEqual(measured.utilization);
    expect(merged.provenance.utilization).toBe(measured.provenance.utilization);
    expect(merged.provenance['utilization.cpuAvgPct']).toBeUndefined();
    // A new period replaces the old one, and quick stats replace quick stats.
    expect(mergeServer(quick, measured).utilization).toEqual(measured.utilization);
    expect(mergeServer(quick, measured).provenance['utilization.cpuAvgPct']).toBeUndefined();
    expect(mergeServer(quick, quick).utilization).toEqual(quick.utilization);
  });
});
