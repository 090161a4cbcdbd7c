import type { ProjectDocument } from '../model/project';
import type { Server } from '../model/server';
import { totalProvisionedMiB } from '../model/server';
import type { InstanceTypeInfo } from '../model/instance-types';
import { placementsByServer } from '../model/planning';
import { resolveAssumptions, type AssessmentAssumptions } from '../model/assessment';
import type { OsSupport, OsSupportData, SupportStatus } from './os-support';
import { assessReadiness, readinessOf, type Finding, type Readiness, type Severity } from './readiness';
import { SizingIndex, sizingNeed, type SizingNeed } from './right-size';
import { proposeStorage, type EbsPrices, type StorageProposal } from './storage';
import { movesToEc2, recommendApproach, type Approach } from './approach';

/** The bundled data an assessment reads (assets/data), loaded by main and handed to the renderer once. */
export interface AssessmentReference {
  catalog: readonly InstanceTypeInfo[];
  osSupport: OsSupportData;
  ebsPrices: EbsPrices;
}

export const HOURS_PER_MONTH = 730;
/** 12 h a day, 5 days a week, 52 weeks, over 12 months. */
export const BUSINESS_HOURS_PER_MONTH = 260;

export interface ServerAssessment {
  serverId: string;
  name: string;
  applicationId: string | null;
  waveId: string | null;
  readiness: Readiness;
  findings: Finding[];
  os: { label: string; vmImport: SupportStatus; mgn: SupportStatus; vmImportDetail: string; mgnDetail: string };
  approach: Approach;
  reasons: string[];
  need: SizingNeed;
  instance: { type: string; vcpu: number; memoryGiB: number; hourlyUsd: number } | null;
  /** Why no type was proposed (too large, no priced type for the platform), or null. */
  sizingIssue: string | null;
  storage: StorageProposal;
  computeMonthlyUsd: number;
  monthlyUsd: number;
  /** Counted in the EC2 totals (the approach lands it on EC2). */
  counted: boolean;
  onPrem: { vcpu: number; memoryGiB: number; storageGiB: number };
}

export interface CostTotals {
  servers: number;
  /** Servers that move to EC2 (counted in the costs). */
  moving: number;
  unsized: number;
  computeMonthlyUsd: number;
  storageMonthlyUsd: number;
  monthlyUsd: number;
  onPrem: { vcpu: number; memoryGiB: number; storageGiB: number };
  proposed: { vcpu: number; memoryGiB: number; storageGiB: number };
}

export interface GroupTotals extends CostTotals {
  id: string;
  name: string;
}

export interface AssessmentResult {
  assumptions: AssessmentAssumptions;
  servers: ServerAssessment[];
  estate: CostTotals;
  byApplication: GroupTotals[];
  byWave: GroupTotals[];
  readiness: Record<Readiness, number>;
  approaches: Record<Approach, number>;
  findingsBySeverity: Record<Severity, number>;
  /** OS (family and version) → servers, most common first. */
  osMix: Array<{ label: string; servers: number }>;
}

const round2 = (x: number) => Math.round(x * 100) / 100;

const osViews = new WeakMap<OsSupport, ServerAssessment['os']>();
/** One view object per distinct OS (servers with the same OS strings share it). */
function osView(o: OsSupport): ServerAssessment['os'] {
  let v = osViews.get(o);
  if (!v) {
    v = { label: o.label, vmImport: o.vmImport, mgn: o.mgn, vmImportDetail: o.vmImportDetail, mgnDetail: o.mgnDetail };
    osViews.set(o, v);
  }
  return v;
}

function emptyTotals(): CostTotals {
  return { servers: 0, moving: 0, unsized: 0, computeMonthlyUsd: 0, storageMonthlyUsd: 0, monthlyUsd: 0, onPrem: { vcpu: 0, memoryGiB: 0, storageGiB: 0 }, proposed: { vcpu: 0, memoryGiB: 0, storageGiB: 0 } };
}

function addTo(t: CostTotals, s: ServerAssessment): void {
  t.servers++;
  if (!s.counted) return;
  t.moving++;
  if (!s.instance) t.unsized++;
  t.computeMonthlyUsd += s.computeMonthlyUsd;
  t.storageMonthlyUsd += s.storage.monthlyUsd;
  t.monthlyUsd += s.monthlyUsd;
  t.onPrem.vcpu += s.onPrem.vcpu;
  t.onPrem.memoryGiB += s.onPrem.memoryGiB;
  t.onPrem.storageGiB += s.onPrem.storageGiB;
  if (s.instance) {
    t.proposed.vcpu += s.instance.vcpu;
    t.proposed.memoryGiB += s.instance.memoryGiB;
  }
  t.proposed.storageGiB += s.storage.totalGiB;
}

function finish<T extends CostTotals>(t: T): T {
  t.computeMonthlyUsd = round2(t.computeMonthlyUsd);
  t.storageMonthlyUsd = round2(t.storageMonthlyUsd);
  t.monthlyUsd = round2(t.monthlyUsd);
  t.onPrem.memoryGiB = round2(t.onPrem.memoryGiB);
  t.onPrem.storageGiB = Math.round(t.onPrem.storageGiB);
  t.proposed.memoryGiB = round2(t.proposed.memoryGiB);
  return t;
}

