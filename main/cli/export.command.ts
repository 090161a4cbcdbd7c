import { createNodeServices } from '../shell/node-runtime';
import { consoleLogger } from '../platform/logger';
import { ExportService } from '../services/export.service';
import { findApplication } from '../common/export/cloudformation.builder';
import type { ExportRequest } from '../common/ipc/channels/planning.channels';
import { applyEdit } from '../common/model/edits';
import { EXIT } from './context';
import { chromiumAssessmentPrinter } from '../shell/chromium-pdf';

interface ExportOpts {
  project: string;
  app: string;
  out: string;
  format: 'yaml' | 'json';
  wait: 'depends-on' | 'wait-condition';
  zip?: boolean;
  account?: string;
  region?: string;
}

async function runExport(kind: 'cloudformation' | 'bundle', o: ExportOpts): Promise<void> {
  const services = createNodeServices({ shell: 'browser', logger: consoleLogger('mwb', true) });
  try {
    // Read-only: the project file is parsed, never opened for editing or added to recent files.
    const read = await services.project.readProject(o.project);
    // --account/--region stand in for the project defaults for this run (the file is not changed).
    const document = o.account || o.region ? applyEdit(read.document, { type: 'defaults.set', defaults: { ...read.document.planning.defaults, ...(o.account ? { awsAccountId: o.account } : {}), ...(o.region ? { awsRegion: o.region } : {}) } }) : read.document;
    const app = findApplication(document, o.app);
    const exporter = new ExportService({
      document: () => document,
      validator: services.cfnValidator,
      catalog: services.catalog,
      logger: services.logger,
      // The bundle carries the assessment report: the workbook, and the PDF headless Chromium prints (or why not, in manifest.json).
      assessmentReport: { workbook: (doc) => services.assessment.workbook(undefined, doc), pdf: chromiumAssessmentPrinter() },
    });
    const request: ExportRequest = { applicationId: app.id, format: o.format, waitStrategy: o.wait };
    const result = kind === 'cloudformation' ? await exporter.saveTemplate(request, o.out) : await exporter.saveBundle(request, o.out, { zip: !!o.zip });
    for (const i of result.preview.planIssues.filter((x) => x.severity === 'warning')) process.stderr.write(`warning: ${i.message} (${i.fix})\n`);
    for (const r of result.preview.reports) process.stdout.write(`${r.fileName}: valid (${r.validator}, ${r.diagnostics.length} warning(s))\n`);
    for (const f of result.written) process.stdout.write(`wrote ${f}\n`);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`mwb export: ${message}\n`);
    process.exitCode = EXIT.failed;
  } finally {
    await services.dispose();
  }
}

/** `mwb export cloudformation`. */
export const exportCloudFormationAction = (o: ExportOpts): Promise<void> => runExport('cloudformation', o);
/** `mwb export bundle`. */
export const exportBundleAction = (o: ExportOpts): Promise<void> => runExport('bundle', o);
