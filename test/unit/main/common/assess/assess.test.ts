import { describe, expect, it } from 'vitest';
import { assessProject, assessServer, BUSINESS_HOURS_PER_MONTH, HOURS_PER_MONTH } from '../../../../../main/common/assess/assess';
import { identifyOs, osSupport } from '../../../../../main/common/assess/os-support';
import { assessReadiness, type ReadinessRule } from '../../../../../main/common/assess/readiness';
import { SizingIndex, sizingNeed } from '../../../../../main/common/assess/right-size';
import { proposeStorage } from '../../../../../main/common/assess/storage';
import { recommendApproach } from '../../../../../main/common/assess/approach';
import { DEFAULT_ASSUMPTIONS, resolveAssumptions, type AssessmentAssumptions } from '../../../../../main/common/model/assessment';
import { applyEdit, ProjectEditSchema } from '../../../../../main/common/model/edits';
import { ProjectDocumentSchema } from '../../../../../main/common/model/project';
import type { Server } from '../../../../../main/common/model/server';
import { docWithServers, loadDemo, makeServer } from '../../../../helpers/plan-fixtures';
import { loadReference } from '../../../../helpers/assess-fixtures';

const ref = loadReference();
const TIB = 1024 * 1024;
const rules = (s: Server) => assessReadiness(s, ref.osSupport).findings.map((f) => `${f.rule}:${f.severity}`);
const one = (s: Server, over: Partial<AssessmentAssumptions> = {}) => {
  const a = resolveAssumptions(over);
  return assessServer(s, new SizingIndex(ref.catalog, a), ref, a);
};

describe('OS support from the bundled lists', () => {
  it('reads family and version from VMware-style strings', () => {
    expect(identifyOs({ os: { reported: 'Microsoft Windows Server 2012 R2 (64-bit)', family: 'windows' } })).toMatchObject({ family: 'Windows Server', version: '2012 R2' });
    expect(identifyOs({ os: { configured: 'Red Hat Enterprise Linux 7 (64-bit)', family: 'linux' } })).toMatchObject({ family: 'Red Hat Enterprise Linux', version: '7' });
    expect(identifyOs({ os: { configured: 'Ubuntu Linux (64-bit) 20.04', family: 'linux' } })).toMatchObject({ family: 'Ubuntu', version: '20.04' });
    expect(identifyOs({ os: { configured: 'FreeBSD 12 (64-bit)', family: 'other' } }).family).toBeNull();
  });

  it('says supported, unsupported or unknown for VM Import/Export as the list says', () => {
    const s = (text: string, family: Server['os']['family'] = 'linux') => osSupport({ os: { configured: text, family } }, ref.osSupport);
    expect(s('Red Hat Enterprise Linux 8 (64-bit)').vmImport).toBe('supported');
    expect(s('CentOS 7 (64-bit)').vmImport).toBe('supported');
    expect(s('Microsoft Windows Server 2016 (64-bit)', 'windows').vmImport).toBe('supported');
    expect(s('Microsoft Windows Server 2012 R2 (64-bit)', 'windows').vmImport).toBe('supported');
    expect(s('Debian GNU/Linux 8 (64-bit)').vmImport).toBe('unsupported');
    // Newer than the bundled list (captured 2022): not claimed either way.
    expect(s('Microsoft Windows Server 2022 (64-bit)', 'windows').vmImport).toBe('unknown');
    expect(s('Red Hat Enterprise Linux 9 (64-bit)').vmImport).toBe('unknown');
    expect(s('Ubuntu Linux (64-bit) 22.04').vmImport).toBe('unknown');
    expect(s('FreeBSD 12 (64-bit)', 'other')).toMatchObject({ vmImport: 'unsupported', mgn: 'unsupported' });
    expect(s('Red Hat Enterprise Linux 8 (64-bit)').mgn).toBe('supported');
    expect(s('Microsoft Windows Server 2003 Standard (32-bit)', 'windows')).toMatchObject({ legacyWindows: true, mgn: 'unknown' });
  });
});

