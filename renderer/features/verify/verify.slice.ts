import type { VerificationReport } from '../../../main/common/verify/report';
import type { TrustEdit, VerifyFailure } from '../../../main/common/ipc/channels/verify.channels';
import { reportJson, reportMarkdown } from '../../../main/common/verify/report-format';
import { invoke, onEvent, pathForFile } from '../../ipc/client';
import type { SliceCreator } from '../../store/types';

export interface VerifyRun {
  taskId: string;
  label: string;
  done: number;
  total: number | null;
  phase: 'uploading' | 'verifying';
}

export interface VerifySlice {
  verifyReports: VerificationReport[];
  verifyFailures: VerifyFailure[];
  verifyRun: VerifyRun | null;
  verifyFilesRequested(paths: string[]): Promise<void>;
  /** Files dropped on the screen: certificates and CRLs join the trust settings, the rest is verified. */
  verifyFilesDropped(files: File[]): Promise<void>;
  verifyCancelRequested(): Promise<void>;
  /** Trust lives in the project (undoable); this edits it. */
  verifyTrustEdited(edit: TrustEdit): Promise<boolean>;
  verifyReportCopied(format: 'markdown' | 'json'): Promise<void>;
  verifyReportSaveRequested(path: string, format: 'markdown' | 'json'): Promise<boolean>;
  verifyCleared(): void;
}

let runCounter = 0;
const TRUST_SUFFIX = /\.(pem|crt|cer|der|crl)$/i;

export function reportText(reports: VerificationReport[], format: 'markdown' | 'json'): string {
  return format === 'json' ? JSON.stringify({ generatedAt: new Date().toISOString(), files: reports.map(reportJson) }, null, 2) + '\n' : reportMarkdown(reports, new Date().toISOString());
}

export const createVerifySlice: SliceCreator<VerifySlice> = (set, get) => ({
  verifyReports: [],
  verifyFailures: [],
  verifyRun: null,

  async verifyFilesRequested(paths) {
    if (paths.length === 0 || get().verifyRun) return;
    const taskId = `verify-${Date.now()}-${++runCounter}`;
    set({ verifyRun: { taskId, label: 'Starting…', done: 0, total: null, phase: 'verifying' } });
    const off = onEvent('task.progress', (p) => {
      if (p.taskId === taskId && p.state === 'running') set({ verifyRun: { taskId, label: p.message ?? p.label, done: p.done, total: p.total, phase: 'verifying' } });
    });
    try {
      const { reports, failures } = await invoke('verify.files', { paths, taskId });
      // Newest first; a file verified again replaces its earlier card.
      const names = new Set(reports.map((r) => r.file));
      set((s) => ({ verifyReports: [...reports, ...s.verifyReports.filter((r) => !names.has(r.file))], verifyFailures: failures }));
      const bad = reports.filter((r) => !r.ok).length + failures.length;
      get().noticeShown(bad ? 'warning' : 'success', bad ? `${bad} of ${reports.length + failures.length} file(s) could not be verified.` : `${reports.length} file(s) verified.`);
    } catch (err) {
      const cancelled = err instanceof Error && 'code' in err && (err as { code: string }).code === 'cancelled';
      get().noticeShown(cancelled ? 'info' : 'error', cancelled ? 'Verification cancelled; nothing was recorded.' : err instanceof Error ? err.message : String(err));
    } finally {
      off();
      set({ verifyRun: null });
    }
  },

  async verifyFilesDropped(files) {
    if (files.length === 0 || get().verifyRun) return;
    const paths: string[] = [];
    const taskId = `upload-${++runCounter}`;
    try {
      for (const [i, f] of files.entries()) {
        set({ verifyRun: { taskId, label: `Reading ${f.name} (${i + 1}/${files.length})`, done: 0, total: f.size, phase: 'uploading' } });
        const p = await pathForFile(f, (sent, total) => set({ verifyRun: { taskId, label: `Reading ${f.name} (${i + 1}/${files.length})`, done: sent, total, phase: 'uploading' } }));
        if (TRUST_SUFFIX.test(f.name)) {
          const head = await f.slice(0, 4096).text();
          await get().verifyTrustEdited({ op: 'addFile', path: p, as: /-----BEGIN X509 CRL-----/.test(head) || /\.crl$/i.test(f.name) ? 'crl' : 'root' });
        } else paths.push(p);
      }
    } catch (err) {
      get().noticeShown('error', err instanceof Error ? err.message : String(err));
      set({ verifyRun: null });
      return;
    }
    set({ verifyRun: null });
    await get().verifyFilesRequested(paths);
  },

  async verifyCancelRequested() {
    const run = get().verifyRun;
    if (run?.phase === 'verifying') await invoke('tasks.cancel', { taskId: run.taskId });
  },

  async verifyTrustEdited(edit) {
    try {
      const { message } = await invoke('verify.trust.edit', { edit });
      get().noticeShown('info', message);
      return true;
    } catch (err) {
      get().noticeShown('error', err instanceof Error ? err.message : String(err));
      return false;
    }
  },

  async verifyReportCopied(format) {
    const reports = get().verifyReports;
    if (reports.length === 0) return;
    try {
      await navigator.clipboard.writeText(reportText(reports, format));
      get().noticeShown('success', `Report for ${reports.length} file(s) copied as ${format === 'json' ? 'JSON' : 'Markdown'}.`);
    } catch {
      get().noticeShown('error', 'The clipboard is not available here; use Save report instead.');
    }
  },

  async verifyReportSaveRequested(path, format) {
    const reports = get().verifyReports;
    if (reports.length === 0) return false;
    try {
      const r = await invoke('verify.saveReport', { path, format, reports });
      get().noticeShown('success', `Report saved to ${r.path}.`);
      return true;
    } catch (err) {
      get().noticeShown('error', err instanceof Error ? err.message : String(err));
      return false;
    }
  },

  verifyCleared: () => set({ verifyReports: [], verifyFailures: [] }),
});
