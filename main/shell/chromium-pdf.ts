import { execFile } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { WorkbenchError } from '../common/model/errors';
import type { AssessmentAssumptionsPatch } from '../common/model/assessment';
import type { ProjectDocument } from '../common/model/project';
import { packageRoot } from '../platform/paths';
import { silentLogger } from '../platform/logger';
import { isPdf, type AssessmentPdfPrinter, type PdfEngine } from '../services/report-pdf';
import { createHandlers } from '../ipc/handlers';
import { startShellServer } from './http-server';
import { createNodeServices } from './node-runtime';

export const CHROMIUM = process.env.MWB_CHROMIUM ?? '/usr/bin/chromium';

function rendererDir(): string {
  return path.join(packageRoot(), 'out', 'renderer');
}

/** Headless Chromium, run without a shell in a throw-away profile: `--print-to-pdf` of one page. */
export class ChromiumPdfEngine implements PdfEngine {
  readonly name = 'Chromium (headless)';

  constructor(private readonly binary = CHROMIUM) {}

  unavailable(): string | null {
    return existsSync(this.binary) ? null : `PDF needs Chromium at ${this.binary} (apt-get install chromium, or set MWB_CHROMIUM).`;
  }

  async printUrl(url: string, opts: { timeoutMs?: number } = {}): Promise<Uint8Array> {
    const why = this.unavailable();
    if (why) throw new WorkbenchError('internal', why);
    const work = await fs.mkdtemp(path.join(os.tmpdir(), 'mwb-chromium-pdf-'));
    try {
      const out = path.join(work, 'page.pdf');
      await new Promise<void>((resolve, reject) => {
        execFile(
          this.binary,
          ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', `--user-data-dir=${path.join(work, 'profile')}`, '--no-pdf-header-footer', '--virtual-time-budget=30000', '--run-all-compositor-stages-before-draw', `--print-to-pdf=${out}`, url],
          { timeout: opts.timeoutMs ?? 120_000, maxBuffer: 4 * 2 ** 20 },
          (err) => (err ? reject(new WorkbenchError('internal', `Chromium could not print the report (${(err as NodeJS.ErrnoException).code ?? err.message.split('\n')[0]?.slice(0, 120)}).`)) : resolve()),
        );
      });
      const bytes = await fs.readFile(out).catch(() => null);
      if (!bytes || !isPdf(bytes)) throw new WorkbenchError('internal', 'Chromium did not produce a PDF.');
      return new Uint8Array(bytes);
    } finally {
      await fs.rm(work, { recursive: true, force: true });
    }
  }
}

/**
 * The printable assessment report as PDF, printed from the same page the workbench shows: the project (a file, or a
 * document written to a temp file) is opened in a private, throw-away browser shell (127.0.0.1, random port and token;
 * never saved), with the overridden assumptions applied in memory, and the engine prints `?print=assessment`.
 */
export async function printAssessmentPage(source: { projectFile: string } | { document: ProjectDocument }, overrides: AssessmentAssumptionsPatch = {}, engine: PdfEngine = new ChromiumPdfEngine(), timeoutMs = 120_000): Promise<Uint8Array> {
  const staticDir = rendererDir();
  if (!existsSync(path.join(staticDir, 'index.html'))) throw new WorkbenchError('internal', 'The workbench page is not built (out/renderer); run node scripts/build.mjs, or write the report as .xlsx.');
  const why = engine.unavailable();
  if (why) throw new WorkbenchError('internal', `${why} Or write the report as .xlsx.`);
  const work = await fs.mkdtemp(path.join(os.tmpdir(), 'mwb-assess-pdf-'));
  const services = createNodeServices({ shell: 'browser', logger: silentLogger, dataDir: path.join(work, 'appdata') });
  let server: Awaited<ReturnType<typeof startShellServer>> | null = null;
  try {
    let file: string;
    if ('projectFile' in source) file = path.resolve(source.projectFile);
    else {
      file = path.join(work, 'report.mwb.json');
      await fs.writeFile(file, JSON.stringify(source.document));
    }
    await services.project.open(file);
    if (Object.keys(overrides).length) services.project.edit({ type: 'assessment.setAssumptions', assumptions: overrides });
    server = await startShellServer({ handlers: createHandlers(services), events: services.events, logger: silentLogger, staticDir });
    const url = new URL(server.url);
    return await engine.printUrl(`${url.origin}/?print=assessment${url.hash}`, { timeoutMs });
  } finally {
    await server?.close();
    await services.dispose();
    await fs.rm(work, { recursive: true, force: true });
  }
}

/** The CLI's and the browser shell's report printer: headless Chromium over a private browser shell. */
export function chromiumAssessmentPrinter(engine: PdfEngine = new ChromiumPdfEngine()): AssessmentPdfPrinter {
  return {
    engine: engine.name,
    unavailable: () => (existsSync(path.join(rendererDir(), 'index.html')) ? engine.unavailable() : 'The workbench page is not built (out/renderer; node scripts/build.mjs), so there is no page to print.'),
    print: (document) => printAssessmentPage({ document }, {}, engine),
  };
}