describe('readiness rules', () => {
  it('passes a plain supported server with no findings', () => {
    const r = assessReadiness(makeServer('ok'), ref.osSupport);
    expect(r.findings).toEqual([]);
    expect(r.readiness).toBe('ready');
  });

  const cases: Array<[string, Partial<Server>, ReadinessRule, string]> = [
    ['RDM', { disks: [{ label: 'Hard disk 1', capacityMiB: 1024, rdm: true }] }, 'disk-rdm', 'warning'],
    ['shared disk', { disks: [{ label: 'Hard disk 1', capacityMiB: 1024, shared: true }] }, 'disk-shared', 'blocker'],
    ['independent disk', { disks: [{ label: 'Hard disk 1', capacityMiB: 1024, mode: 'independent_persistent' }] }, 'disk-independent', 'warning'],
    ['22 disks', { disks: Array.from({ length: 22 }, (_, i) => ({ label: `d${i}`, capacityMiB: 1024 })) }, 'disk-count-import', 'warning'],
    ['30 disks', { disks: Array.from({ length: 30 }, (_, i) => ({ label: `d${i}`, capacityMiB: 1024 })) }, 'disk-count-ec2', 'blocker'],
    ['3 TiB BIOS boot disk', { disks: [{ label: 'Hard disk 1', capacityMiB: 3 * TIB }] }, 'boot-mbr-2tib', 'blocker'],
    ['17 TiB disk', { firmware: { type: 'efi' }, disks: [{ label: 'Hard disk 1', capacityMiB: 100 * 1024 }, { label: 'Hard disk 2', capacityMiB: 17 * TIB }] }, 'disk-over-16tib', 'blocker'],
    ['secure boot', { firmware: { type: 'efi', secureBoot: true } }, 'secure-boot', 'warning'],
    ['snapshots', { snapshots: [{ name: 'before-patch' }] }, 'snapshots', 'warning'],
    ['CBT off', { cbt: false }, 'cbt-off', 'info'],
    ['five NICs', { nics: Array.from({ length: 5 }, () => ({ ipv4: ['10.0.0.1'], ipv6: [] })) }, 'nics-many', 'warning'],
    ['IPv6 only', { nics: [{ ipv4: [], ipv6: ['fd00::1'] }] }, 'ipv6-only', 'warning'],
    ['32-bit Linux', { os: { configured: 'CentOS 6 (32-bit)', family: 'linux' } }, 'arch-32bit', 'blocker'],
    ['template', { state: { power: 'poweredOff', template: true } }, 'template', 'info'],
    ['powered off', { state: { power: 'poweredOff', template: false } }, 'powered-off', 'info'],
    ['Windows XP', { os: { configured: 'Microsoft Windows XP Professional (32-bit)', family: 'windows' } }, 'os-legacy-windows', 'blocker'],
    ['Windows Server 2003', { os: { configured: 'Microsoft Windows Server 2003 Standard (64-bit)', family: 'windows' } }, 'os-legacy-windows', 'warning'],
    ['Solaris', { os: { configured: 'Oracle Solaris 11 (64-bit)', family: 'other' } }, 'os-unsupported', 'blocker'],
    ['no OS', { os: { family: 'unknown' } }, 'os-unknown', 'warning'],
    ['4 GiB free on C:', { os: { configured: 'Microsoft Windows Server 2019 (64-bit)', family: 'windows' }, partitions: [{ path: 'C:\\', capacityMiB: 60 * 1024, freeMiB: 4 * 1024 }] }, 'free-space-windows', 'warning'],
    ['1 GiB free on /', { partitions: [{ path: '/', capacityMiB: 20 * 1024, freeMiB: 1024 }] }, 'free-space-linux', 'warning'],
  ];
  it.each(cases)('%s', (_name, over, rule, severity) => {
    expect(rules(makeServer('x', over))).toContain(`${rule}:${severity}`);
  });

  it('grades a server by its worst finding', () => {
    expect(assessReadiness(makeServer('a', { snapshots: [{ name: 's' }] }), ref.osSupport).readiness).toBe('conditional');
    expect(assessReadiness(makeServer('b', { disks: [{ label: 'd', capacityMiB: 1, shared: true }] }), ref.osSupport).readiness).toBe('not-ready');
    expect(assessReadiness(makeServer('c', { os: { family: 'unknown' } }), ref.osSupport).readiness).toBe('unknown');
  });
});

