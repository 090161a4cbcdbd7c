import type { VerificationReport } from '../../../main/common/verify/report';
import type { TrustEdit, VerifyFailure } from '../../../main/common/ipc/channels/verify.channels';
import { reportJson, reportMarkdown } from '../../../main/common/verify/report-format';
import { trustFileKind } from '../../../main/common/verify/trust-rules';
import type { BundledRootInfo } from '../../../main/common/verify/bundled';
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
  /** The roots shipped with the app (null until loaded). */
  verifyBundledRoots: BundledRootInfo[] | null;
  verifyBundledRootsRequested(): Promise<void>;
  /** Verifies files; a file verified again replaces its card. */
  verifyFilesRequested(paths: string[]): Promise<void>;
  /** Files dropped on the screen: certificates and CRLs join the trust settings, the rest is verified. */
  verifyFilesDropped(files: File[]): Promise<void>;
  verifyCancelRequested(): Promise<void>;
  /** Trust lives in the project (undoable); this edits it, then re-checks the files already listed. */
  verifyTrustEdited(edit: TrustEdit, opts?: { recheck?: boolean }): Promise<boolean>;
  verifyReportCopied(format: 'markdown' | 'json'): Promise<void>;
  verifyReportSaveRequested(path: string, format: 'markdown' | 'json'): Promise<boolean>;
  verifyCleared(): void;
}

let runCounter = 0;
/** The notice that summarised the last run: a newer result supersedes it, so it goes away. */
let resultNotice: number | null = null;

export function reportText(reports: VerificationReport[], format: 'markdown' | 'json'): string {
  return format === 'json' ? JSON.stringify({ generatedAt: new Date().toISOString(), files: reports.map(reportJson) }, null, 2) + '\n' : reportMarkdown(reports, new Date().toISOString());
}

export const createVerifySlice: SliceCreator<VerifySlice> = (set, get) => ({
  verifyReports: [],
  verifyFailures: [],
  verifyRun: null,
  verifyBundledRoots: null,

  async verifyBundledRootsRequested() {
    if (get().verifyBundledRoots) return;
    try {
      const { roots } = await invoke('verify.trust.bundled', {});
      set({ verifyBundledRoots: roots });
    } catch (err) {
      get().noticeShown('error', err instanceof Error ? err.message : String(err));
    }
  },

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
      if (resultNotice !== null) get().noticeDismissed(resultNotice);
      get().noticeShown(bad ? 'warning' : 'success', bad ? `${bad} of ${reports.length + failures.length} file(s) could not be verified.` : `${reports.length} file(s) verified.`);
      resultNotice = get().notices.at(-1)?.id ?? null;
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
        const kind = trustFileKind(f.name, await f.slice(0, 4096).text());
        if (kind) await get().verifyTrustEdited({ op: 'addFile', path: p, as: kind }, { recheck: false });
        else paths.push(p);
      }
    } catch (err) {
      get().noticeShown('error', err instanceof Error ? err.message : String(err));
      set({ verifyRun: null });
      return;
    }
    set({ verifyRun: null });
    // Dropped together: the new files, and the ones already listed if the drop changed what is trusted.
    const listed = get().verifyReports.map((r) => r.file);
    await get().verifyFilesRequested(paths.length < files.length ? [...new Set([...paths, ...listed])] : paths);
  },

  async verifyCancelRequested() {
    const run = get().verifyRun;
    if (run?.phase === 'verifying') await invoke('tasks.cancel', { taskId: run.taskId });
  },

  async verifyTrustEdited(edit, opts) {
    try {
      const { message } = await invoke('verify.trust.edit', { edit });
      get().noticeShown('info', message);
      const listed = get().verifyReports.map((r) => r.file);
      if (opts?.recheck !== false && listed.length > 0) await get().verifyFilesRequested(listed);
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

  verifyCleared: () => {
    if (resultNotice !== null) get().noticeDismissed(resultNotice);
    resultNotice = null;
    set({ verifyReports: [], verifyFailures: [] });
  },
});
