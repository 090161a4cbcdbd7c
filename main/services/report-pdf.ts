import type { ProjectDocument } from '../common/model/project';

/**
 * A browser engine that prints a page to PDF: headless Chromium run as a child process (CLI and browser shell,
 * `main/shell/chromium-pdf.ts`) or Electron's `webContents.printToPDF` (desktop app, `main/app/electron-pdf.ts`).
 */
export interface PdfEngine {
  /** Shown in the bundle's manifest: what printed the PDF. */
  readonly name: string;
  /** Why this engine cannot print here (not installed, page not built), or null when it can. */
  unavailable(): string | null;
  /** Loads the page, waits until it has drawn, prints it; rejects with a typed WorkbenchError. */
  printUrl(url: string, opts?: { timeoutMs?: number }): Promise<Uint8Array>;
}

/** The Assessment screen's printable report of a project as PDF, made by a browser engine. */
export interface AssessmentPdfPrinter {
  readonly engine: string;
  /** Why no PDF can be made here, or null when it can. */
  unavailable(): string | null;
  print(doc: ProjectDocument): Promise<Uint8Array>;
}

/** The PDF, or why it was left out (said in the bundle's manifest). Never throws: the rest of the bundle still goes out. */
export async function printOrReason(printer: AssessmentPdfPrinter | undefined, doc: ProjectDocument): Promise<{ pdf: Uint8Array; engine: string } | { omitted: string }> {
  if (!printer) return { omitted: 'No browser engine is available to this command to print the report.' };
  const why = printer.unavailable();
  if (why) return { omitted: why };
  try {
    return { pdf: await printer.print(doc), engine: printer.engine };
  } catch (err) {
    return { omitted: `${printer.engine} could not print the report: ${(err instanceof Error ? err.message : String(err)).slice(0, 300)}` };
  }
}

/** A PDF file starts with `%PDF-`. */
export function isPdf(bytes: Uint8Array): boolean {
  return bytes.length > 5 && String.fromCharCode(...bytes.subarray(0, 5)) === '%PDF-';
}