describe('right-sizing', () => {
  it('sizes from the allocation when nothing was measured, from the peak plus headroom when it was', () => {
    const s = makeServer('u', { cpu: { vcpus: 16 }, memoryMiB: 64 * 1024, utilization: { cpuMaxPct: 20, memMaxPct: 25 } });
    expect(sizingNeed(makeServer('n', { cpu: { vcpus: 16 }, memoryMiB: 64 * 1024 }), DEFAULT_ASSUMPTIONS)).toMatchObject({ vcpu: 16, memGiB: 64, fromUtilization: false });
    expect(sizingNeed(s, { headroomPct: 20, useUtilization: true })).toMatchObject({ vcpu: 4, memGiB: 19.2, fromUtilization: true });
    expect(sizingNeed(s, { headroomPct: 50, useUtilization: true })).toMatchObject({ vcpu: 5, memGiB: 24 });
    expect(sizingNeed(s, { headroomPct: 20, useUtilization: false }).vcpu).toBe(16);
    // A sampled source's p95 sizes the server; its maximum (a single spike) does not.
    const sampled = makeServer('p', { cpu: { vcpus: 16 }, memoryMiB: 64 * 1024, utilization: { cpuAvgPct: 10, cpuP95Pct: 30, cpuMaxPct: 95, memAvgPct: 20, memP95Pct: 40, memMaxPct: 90 } });
    expect(sizingNeed(sampled, { headroomPct: 20, useUtilization: true })).toMatchObject({ vcpu: 6, memGiB: 30.72, basis: 'CPU p95 30%, memory p95 40% + 20% headroom' });
    expect(sizingNeed(s, { headroomPct: 20, useUtilization: true }).basis).toBe('CPU peak 20%, memory peak 25% + 20% headroom');
    // Never more than allocated, even at 100 % busy.
    expect(sizingNeed(makeServer('busy', { cpu: { vcpus: 4 }, utilization: { cpuMaxPct: 100 } }), DEFAULT_ASSUMPTIONS).vcpu).toBe(4);
  });

  it('proposes the cheapest fitting type within the families and burstable choice', () => {
    const s = makeServer('s', { cpu: { vcpus: 2 }, memoryMiB: 4 * 1024 });
    const withT = one(s);
    expect(withT.instance!.type).toMatch(/^t/);
    const noT = one(s, { burstableAllowed: false });
    expect(noT.instance!.type).not.toMatch(/^t/);
    expect(noT.instance!.hourlyUsd).toBeGreaterThanOrEqual(withT.instance!.hourlyUsd);
    const cheaper = ref.catalog.filter((c) => !c.family.startsWith('t') && /^[mcr]/.test(c.family) && (c.generation ?? 0) >= 5 && c.arch === 'x86_64' && c.vcpu >= 2 && c.memoryGiB >= 4 && (c.priceUsdHour['us-east-1'].linux ?? Infinity) < noT.instance!.hourlyUsd);
    expect(cheaper).toEqual([]);
    const memOnly = one(makeServer('m', { cpu: { vcpus: 2 }, memoryMiB: 16 * 1024 }), { families: ['memory'], burstableAllowed: false });
    expect(memOnly.instance!.type).toMatch(/^[rxz]/);
  });

  it('prices Windows with the Windows price, per region, and business hours for fewer hours', () => {
    const w = makeServer('w', { os: { configured: 'Microsoft Windows Server 2019 (64-bit)', family: 'windows' }, cpu: { vcpus: 4 }, memoryMiB: 16 * 1024 });
    const a = one(w, { burstableAllowed: false });
    const info = ref.catalog.find((c) => c.type === a.instance!.type)!;
    expect(a.instance!.hourlyUsd).toBe(info.priceUsdHour['us-east-1'].windows);
    expect(a.computeMonthlyUsd).toBeCloseTo(info.priceUsdHour['us-east-1'].windows! * HOURS_PER_MONTH, 2);
    const eu = one(w, { region: 'eu-west-1', burstableAllowed: false });
    expect(eu.instance!.hourlyUsd).toBe(ref.catalog.find((c) => c.type === eu.instance!.type)!.priceUsdHour['eu-west-1'].windows);
    const bh = one(w, { pricingModel: 'on-demand-business-hours', burstableAllowed: false });
    expect(bh.computeMonthlyUsd).toBeCloseTo(a.instance!.hourlyUsd * BUSINESS_HOURS_PER_MONTH, 2);
  });

  it('says why when nothing fits', () => {
    const r = one(makeServer('huge', { cpu: { vcpus: 4096 } }), { useUtilization: false });
    expect(r.instance).toBeNull();
    expect(r.sizingIssue).toMatch(/4096 vCPU/);
  });
});

