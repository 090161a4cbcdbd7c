import { WorkbenchError } from '../common/model/errors';
import type { ProjectDocument } from '../common/model/project';
import { isPdf, type AssessmentPdfPrinter, type PdfEngine } from '../services/report-pdf';

/**
 * The part of an Electron `WebContents` (of a hidden window) the printer uses; `index.ts` makes one per print, tests
 * inject a fake.
 */
export interface PrintableContents {
  loadURL(url: string): Promise<void>;
  executeJavaScript(code: string): Promise<unknown>;
  printToPDF(options: { printBackground?: boolean; preferCSSPageSize?: boolean; generateTaggedPDF?: boolean }): Promise<Uint8Array>;
  /** Destroys the hidden window. */
  close(): void;
}

/** True once the printable report has drawn: the report is there and every chart has its SVG. */
export const REPORT_READY_CHECK = `(() => { const r = document.querySelector('article.assessment-report'); if (!r) return false; const figs = r.querySelectorAll('figure'); return [...figs].every((f) => f.querySelector('svg')) && document.fonts.status === 'loaded'; })()`;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Electron's `webContents.printToPDF` of a page loaded in a hidden window (the desktop app's browser engine). */
export class ElectronPdfEngine implements PdfEngine {
  readonly name = 'Electron (printToPDF)';

  constructor(private readonly open: () => PrintableContents, private readonly opts: { pollMs?: number } = {}) {}

  unavailable(): string | null {
    return null;
  }

  async printUrl(url: string, opts: { timeoutMs?: number } = {}): Promise<Uint8Array> {
    const deadline = Date.now() + (opts.timeoutMs ?? 60_000);
    const contents = this.open();
    try {
      await contents.loadURL(url);
      // The page builds the report after it has loaded the project over IPC: wait until it has drawn.
      for (;;) {
        if ((await contents.executeJavaScript(REPORT_READY_CHECK)) === true) break;
        if (Date.now() > deadline) throw new WorkbenchError('internal', 'The report page did not finish drawing in time, so it was not printed.');
        await sleep(this.opts.pollMs ?? 100);
      }
      const bytes = await contents.printToPDF({ printBackground: true, preferCSSPageSize: true, generateTaggedPDF: true });
      if (!isPdf(bytes)) throw new WorkbenchError('internal', 'Electron did not produce a PDF.');
      return bytes;
    } catch (err) {
      if (err instanceof WorkbenchError) throw err;
      throw new WorkbenchError('internal', `Electron could not print the report (${(err instanceof Error ? err.message : String(err)).slice(0, 160)}).`);
    } finally {
      contents.close();
    }
  }
}

/**
 * The desktop app's report printer: the app's own page with `?print=assessment` in a hidden window. That page shows
 * the project open in the app, so it prints only that project (the export service hands it the open one).
 */
export function electronAssessmentPrinter(engine: PdfEngine, opts: { pageUrl: string; openProject: () => ProjectDocument | null }): AssessmentPdfPrinter {
  return {
    engine: engine.name,
    unavailable: () => engine.unavailable(),
    async print(doc) {
      if (opts.openProject()?.id !== doc.id) throw new WorkbenchError('invalid-input', 'The desktop app prints the report of the open project only.');
      const url = new URL(opts.pageUrl);
      url.searchParams.set('print', 'assessment');
      return engine.printUrl(url.href);
    },
  };
}
