import { promises as fs } from 'node:fs';
import path from 'node:path';
import { createNodeServices } from '../shell/node-runtime';
import { ChromiumPdfEngine, printAssessmentPage } from '../shell/chromium-pdf';
import { consoleLogger } from '../platform/logger';
import { WorkbenchError } from '../common/model/errors';
import { ASSESSMENT_REGIONS, AssessmentRegionSchema, type AssessmentAssumptionsPatch } from '../common/model/assessment';
import type { AssessmentResult } from '../common/assess/assess';
import { APPROACH_SHORT } from '../common/assess/approach';
import { READINESS_LABEL, SEVERITY_LABEL } from '../common/assess/readiness';
import { EXIT } from './context';

interface AssessCliOptions {
  project: string;
  region?: string;
  json?: boolean;
  out?: string;
}

/** What `--json` prints: per server readiness, findings, proposed type and monthly cost, and the totals. */
export function assessmentJson(r: AssessmentResult, project: string): unknown {
  return {
    project,
    assumptions: r.assumptions,
    totals: { estate: r.estate, byApplication: r.byApplication, byWave: r.byWave, readiness: r.readiness, approaches: r.approaches, findings: r.findingsBySeverity, osMix: r.osMix },
    servers: r.servers.map((s) => ({
      id: s.serverId,
      name: s.name,
      os: s.os.label,
      readiness: s.readiness,
      findings: s.findings.map((f) => ({ rule: f.rule, severity: f.severity, title: f.title, detail: f.detail, fix: f.fix })),
      approach: s.approach,
      reasons: s.reasons,
      proposedType: s.instance?.type ?? null,
      sizedFrom: s.need.basis,
      computeMonthlyUsd: s.computeMonthlyUsd,
      storageMonthlyUsd: s.counted ? s.storage.monthlyUsd : 0,
      monthlyUsd: s.monthlyUsd,
      costed: s.counted,
      ...(s.sizingIssue ? { sizingIssue: s.sizingIssue } : {}),
    })),
  };
}

/**
 * The printable assessment report as PDF: headless Chromium prints the page the workbench shows, from a private,
 * throw-away browser shell holding the project (see shell/chromium-pdf.ts, shared with the hand-off bundle).
 */
export async function printAssessmentPdf(projectFile: string, out: string, overrides: AssessmentAssumptionsPatch, timeoutMs = 120_000): Promise<{ path: string; bytes: number }> {
  const abs = path.resolve(out);
  const bytes = await printAssessmentPage({ projectFile }, overrides, new ChromiumPdfEngine(), timeoutMs);
  try {
    await fs.writeFile(abs, bytes);
  } catch (err) {
    throw new WorkbenchError('file-io', `Cannot write the report to ${abs}: ${(err as NodeJS.ErrnoException).code ?? String(err)}.`);
  }
  return { path: abs, bytes: bytes.byteLength };
}

const usd = (x: number) => `$${x.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

function summaryText(r: AssessmentResult, project: string): string {
  const e = r.estate;
  const lines = [
    `${project}: ${e.servers} servers assessed (${r.assumptions.region}, ${r.assumptions.headroomPct}% headroom)`,
    `Readiness: ${Object.entries(r.readiness).map(([k, n]) => `${READINESS_LABEL[k as keyof typeof READINESS_LABEL]} ${n}`).join(', ')}`,
    `Approach: ${Object.entries(r.approaches).filter(([, n]) => n).map(([k, n]) => `${APPROACH_SHORT[k as keyof typeof APPROACH_SHORT]} ${n}`).join(', ')}`,
    `Findings: ${Object.entries(r.findingsBySeverity).map(([k, n]) => `${SEVERITY_LABEL[k as keyof typeof SEVERITY_LABEL]} ${n}`).join(', ')}`,
    `EC2 estimate for ${e.moving} servers: ${usd(e.monthlyUsd)}/month (compute ${usd(e.computeMonthlyUsd)}, storage ${usd(e.storageMonthlyUsd)})${e.unsized ? `; ${e.unsized} without a fitting type` : ''}`,
  ];
  return lines.join('\n') + '\n';
}

/** `mwb assess`: reads the project (never changes it), prints the assessment or writes the report. */
export async function assessCommand(o: AssessCliOptions): Promise<number> {
  const overrides: AssessmentAssumptionsPatch = {};
  if (o.region !== undefined) {
    const r = AssessmentRegionSchema.safeParse(o.region);
    if (!r.success) {
      process.stderr.write(`mwb assess: --region must be one of ${ASSESSMENT_REGIONS.join(', ')} (the regions the bundled prices cover)\n`);
      return EXIT.usage;
    }
    overrides.region = r.data;
  }
  const outKind = o.out ? path.extname(o.out).toLowerCase() : null;
  if (outKind !== null && outKind !== '.xlsx' && outKind !== '.pdf') {
    process.stderr.write(`mwb assess: --out must name an .xlsx or a .pdf file\n`);
    return EXIT.usage;
  }
  const services = createNodeServices({ shell: 'browser', logger: consoleLogger('mwb', true) });
  try {
    const { document } = await services.project.readProject(o.project);
    const result = services.assessment.assess(overrides, document);
    if (o.out) {
      const written = outKind === '.pdf' ? await printAssessmentPdf(o.project, o.out, overrides) : await services.assessment.saveReport(o.out, overrides, document);
      process.stderr.write(`wrote ${written.path} (${written.bytes.toLocaleString('en-US')} bytes)\n`);
    }
    if (o.json) process.stdout.write(JSON.stringify(assessmentJson(result, document.name), null, 2) + '\n');
    else process.stdout.write(summaryText(result, document.name));
    return EXIT.ok;
  } catch (err) {
    process.stderr.write(`mwb assess: ${err instanceof Error ? err.message : String(err)}\n`);
    return EXIT.failed;
  } finally {
    await services.dispose();
  }
}

/** `mwb assess --project P [--region R] [--json] [--out report.xlsx|report.pdf]` (options in commands.ts). */
export async function assessAction(o: AssessCliOptions): Promise<void> {
  process.exitCode = await assessCommand(o);
}
