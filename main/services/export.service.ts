import { promises as fs } from 'node:fs';
import path from 'node:path';
import { zipSync, strToU8 } from 'fflate';
import { WorkbenchError } from '../common/model/errors';
import type { ProjectDocument } from '../common/model/project';
import { validateApplication, hasErrors } from '../common/assess/plan-validation';
import type { BuiltTemplate } from '../common/export/cloudformation.builder';
import { withProjectDefaults } from '../common/assess/project-defaults';
import { formatDiagnostic, type CfnValidationReport } from '../common/export/validation-report';
import type { ExportPreview, ExportRequest, ExportWritten } from '../common/ipc/channels/planning.channels';
import { writeFileAtomic } from '../platform/atomic-write';
import { launchSettingsSheet, readLaunchSettingsSheet, type LaunchSettingsImport } from '../common/export/launch-settings-table';
import { toCsv } from '../common/export/csv';
import { writeXlsx } from './inventory/xlsx.writer';
import { readXlsx } from './inventory/xlsx.reader';
import { readCsv } from './inventory/csv.reader';
import type { CfnValidatorService } from './cfn-validator.service';
import type { InstanceCatalogService } from './instance-catalog.service';
import type { Logger } from '../platform/logger';
import { createHash } from 'node:crypto';
import { printOrReason, type AssessmentPdfPrinter } from './report-pdf';

export interface ExportServiceDeps {
  document: () => ProjectDocument;
  validator: CfnValidatorService;
  catalog: InstanceCatalogService;
  logger: Logger;
  /**
   * The assessment report the bundle carries: the workbook always, the printable PDF where a browser engine can print
   * it (Electron in the desktop app, headless Chromium in the browser shell and the CLI). Absent: no report.
   */
  assessmentReport?: { workbook(doc: ProjectDocument): Uint8Array; pdf?: AssessmentPdfPrinter };
}

/** The report's place in the bundle. */
export const BUNDLE_REPORT_XLSX = 'assessment/assessment-report.xlsx';
export const BUNDLE_REPORT_PDF = 'assessment/assessment-report.pdf';

/** Zip entries get this fixed time, so the same project gives the same text files in the same zip entries (the assessment report is dated and printed). */
const ZIP_MTIME = new Date('2026-01-01T00:00:00Z');

/**
 * CloudFormation and hand-off bundle export: plan validation, template build, AWS's validator,
 * and only then the files. A failed export writes nothing and never touches the project.
 */
/*
 * The CloudFormation builder and the bundle writer (and yaml with them) load on the first export, not with the
 * service graph: commands that never export (`mwb import`, `mwb verify`) do not pay for them.
 */
const cloudFormationBuilder = () => import('../common/export/cloudformation.builder');
const bundleWriter = () => import('../common/export/bundle');

/**
 * `manifest.json`: every file of the bundle with its size and SHA-256, and what was left out and why (the PDF report
 * where no browser engine could print it).
 */
function bundleManifest(application: string, files: Record<string, string | Uint8Array>, omitted: Array<{ path: string; reason: string }>, pdfEngine: string | null): string {
  const list = Object.entries(files)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, data]) => {
      const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
      return { path: name, bytes: bytes.byteLength, sha256: createHash('sha256').update(bytes).digest('hex') };
    });
  return JSON.stringify({ format: 'migration-workbench-bundle', application, files: list, omitted, ...(pdfEngine ? { reportPrintedBy: pdfEngine } : {}) }, null, 2) + '\n';
}

export class ExportService {
  constructor(private readonly deps: ExportServiceDeps) {}