/** One server: readiness, approach, right-sized type and monthly cost. */
export function assessServer(server: Server, index: SizingIndex, ref: AssessmentReference, a: AssessmentAssumptions, place: { applicationId: string | null; waveId: string | null } = { applicationId: null, waveId: null }, osCache?: Map<string, OsSupport>): ServerAssessment {
  const r = assessReadiness(server, ref.osSupport, osCache);
  const rec = recommendApproach(server, r, a);
  // CBT matters only where the approach reads vCenter snapshots.
  let findings = r.findings;
  if (findings.some((f) => f.rule === 'cbt-off')) {
    if (rec.approach === 'rehost-agentless') findings = findings.map((f) => (f.rule === 'cbt-off' ? { ...f, severity: 'warning' as const } : f));
    else findings = findings.filter((f) => f.rule !== 'cbt-off');
  }
  const need = sizingNeed(server, a);
  const fit = index.fit(r.os.arch, server.os.family === 'windows', need.vcpu, need.memGiB);
  const hours = a.pricingModel === 'on-demand-business-hours' ? BUSINESS_HOURS_PER_MONTH : HOURS_PER_MONTH;
  const storage = proposeStorage(server, ref.ebsPrices, a.region, a.headroomPct);
  const computeMonthlyUsd = fit ? round2(fit.price * hours) : 0;
  const counted = movesToEc2(rec.approach);
  return {
    serverId: server.id,
    name: server.name,
    applicationId: place.applicationId,
    waveId: place.waveId,
    readiness: readinessOf(findings),
    findings,
    os: osView(r.os),
    approach: rec.approach,
    reasons: rec.reasons,
    need,
    instance: fit ? { type: fit.info.type, vcpu: fit.info.vcpu, memoryGiB: fit.info.memoryGiB, hourlyUsd: fit.price } : null,
    sizingIssue: fit ? null : `No ${server.os.family === 'windows' ? 'Windows' : 'Linux'} type priced in ${a.region} has ${need.vcpu} vCPU and ${Math.round(need.memGiB)} GiB within the chosen families.`,
    storage,
    computeMonthlyUsd: counted ? computeMonthlyUsd : 0,
    monthlyUsd: counted ? round2(computeMonthlyUsd + storage.monthlyUsd) : 0,
    counted,
    onPrem: { vcpu: server.cpu.vcpus, memoryGiB: server.memoryMiB / 1024, storageGiB: totalProvisionedMiB(server) / 1024 },
  };
}

/**
 * The whole estate: every server assessed with the project's assumptions (overridden by `overrides`), and the
 * totals per application, per wave and for the estate. Pure and deterministic.
 */
export function assessProject(doc: Pick<ProjectDocument, 'inventory' | 'planning' | 'assessment'>, ref: AssessmentReference, overrides?: Partial<AssessmentAssumptions>): AssessmentResult {
  const a = resolveAssumptions(doc.assessment?.assumptions, overrides);
  const index = new SizingIndex(ref.catalog, a);
  const placements = placementsByServer(doc.planning);
  const osCache = new Map<string, OsSupport>();
  const waveOfApp = new Map(doc.planning.applications.map((app) => [app.id, app.waveId ?? null]));
  const servers = doc.inventory.servers.map((s) => {
    const appId = placements.get(s.id)?.applicationId ?? null;
    return assessServer(s, index, ref, a, { applicationId: appId, waveId: appId ? (waveOfApp.get(appId) ?? null) : null }, osCache);
  });
  const estate = emptyTotals();
  const apps = new Map<string, GroupTotals>(doc.planning.applications.map((app) => [app.id, { ...emptyTotals(), id: app.id, name: app.name }]));
  const waves = new Map<string, GroupTotals>(doc.planning.waves.map((w) => [w.id, { ...emptyTotals(), id: w.id, name: w.name }]));
  const readiness: Record<Readiness, number> = { ready: 0, conditional: 0, 'not-ready': 0, unknown: 0 };
  const approaches: Record<Approach, number> = { 'rehost-block': 0, 'rehost-agentless': 0, 'rehost-image': 0, replatform: 0, retire: 0, retain: 0 };
  const findingsBySeverity: Record<Severity, number> = { blocker: 0, warning: 0, info: 0 };
  const os = new Map<string, number>();
  for (const s of servers) {
    addTo(estate, s);
    if (s.applicationId) {
      const t = apps.get(s.applicationId);
      if (t) addTo(t, s);
    }
    if (s.waveId) {
      const t = waves.get(s.waveId);
      if (t) addTo(t, s);
    }
    readiness[s.readiness]++;
    approaches[s.approach]++;
    for (const f of s.findings) findingsBySeverity[f.severity]++;
    os.set(s.os.label, (os.get(s.os.label) ?? 0) + 1);
  }
  return {
    assumptions: a,
    servers,
    estate: finish(estate),
    byApplication: [...apps.values()].map(finish),
    byWave: [...waves.values()].map(finish),
    readiness,
    approaches,
    findingsBySeverity,
    osMix: [...os.entries()].map(([label, n]) => ({ label, servers: n })).sort((x, y) => y.servers - x.servers || x.label.localeCompare(y.label)),
  };
}