describe('storage', () => {
  it('maps each disk to gp3 of its allocated size, io2 when the IOPS need more than gp3 gives', () => {
    const s = makeServer('d', { disks: [{ label: 'a', capacityMiB: 100 * 1024 }, { label: 'b', capacityMiB: 1000 * 1024 }] });
    const gp3 = proposeStorage(s, ref.ebsPrices, 'us-east-1', 20);
    expect(gp3.volumes.map((v) => [v.type, v.sizeGiB, v.monthlyUsd])).toEqual([['gp3', 100, 8], ['gp3', 1000, 80]]);
    expect(gp3.monthlyUsd).toBe(88);
    const busy = proposeStorage({ ...s, utilization: { diskIops: 5000 } }, ref.ebsPrices, 'us-east-1', 0);
    expect(busy.volumes[1]).toMatchObject({ type: 'gp3', iops: 2000, monthlyUsd: 80 + 2000 * 0.005 });
    const io2 = proposeStorage({ ...s, utilization: { diskIops: 20_000 } }, ref.ebsPrices, 'us-east-1', 0);
    expect(io2.volumes.map((v) => v.type)).toEqual(['io2', 'io2']);
    expect(io2.volumes[1]).toMatchObject({ iops: 20_000, monthlyUsd: 1000 * 0.125 + 20_000 * 0.065 });
    expect(io2.reason).toMatch(/io2/);
  });

  it('sizes IOPS from the p95 and buys gp3 throughput above 125 MiB/s from measured disk throughput, priced or named unpriced', () => {
    const s = makeServer('t', { disks: [{ label: 'a', capacityMiB: 100 * 1024 }, { label: 'b', capacityMiB: 1000 * 1024 }] });
    // p95 wins over the average for IOPS.
    expect(proposeStorage({ ...s, utilization: { diskIops: 1000, diskIopsP95: 4000 } }, ref.ebsPrices, 'us-east-1', 0).volumes[1]!.iops).toBe(1000);
    // 200 + 100 MiB/s read + write at p95 (KB/s as vSphere counts): 175 MiB/s above the included 125, 1,200 IOPS suffice.
    const t = proposeStorage({ ...s, utilization: { diskReadKBpsP95: 200 * 1024, diskWriteKBpsP95: 100 * 1024, diskReadKBps: 10 } }, ref.ebsPrices, 'us-east-1', 0);
    expect(t.volumes[0]).toMatchObject({ throughputMiBps: 0, iops: 0 });
    expect(t.volumes[1]).toMatchObject({ type: 'gp3', throughputMiBps: 175, iops: 0, monthlyUsd: 80 + 175 * 0.04 });
    expect(t.reason).toMatch(/300 MiB\/s .*175 MiB\/s above the included 125/);
    // 900 MiB/s total (vCenter level 1) needs 3,600 IOPS (0.25 MiB/s per IOPS): 600 above the included 3,000.
    const fast = proposeStorage({ ...s, utilization: { diskTotalKBpsMax: 900 * 1024 } }, ref.ebsPrices, 'us-east-1', 0);
    expect(fast.volumes[1]).toMatchObject({ throughputMiBps: 775, iops: 600, monthlyUsd: 80 + 775 * 0.04 + 600 * 0.005 });
    expect(fast.reason).toMatch(/3,600 IOPS in all/);
    // Beyond gp3's 1,000 MiB/s: capped, and said.
    const over = proposeStorage({ ...s, utilization: { diskTotalKBps: 1500 * 1024 } }, ref.ebsPrices, 'us-east-1', 0);
    expect(over.volumes[1]).toMatchObject({ throughputMiBps: 875, iops: 1000 });
    expect(over.reason).toMatch(/more than gp3's 1,000 MiB\/s/);
    // eu-west-1 has no bundled throughput price: named unpriced, never guessed.
    const eu = proposeStorage({ ...s, utilization: { diskTotalKBps: 300 * 1024 } }, ref.ebsPrices, 'eu-west-1', 0);
    expect(eu.volumes[1]!.unpriced).toMatch(/gp3 throughput above 125 MiB\/s \(no eu-west-1 price bundled\)/);
    expect(eu.volumes[1]!.monthlyUsd).toBe(1000 * 0.088);
  });
});

describe('approach', () => {
  it('never retires a server from an average alone (one reading at export or discovery time), and says why', () => {
    const s = makeServer('quiet', { utilization: { cpuAvgPct: 0.4 } });
    const r = recommendApproach(s, assessReadiness(s, ref.osSupport), DEFAULT_ASSUMPTIONS);
    expect(r.approach).toBe('rehost-block');
    expect(r.reasons.at(-1)).toMatch(/^CPU average 0\.4% is below .*measure its peak/);
    const busy = makeServer('busy', { utilization: { cpuAvgPct: 40 } });
    expect(recommendApproach(busy, assessReadiness(busy, ref.osSupport), DEFAULT_ASSUMPTIONS).reasons.join(' ')).not.toMatch(/average alone/);
  });
  const a = DEFAULT_ASSUMPTIONS;
  const rec = (s: Server, over: Partial<AssessmentAssumptions> = {}) => recommendApproach(s, assessReadiness(s, ref.osSupport), { ...a, ...over }).approach;
  it('follows state, utilization, OS support, agent and RPO', () => {
    expect(rec(makeServer('a'))).toBe('rehost-block');
    expect(rec(makeServer('t', { state: { power: 'poweredOff', template: true } }))).toBe('retire');
    expect(rec(makeServer('off', { state: { power: 'poweredOff', template: false } }))).toBe('retire');
    expect(rec(makeServer('idle', { utilization: { cpuMaxPct: 0.5 } }))).toBe('retire');
    expect(rec(makeServer('idle95', { utilization: { cpuAvgPct: 0.2, cpuP95Pct: 0.8 } }))).toBe('retire');
    expect(rec(makeServer('xp', { os: { configured: 'Microsoft Windows XP Professional (32-bit)', family: 'windows' } }))).toBe('replatform');
    expect(rec(makeServer('sol', { os: { configured: 'Oracle Solaris 11 (64-bit)', family: 'other' } }))).toBe('retain');
    expect(rec(makeServer('cl', { disks: [{ label: 'q', capacityMiB: 1024, shared: true }] }))).toBe('replatform');
    expect(rec(makeServer('vm'), { agentAllowed: false, rpo: 'minutes' })).toBe('rehost-agentless');
    expect(rec(makeServer('hv', { vmManager: { type: 'hyperv' } }), { agentAllowed: false, rpo: 'day' })).toBe('rehost-image');
    expect(rec(makeServer('phys', { vmManager: { type: 'physical' } }), { agentAllowed: false, rpo: 'day' })).toBe('retain');
    const az = makeServer('az', { vmManager: { type: 'azure' } });
    expect(recommendApproach(az, assessReadiness(az, ref.osSupport), a).reasons.join(' ')).toContain('The source is in Azure');
  });

  it('raises CBT off only where the approach reads vCenter snapshots', () => {
    const s = makeServer('cbt', { cbt: false });
    expect(one(s).findings.map((f) => f.rule)).not.toContain('cbt-off');
    const agentless = one(s, { agentAllowed: false });
    expect(agentless.approach).toBe('rehost-agentless');
    expect(agentless.findings).toContainEqual(expect.objectContaining({ rule: 'cbt-off', severity: 'warning' }));
    expect(agentless.readiness).toBe('conditional');
  });
});

describe('the estate', () => {
  it('totals per application, per wave and for the estate, counting only servers that move', () => {
    const doc = loadDemo();
    const r = assessProject(doc, ref);
    expect(r.servers).toHaveLength(doc.inventory.servers.length);
    const moving = r.servers.filter((s) => s.counted);
    expect(r.estate.moving).toBe(moving.length);
    expect(r.estate.monthlyUsd).toBeCloseTo(moving.reduce((n, s) => n + s.monthlyUsd, 0), 1);
    for (const app of r.byApplication) {
      const mine = r.servers.filter((s) => s.applicationId === app.id && s.counted);
      expect(app.monthlyUsd).toBeCloseTo(mine.reduce((n, s) => n + s.monthlyUsd, 0), 1);
    }
    expect(r.byWave.reduce((n, w) => n + w.servers, 0)).toBe(r.servers.filter((s) => s.waveId).length);
    expect(Object.values(r.readiness).reduce((n, x) => n + x, 0)).toBe(r.servers.length);
    expect(r.osMix.reduce((n, x) => n + x.servers, 0)).toBe(r.servers.length);
    expect(r.servers.filter((s) => !s.counted).every((s) => s.monthlyUsd === 0)).toBe(true);
  });

  it('recomputes with changed assumptions, and keeps them in the project as one edit', () => {
    const doc = ProjectDocumentSchema.parse(loadDemo());
    const base = assessProject(doc, ref);
    const edited = applyEdit(doc, ProjectEditSchema.parse({ type: 'assessment.setAssumptions', assumptions: { region: 'eu-west-1', headroomPct: 50 } }));
    expect(edited.assessment?.assumptions).toEqual({ region: 'eu-west-1', headroomPct: 50 });
    const again = applyEdit(edited, { type: 'assessment.setAssumptions', assumptions: { burstableAllowed: false } });
    expect(again.assessment?.assumptions).toEqual({ region: 'eu-west-1', headroomPct: 50, burstableAllowed: false });
    const r = assessProject(again, ref);
    expect(r.assumptions).toMatchObject({ region: 'eu-west-1', headroomPct: 50, burstableAllowed: false });
    expect(r.estate.monthlyUsd).not.toBe(base.estate.monthlyUsd);
    expect(r.servers.every((s) => !s.instance || !s.instance.type.startsWith('t'))).toBe(true);
    expect(ProjectDocumentSchema.parse(JSON.parse(JSON.stringify(again))).assessment).toEqual(again.assessment);
    // Bad values are refused by the edit schema with a typed message, and nothing changes.
    expect(ProjectEditSchema.safeParse({ type: 'assessment.setAssumptions', assumptions: { headroomPct: -5 } }).success).toBe(false);
    expect(ProjectEditSchema.safeParse({ type: 'assessment.setAssumptions', assumptions: { region: 'mars-1' } }).success).toBe(false);
  });

  it('an empty project has zero totals', () => {
    const r = assessProject(docWithServers(0), ref);
    expect(r.estate).toMatchObject({ servers: 0, monthlyUsd: 0 });
  });
});
