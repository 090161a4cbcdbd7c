import { describe, expect, it } from 'vitest';
import { ElectronPdfEngine, electronAssessmentPrinter, REPORT_READY_CHECK, type PrintableContents } from '../../../../main/app/electron-pdf';
import { isWorkbenchError } from '../../../../main/common/model/errors';
import { printOrReason } from '../../../../main/services/report-pdf';
import { loadDemo } from '../../../helpers/plan-fixtures';

const PDF = new TextEncoder().encode('%PDF-1.7\n% a report\n%%EOF\n');

/** A webContents stand-in: records what the printer asks, draws after `readyAfter` checks. */
function fakeContents(opts: { readyAfter?: number; pdf?: Uint8Array; loadError?: Error } = {}) {
  const calls: string[] = [];
  let checks = 0;
  const contents: PrintableContents = {
    async loadURL(url) {
      calls.push(`load ${url}`);
      if (opts.loadError) throw opts.loadError;
    },
    async executeJavaScript(code) {
      expect(code).toBe(REPORT_READY_CHECK);
      checks++;
      return checks > (opts.readyAfter ?? 0);
    },
    async printToPDF(options) {
      calls.push(`print ${JSON.stringify(options)}`);
      return opts.pdf ?? PDF;
    },
    close() {
      calls.push('close');
    },
  };
  return { contents, calls, checks: () => checks };
}

describe('Electron printToPDF engine (injected webContents)', () => {
  it('loads the page, waits until the report has drawn, prints it with backgrounds, then closes the window', async () => {
    const f = fakeContents({ readyAfter: 3 });
    const engine = new ElectronPdfEngine(() => f.contents, { pollMs: 1 });
    const bytes = await engine.printUrl('file:///app/out/renderer/index.html?print=assessment');
    expect(bytes).toEqual(PDF);
    expect(f.checks()).toBe(4);
    expect(f.calls).toEqual(['load file:///app/out/renderer/index.html?print=assessment', 'print {"printBackground":true,"preferCSSPageSize":true,"generateTaggedPDF":true}', 'close']);
  });

  it('gives up with a typed error when the page never draws, and still closes the window', async () => {
    const f = fakeContents({ readyAfter: Number.POSITIVE_INFINITY });
    const err = await new ElectronPdfEngine(() => f.contents, { pollMs: 1 }).printUrl('file:///x', { timeoutMs: 30 }).catch((e: unknown) => e);
    expect(isWorkbenchError(err, 'internal')).toBe(true);
    expect((err as Error).message).toMatch(/did not finish drawing/);
    expect(f.calls.at(-1)).toBe('close');
  });

  it('refuses bytes that are not a PDF, and wraps a failed load in a typed error', async () => {
    const bad = fakeContents({ pdf: new TextEncoder().encode('<html>') });
    await expect(new ElectronPdfEngine(() => bad.contents, { pollMs: 1 }).printUrl('file:///x')).rejects.toThrow('Electron did not produce a PDF.');
    expect(bad.calls.at(-1)).toBe('close');
    const broken = fakeContents({ loadError: new Error('ERR_FILE_NOT_FOUND (-6) loading file:///x') });
    const err = await new ElectronPdfEngine(() => broken.contents, { pollMs: 1 }).printUrl('file:///x').catch((e: unknown) => e);
    expect(isWorkbenchError(err, 'internal')).toBe(true);
    expect((err as Error).message).toMatch(/^Electron could not print the report \(ERR_FILE_NOT_FOUND/);
    expect(broken.calls.at(-1)).toBe('close');
  });

  it('prints the open project\'s report page (?print=assessment), and only the open project', async () => {
    const doc = loadDemo();
    const f = fakeContents();
    const printer = electronAssessmentPrinter(new ElectronPdfEngine(() => f.contents, { pollMs: 1 }), { pageUrl: 'file:///opt/mwb/out/renderer/index.html', openProject: () => doc });
    expect(printer.unavailable()).toBeNull();
    expect(await printer.print(doc)).toEqual(PDF);
    expect(f.calls[0]).toBe('load file:///opt/mwb/out/renderer/index.html?print=assessment');
    const other = { ...doc, id: 'another-project' };
    const r = await printOrReason(printer, other);
    expect(r).toEqual({ omitted: expect.stringMatching(/^Electron \(printToPDF\) could not print the report: The desktop app prints the report of the open project only\./) });
  });
});
