// The assessment report in the hand-off bundle; uses the real AWS CloudFormation validator (wasm) and real files.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { unzipSync, strFromU8 } from 'fflate';
import { ExportService, BUNDLE_REPORT_PDF, BUNDLE_REPORT_XLSX } from '../../../../main/services/export.service';
import { CfnValidatorService } from '../../../../main/services/cfn-validator.service';
import { InstanceCatalogService } from '../../../../main/services/instance-catalog.service';
import { AssessmentService } from '../../../../main/services/assessment.service';
import type { AssessmentPdfPrinter } from '../../../../main/services/report-pdf';
import { readXlsx } from '../../../../main/services/inventory/xlsx.reader';
import { applyEdit } from '../../../../main/common/model/edits';
import { WorkbenchError } from '../../../../main/common/model/errors';
import type { ProjectDocument } from '../../../../main/common/model/project';
import { silentLogger } from '../../../../main/platform/logger';
import { loadDemo } from '../../../helpers/plan-fixtures';

const validator = new CfnValidatorService();
const catalog = new InstanceCatalogService(path.resolve('assets/data/ec2-instance-types.json'));
let dir: string;
let doc: ProjectDocument;
const assessment = new AssessmentService({ catalog, osSupportFile: path.resolve('assets/data/aws-os-support.json'), ebsPricesFile: path.resolve('assets/data/ebs-prices.json'), document: () => doc });
const PDF = new TextEncoder().encode('%PDF-1.7\n1 0 obj << /Type /Page >> endobj\n%%EOF\n');
const request = { applicationId: 'app-webshop', format: 'yaml', waitStrategy: 'depends-on' } as const;

function exporter(pdf?: AssessmentPdfPrinter): ExportService {
  return new ExportService({ document: () => doc, validator, catalog, logger: silentLogger, assessmentReport: { workbook: (d) => assessment.workbook(undefined, d), ...(pdf ? { pdf } : {}) } });
}

const printer = (print: AssessmentPdfPrinter['print'], unavailable: string | null = null): AssessmentPdfPrinter => ({ engine: 'Test engine', unavailable: () => unavailable, print });

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'mwb-export-report-'));
  doc = applyEdit(loadDemo(), { type: 'defaults.set', defaults: { awsAccountId: '111122223333', awsRegion: 'eu-west-1' } });
});
afterAll(async () => {
  validator.dispose();
  await rm(dir, { recursive: true, force: true });
});

describe('the assessment report in the hand-off bundle', { timeout: 120_000 }, () => {
  it('carries the workbook and the printed PDF, listed in the runbook and in manifest.json with sizes and SHA-256', async () => {
    const printed: string[] = [];
    const out = path.join(dir, 'with-pdf');
    await exporter(printer(async (d) => (printed.push(d.id), PDF))).saveBundle(request, out, { zip: false });
    expect(printed).toEqual([doc.id]);
    expect(new Uint8Array(await readFile(path.join(out, 'assessment', 'assessment-report.pdf')))).toEqual(PDF);
    const xlsx = new Uint8Array(await readFile(path.join(out, 'assessment', 'assessment-report.xlsx')));
    const book = readXlsx(xlsx, 'assessment-report.xlsx');
    expect(book.tables.map((t) => t.name)).toEqual(expect.arrayContaining(['Servers', 'Findings']));
    const manifest = JSON.parse(await readFile(path.join(out, 'manifest.json'), 'utf8'));
    expect(manifest).toMatchObject({ format: 'migration-workbench-bundle', application: 'WebShop', omitted: [], reportPrintedBy: 'Test engine' });
    const entry = manifest.files.find((f: { path: string }) => f.path === BUNDLE_REPORT_XLSX);
    expect(entry).toEqual({ path: BUNDLE_REPORT_XLSX, bytes: xlsx.byteLength, sha256: createHash('sha256').update(xlsx).digest('hex') });
    expect(manifest.files.map((f: { path: string }) => f.path)).toEqual(expect.arrayContaining([BUNDLE_REPORT_PDF, 'RUNBOOK.md', 'cmf-intake.csv']));
    const runbook = await readFile(path.join(out, 'RUNBOOK.md'), 'utf8');
    expect(runbook).toContain(`| ${BUNDLE_REPORT_PDF} | The printable assessment report`);
    expect(runbook).toContain(`| ${BUNDLE_REPORT_XLSX} | The assessment workbook`);
  });

  it('without a browser engine leaves the PDF out, says why in the manifest and the runbook, and still writes the rest', async () => {
    const out = path.join(dir, 'no-engine.zip');
    await exporter(printer(async () => PDF, 'PDF needs Chromium at /usr/bin/chromium (apt-get install chromium, or set MWB_CHROMIUM).')).saveBundle(request, out, { zip: true });
    const entries = unzipSync(new Uint8Array(await readFile(out)));
    expect(Object.keys(entries)).not.toContain(BUNDLE_REPORT_PDF);
    expect(Object.keys(entries)).toContain(BUNDLE_REPORT_XLSX);
    const manifest = JSON.parse(strFromU8(entries['manifest.json']!));
    expect(manifest.omitted).toEqual([{ path: BUNDLE_REPORT_PDF, reason: 'PDF needs Chromium at /usr/bin/chromium (apt-get install chromium, or set MWB_CHROMIUM).' }]);
    expect(manifest.reportPrintedBy).toBeUndefined();
    expect(strFromU8(entries['RUNBOOK.md']!)).toContain(`| ${BUNDLE_REPORT_PDF} | Left out: PDF needs Chromium`);
    // The manifest's hashes are those of the files in the zip.
    for (const f of manifest.files as Array<{ path: string; sha256: string }>) expect(createHash('sha256').update(entries[f.path]!).digest('hex'), f.path).toBe(f.sha256);
  });

  it('a printer that fails leaves the PDF out with its (short) reason; no printer at all is said too', async () => {
    const failing = exporter(printer(async () => {
      throw new WorkbenchError('internal', `Chromium could not print the report (ETIMEDOUT).${'x'.repeat(2000)}`);
    }));
    const out = path.join(dir, 'failed');
    await failing.saveBundle(request, out, { zip: false });
    const manifest = JSON.parse(await readFile(path.join(out, 'manifest.json'), 'utf8'));
    expect(manifest.omitted[0].reason).toMatch(/^Test engine could not print the report: Chromium could not print the report \(ETIMEDOUT\)/);
    expect(manifest.omitted[0].reason.length).toBeLessThan(400);
    const none = path.join(dir, 'none');
    await exporter().saveBundle(request, none, { zip: false });
    expect(JSON.parse(await readFile(path.join(none, 'manifest.json'), 'utf8')).omitted).toEqual([{ path: BUNDLE_REPORT_PDF, reason: 'No browser engine is available to this command to print the report.' }]);
  });
});
