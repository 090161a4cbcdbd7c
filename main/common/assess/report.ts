import type { AssessmentResult, GroupTotals, CostTotals } from './assess';
import { APPROACH_LABEL } from './approach';
import { FIX_KIND_LABEL, READINESS_LABEL, SEVERITY_LABEL } from './readiness';
import type { AssessmentAssumptions } from '../model/assessment';

export type ReportCell = string | number | boolean | null | undefined;
export interface ReportSheet {
  name: string;
  rows: ReportCell[][];
}

const SUPPORT_LABEL = { supported: 'Supported', unsupported: 'Not supported', unknown: 'Not confirmed' } as const;
const PRICING_LABEL: Record<AssessmentAssumptions['pricingModel'], string> = { 'on-demand': 'On-Demand, always on (730 h/month)', 'on-demand-business-hours': 'On-Demand, business hours (260 h/month)' };
const RPO_LABEL: Record<AssessmentAssumptions['rpo'], string> = { minutes: 'Minutes', hours: 'Hours', day: 'A day' };

export function assumptionRows(a: AssessmentAssumptions): ReportCell[][] {
  return [
    ['Region', a.region],
    ['Pricing', PRICING_LABEL[a.pricingModel]],
    ['Size from utilization where measured', a.useUtilization ? 'Yes' : 'No'],
    ['Headroom', `${a.headroomPct}%`],
    ['Burstable types allowed', a.burstableAllowed ? 'Yes' : 'No'],
    ['Current generation only', a.currentGenerationOnly ? 'Yes' : 'No'],
    ['Families', a.families.map((f) => (f === 'general' ? 'General purpose' : f === 'compute' ? 'Compute optimized' : 'Memory optimized')).join(', ')],
    ['Agent allowed in guests', a.agentAllowed ? 'Yes' : 'No'],
    ['Recovery point objective', RPO_LABEL[a.rpo]],
    ['Idle below CPU peak', `${a.idleCpuPct}%`],
  ];
}

const TOTAL_HEADERS = ['Servers', 'Moving to EC2', 'Without a fitting type', 'Compute USD/month', 'Storage USD/month', 'Total USD/month', 'On-premises vCPU', 'On-premises memory GiB', 'On-premises storage GiB', 'Proposed vCPU', 'Proposed memory GiB', 'Proposed storage GiB'];
const totalCells = (t: CostTotals): ReportCell[] => [t.servers, t.moving, t.unsized, t.computeMonthlyUsd, t.storageMonthlyUsd, t.monthlyUsd, t.onPrem.vcpu, t.onPrem.memoryGiB, t.onPrem.storageGiB, t.proposed.vcpu, t.proposed.memoryGiB, t.proposed.storageGiB];
const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;

/**
 * The hand-over workbook as sheets of plain values (no formulas): summary with assumptions, servers, findings,
 * volumes, and costs per application and wave. Labels are words, never internal codes.
 */
export function assessmentSheets(result: AssessmentResult, meta: { project: string; customer: string; generatedAt: string }, names: { applications: Map<string, string>; waves: Map<string, string> }): ReportSheet[] {
  const e = result.estate;
  const summary: ReportCell[][] = [
    ['Migration assessment', meta.project],
    ['Customer', meta.customer],
    ['Generated', meta.generatedAt],
    [],
    ['Assumptions'],
    ...assumptionRows(result.assumptions),
    [],
    ['Estate'],
    ...TOTAL_HEADERS.map((h, i) => [h, totalCells(e)[i]]),
    [],
    ['Readiness', 'Servers'],
    ...Object.entries(result.readiness).map(([k, n]) => [READINESS_LABEL[k as keyof typeof READINESS_LABEL], n]),
    [],
    ['Recommended approach', 'Servers'],
    ...Object.entries(result.approaches).map(([k, n]) => [APPROACH_LABEL[k as keyof typeof APPROACH_LABEL], n]),
    [],
    ['Operating system', 'Servers'],
    ...result.osMix.map((o) => [o.label, o.servers]),
    [],
    ['Prices: On-Demand, USD, from the bundled EC2 catalog and EBS price list (see the workbench data provenance). Estimates, not a quote.'],
  ];
  const servers: ReportCell[][] = [
    ['Server', 'Application', 'Wave', 'Operating system', 'VM Import/Export', 'MGN', 'Readiness', 'Blockers', 'Warnings', 'Recommended approach', 'Reasons', 'On-premises vCPU', 'On-premises memory GiB', 'On-premises storage GiB', 'Sized from', 'Needed vCPU', 'Needed memory GiB', 'Proposed type', 'Type vCPU', 'Type memory GiB', 'USD/hour', 'Compute USD/month', 'Storage GiB', 'Storage USD/month', 'Total USD/month', 'Costed', 'Sizing note', 'Id'],
    ...result.servers.map((s) => [
      s.name,
      s.applicationId ? (names.applications.get(s.applicationId) ?? '') : '',
      s.waveId ? (names.waves.get(s.waveId) ?? '') : '',
      s.os.label,
      SUPPORT_LABEL[s.os.vmImport],
      SUPPORT_LABEL[s.os.mgn],
      READINESS_LABEL[s.readiness],
      s.findings.filter((f) => f.severity === 'blocker').length,
      s.findings.filter((f) => f.severity === 'warning').length,
      APPROACH_LABEL[s.approach],
      s.reasons.join(' '),
      s.onPrem.vcpu,
      round(s.onPrem.memoryGiB),
      round(s.onPrem.storageGiB, 0),
      s.need.basis,
      s.need.vcpu,
      round(s.need.memGiB),
      s.instance?.type ?? '',
      s.instance?.vcpu,
      s.instance?.memoryGiB,
      s.instance?.hourlyUsd,
      s.computeMonthlyUsd,
      s.storage.totalGiB,
      s.counted ? s.storage.monthlyUsd : 0,
      s.monthlyUsd,
      s.counted ? 'Yes' : 'No',
      [s.sizingIssue, s.storage.reason, ...s.storage.volumes.map((v) => v.unpriced)].filter(Boolean).join(' '),
      s.serverId,
    ]),
  ];
  const findings: ReportCell[][] = [
    ['Server', 'Severity', 'Finding', 'Facts', 'Fix', 'Kind of fix'],
    ...result.servers.flatMap((s) => s.findings.map((f) => [s.name, SEVERITY_LABEL[f.severity], f.title, f.detail, f.fix, FIX_KIND_LABEL[f.fixKind]])),
  ];
  const volumes: ReportCell[][] = [
    ['Server', 'Disk', 'EBS type', 'Size GiB', 'Billed IOPS', 'Billed throughput MiB/s', 'USD/month', 'Not priced'],
    ...result.servers.flatMap((s) => s.storage.volumes.map((v) => [s.name, v.label, v.type, v.sizeGiB, v.iops || '', v.throughputMiBps || '', v.monthlyUsd, v.unpriced ?? ''])),
  ];
  const group = (title: string, rows: GroupTotals[]): ReportCell[][] => [[title, ...TOTAL_HEADERS], ...rows.map((g) => [g.name, ...totalCells(g)])];
  const costs: ReportCell[][] = [...group('Application', result.byApplication), [], ...group('Wave', result.byWave), [], ['Estate', ...totalCells(e)]];
  return [
    { name: 'Summary', rows: summary },
    { name: 'Servers', rows: servers },
    { name: 'Findings', rows: findings },
    { name: 'Volumes', rows: volumes },
    { name: 'Costs', rows: costs },
  ];
}