  private async run(request: ExportRequest, doc: ProjectDocument, opts: { validateInvalidPlans: boolean }): Promise<{ preview: ExportPreview; templates: BuiltTemplate[]; reports: CfnValidationReport[] }> {
    const app = doc.planning.applications.find((a) => a.id === request.applicationId);
    if (!app) throw new WorkbenchError('not-found', `No application with id ${request.applicationId} in this project.`);
    const planIssues = validateApplication(doc, app, { catalog: this.deps.catalog.lookup() });
    // Every output sees the project defaults filled in (account, region, VPC, subnets, security groups).
    const effective = withProjectDefaults(doc);
    const region = effective.planning.applications.find((a) => a.id === app.id)?.awsRegion;
    let templates: BuiltTemplate[] = [];
    let buildError: string | null = null;
    const { buildCloudFormation } = await cloudFormationBuilder();
    try {
      templates = buildCloudFormation(effective, app.id, { format: request.format, waitStrategy: request.waitStrategy, ...(request.waitTimeoutSeconds ? { waitTimeoutSeconds: request.waitTimeoutSeconds } : {}) });
    } catch (err) {
      if (!(err instanceof WorkbenchError)) throw err;
      buildError = err.message;
    }
    const reports: CfnValidationReport[] = [];
    // A save refused for plan errors need not wait for the validator; a preview shows both.
    const skipValidator = hasErrors(planIssues) && !opts.validateInvalidPlans;
    for (const t of skipValidator ? [] : templates) reports.push(await this.deps.validator.validate(t.body, t.fileName, { region }));
    const blockedBy = hasErrors(planIssues) || buildError ? 'plan' : reports.some((r) => !r.ok) ? 'validator' : null;
    const preview: ExportPreview = {
      applicationId: app.id,
      applicationName: app.name,
      templates: templates.map((t) => ({ fileName: t.fileName, part: t.part, parts: t.parts, servers: t.serverIds.length, groups: t.groups, body: t.body, bytes: Buffer.byteLength(t.body) })),
      planIssues,
      reports,
      blockedBy,
      buildError,
    };
    return { preview, templates, reports };
  }

  async preview(request: ExportRequest): Promise<ExportPreview> {
    return (await this.run(request, this.deps.document(), { validateInvalidPlans: true })).preview;
  }

  /** The refusal, with every reason: plan errors with their fixes, or the validator's messages. */
  private refuse(preview: ExportPreview): never {
    const lines: string[] = [];
    if (preview.buildError) lines.push(preview.buildError);
    for (const i of preview.planIssues.filter((x) => x.severity === 'error')) lines.push(`${i.message} Fix: ${i.fix}`);
    for (const r of preview.reports) for (const d of r.diagnostics.filter((x) => x.blocking)) lines.push(formatDiagnostic(r.fileName, d));
    const head = preview.blockedBy === 'plan' ? `${preview.applicationName} cannot be exported yet:` : `AWS's CloudFormation validator rejected the template of ${preview.applicationName}:`;
    throw new WorkbenchError('export-invalid', [head, ...lines.map((l) => `- ${l}`)].join('\n'), { blockedBy: preview.blockedBy, planIssues: preview.planIssues, reports: preview.reports });
  }

  async saveTemplate(request: ExportRequest, target: string): Promise<ExportWritten> {
    const { preview, templates } = await this.run(request, this.deps.document(), { validateInvalidPlans: false });
    if (preview.blockedBy) this.refuse(preview);
    const abs = path.resolve(target);
    await fs.mkdir(path.dirname(abs), { recursive: true });
    const written: string[] = [];
    for (const t of templates) {
      // One part goes exactly where asked; several parts go next to it, numbered.
      const file = templates.length === 1 ? abs : path.join(path.dirname(abs), t.fileName);
      await this.write(file, t.body);
      written.push(file);
    }
    this.deps.logger.info('cloudformation exported', { application: preview.applicationName, files: written.length });
    return { written, preview };
  }

