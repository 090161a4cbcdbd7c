import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';
import { WorkbenchError } from '../common/model/errors';
import type { ProjectDocument } from '../common/model/project';
import type { AssessmentAssumptionsPatch } from '../common/model/assessment';
import { assessProject, type AssessmentReference, type AssessmentResult } from '../common/assess/assess';
import { OsSupportDataSchema } from '../common/assess/os-support';
import { EbsPricesSchema } from '../common/assess/storage';
import { assessmentSheets } from '../common/assess/report';
import { writeXlsx } from './inventory/xlsx.writer';
import { writeFileAtomic } from '../platform/atomic-write';
import type { InstanceCatalogService } from './instance-catalog.service';

export interface AssessmentServiceDeps {
  catalog: InstanceCatalogService;
  osSupportFile: string;
  ebsPricesFile: string;
  /** The open project (the desktop and browser shells) or the one the CLI read. */
  document: () => ProjectDocument;
}

function readData<T>(file: string, schema: z.ZodType<T>, what: string): T {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new WorkbenchError('internal', `The bundled ${what} could not be read (${(err as NodeJS.ErrnoException).code ?? 'invalid JSON'}). Reinstall the workbench.`);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new WorkbenchError('internal', `The bundled ${what} is damaged: ${parsed.error.issues[0]?.message ?? 'invalid'}.`);
  return parsed.data;
}

/** Readiness, right-sizing, cost and approach for the project, and the hand-over report. */
export class AssessmentService {
  private ref: AssessmentReference | null = null;

  constructor(private readonly deps: AssessmentServiceDeps) {}

  /** The bundled data the pure assessment reads (EC2 catalog, OS support, EBS prices), loaded once. */
  reference(): AssessmentReference {
    this.ref ??= {
      catalog: this.deps.catalog.list(),
      osSupport: readData(this.deps.osSupportFile, OsSupportDataSchema, 'OS support list'),
      ebsPrices: readData(this.deps.ebsPricesFile, EbsPricesSchema, 'EBS price list'),
    };
    return this.ref;
  }

  assess(overrides?: AssessmentAssumptionsPatch, document: ProjectDocument = this.deps.document()): AssessmentResult {
    return assessProject(document, this.reference(), overrides);
  }

  /** The workbook: summary, servers, findings, volumes and costs as values (no formulas). */
  workbook(overrides?: AssessmentAssumptionsPatch, document: ProjectDocument = this.deps.document(), now = new Date()): Uint8Array {
    const result = this.assess(overrides, document);
    const sheets = assessmentSheets(
      result,
      { project: document.name, customer: document.customer, generatedAt: now.toISOString() },
      { applications: new Map(document.planning.applications.map((a) => [a.id, a.name])), waves: new Map(document.planning.waves.map((w) => [w.id, w.name])) },
    );
    return writeXlsx(sheets);
  }

  async saveReport(file: string, overrides?: AssessmentAssumptionsPatch, document?: ProjectDocument): Promise<{ path: string; bytes: number }> {
    const abs = path.resolve(file);
    if (path.extname(abs).toLowerCase() !== '.xlsx') throw new WorkbenchError('invalid-input', `The report is an Excel workbook: give a file name ending in .xlsx (not ${path.basename(abs).slice(0, 80)}).`);
    const bytes = this.workbook(overrides, document);
    try {
      await writeFileAtomic(abs, bytes);
    } catch (err) {
      throw new WorkbenchError('file-io', `Cannot write the report to ${abs}: ${(err as NodeJS.ErrnoException).code ?? String(err)}.`);
    }
    return { path: abs, bytes: bytes.byteLength };
  }
}