  async saveBundle(request: ExportRequest, target: string, opts: { zip: boolean }): Promise<ExportWritten> {
    const doc = this.deps.document();
    const { preview, templates, reports } = await this.run(request, doc, { validateInvalidPlans: false });
    if (preview.blockedBy) this.refuse(preview);
    const effective = withProjectDefaults(doc);
    const app = effective.planning.applications.find((a) => a.id === request.applicationId)!;
    const { buildBundleFiles } = await bundleWriter();
    const binary: Record<string, Uint8Array> = {};
    const omitted: Array<{ path: string; reason: string }> = [];
    let pdfEngine: string | null = null;
    if (this.deps.assessmentReport) {
      binary[BUNDLE_REPORT_XLSX] = this.deps.assessmentReport.workbook(doc);
      const pdf = await printOrReason(this.deps.assessmentReport.pdf, doc);
      if ('pdf' in pdf) {
        binary[BUNDLE_REPORT_PDF] = pdf.pdf;
        pdfEngine = pdf.engine;
      } else omitted.push({ path: BUNDLE_REPORT_PDF, reason: pdf.omitted });
    }
    const text = buildBundleFiles({ doc: effective, app, templates, reports, options: { format: request.format, waitStrategy: request.waitStrategy }, report: { files: Object.keys(binary), omitted } });
    const files: Record<string, string | Uint8Array> = { ...text, ...binary };
    files['manifest.json'] = bundleManifest(app.name, files, omitted, pdfEngine);
    const abs = path.resolve(target);
    const written: string[] = [];
    if (opts.zip) {
      const file = abs.toLowerCase().endsWith('.zip') ? abs : `${abs}.zip`;
      const entries = Object.fromEntries(Object.entries(files).map(([name, data]) => [name, [typeof data === 'string' ? strToU8(data) : data, { mtime: ZIP_MTIME }] as const]));
      await fs.mkdir(path.dirname(file), { recursive: true });
      await this.write(file, zipSync(entries as Parameters<typeof zipSync>[0], { level: 6 }));
      written.push(file);
    } else {
      const stat = await fs.stat(abs).catch(() => null);
      if (stat && !stat.isDirectory()) throw new WorkbenchError('invalid-input', `${abs} is a file: choose a folder for the bundle.`);
      for (const [name, data] of Object.entries(files)) {
        const file = path.join(abs, ...name.split('/'));
        await fs.mkdir(path.dirname(file), { recursive: true });
        await this.write(file, data);
        written.push(file);
      }
    }
    this.deps.logger.info('hand-off bundle exported', { application: preview.applicationName, files: written.length });
    return { written, preview };
  }

  /** Launch settings of every planned server (or one application's) as CSV or xlsx, to edit in a spreadsheet. */
  async saveLaunchSettings(target: string, opts: { format: 'csv' | 'xlsx'; applicationId?: string }): Promise<{ written: string; rows: number }> {
    const doc = this.deps.document();
    if (opts.applicationId && !doc.planning.applications.some((a) => a.id === opts.applicationId)) throw new WorkbenchError('not-found', `No application with id ${opts.applicationId} in this project.`);
    const [header, ...rows] = launchSettingsSheet(doc, opts.applicationId);
    const abs = path.resolve(target);
    const stat = await fs.stat(abs).catch(() => null);
    if (stat?.isDirectory()) throw new WorkbenchError('invalid-input', `${abs} is a folder: give a file name for the launch settings.`);
    await fs.mkdir(path.dirname(abs), { recursive: true });
    await this.write(abs, opts.format === 'xlsx' ? writeXlsx([{ name: 'Launch settings', rows: [header!, ...rows] }]) : toCsv(header!.map(String), rows));
    this.deps.logger.info('launch settings exported', { rows: rows.length, format: opts.format });
    return { written: abs, rows: rows.length };
  }

  /** Reads an edited launch-settings sheet and compares it with the project: nothing changes until the edit is applied. */
  async readLaunchSettings(source: string): Promise<LaunchSettingsImport & { file: string }> {
    const abs = path.resolve(source);
    const stat = await fs.stat(abs).catch(() => null);
    if (!stat?.isFile()) throw new WorkbenchError('not-found', `${abs} is not a file.`);
    if (stat.size > 50 * 2 ** 20) throw new WorkbenchError('import-too-large', `${path.basename(abs)} is ${Math.round(stat.size / 2 ** 20)} MiB; a launch-settings sheet of 20,000 servers is a few MiB. Is this the right file?`);
    const bytes = new Uint8Array(await fs.readFile(abs));
    const isZip = bytes[0] === 0x50 && bytes[1] === 0x4b;
    const table = isZip ? readXlsx(bytes, path.basename(abs)).tables.find((t) => t.headers.length) : readCsv(bytes, path.basename(abs), 'Launch settings');
    if (!table) throw new WorkbenchError('import-unrecognized', `${path.basename(abs)} has no sheet with a header row.`);
    return { file: abs, ...readLaunchSettingsSheet(this.deps.document(), table.headers, table.rows, table.rowNumbers) };
  }

  private async write(file: string, data: string | Uint8Array): Promise<void> {
    try {
      await writeFileAtomic(file, data, { keepBackup: false });
    } catch (err) {
      throw new WorkbenchError('file-io', `Could not write ${file}: ${(err as Error).message}`);
    }
  }
}
