import type { VerificationReport } from '../../../main/common/verify/report';
import type { TrustEdit, VerifyFailure } from '../../../main/common/ipc/channels/verify.channels';
import { reportJson, reportMarkdown } from '../../../main/common/verify/report-format';
import { trustFileKind } from '../../../main/common/verify/trust-rules';
import type { BundledRootInfo } from '../../../main/common/verify/bundled';
import { invoke, onEvent, pathForFile } from '../../ipc/client';
import type { SliceCreator } from '../../store/types';
import type { VerificationTrust } from '../../../main/common/model/verification';

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
  /** For each listed file, the trust it was judged under (see trustKey). */
  verifyJudgedUnder: Record<string, string>;
  /**
   * Re-checks the listed files judged under other trust than the project's now (after a trust edit, undo or redo),
   * without adding to the project's history. Called by the screen when trust changes and after every run.
   */
  verifyStaleRechecked(): Promise<void>;
  /**
   * Verifies files; a file verified again replaces its card. A re-check after a trust change (`record: false`) updates
   * the cards without adding to the project's history, so Undo still takes back the trust change itself.
   */
  verifyFilesRequested(paths: string[], opts?: { record?: boolean }): Promise<void>;
  /** Files dropped on the screen: certificates and CRLs join the trust settings, the rest is verified. */
  verifyFilesDropped(files: File[]): Promise<void>;
  verifyCancelRequested(): Promise<void>;
  /** Trust lives in the project (undoable); this edits it (the screen then re-checks the listed files). */
  verifyTrustEdited(edit: TrustEdit): Promise<boolean>;
  verifyReportCopied(format: 'markdown' | 'json'): Promise<void>;
  verifyReportSaveRequested(path: string, format: 'markdown' | 'json'): Promise<boolean>;
  verifyCleared(): void;
}

let runCounter = 0;

/** What a verdict depends on in the project's trust: roots, CRLs, pinned publishers, distrusted bundled roots. */
export function trustKey(trust: VerificationTrust | undefined): string {
  if (!trust) return '';
  return JSON.stringify([trust.roots.map((r) => r.thumbprintSha1), trust.crls.map((c) => c.id), trust.publishers, trust.distrusted ?? []]);
}
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
  verifyJudgedUnder: {},

  async verifyStaleRechecked() {
    if (get().verifyRun) return;
    const now = trustKey(get().document?.verification.trust);
    const stale = get().verifyReports.filter((r) => get().verifyJudgedUnder[r.file] !== now).map((r) => r.file);
    if (stale.length > 0) await get().verifyFilesRequested(stale, { record: false });
  },

  async verifyBundledRootsRequested() {
    if (get().verifyBundledRoots) return;
    try {
      const { roots } = await invoke('verify.trust.bundled', {});
      set({ verifyBundledRoots: roots });
    } catch (err) {
      get().noticeShown('error', err instanceof Error ? err.message : String(err));
    }
  },

  async verifyFilesRequested(paths, opts) {
    if (paths.length === 0 || get().verifyRun) return;
    const taskId = `verify-${Date.now()}-${++runCounter}`;
    const judgedUnder = trustKey(get().document?.verification.trust);
    set({ verifyRun: { taskId, label: 'Starting…', done: 0, total: null, phase: 'verifying' } });
    const off = onEvent('task.progress', (p) => {
      if (p.taskId === taskId && p.state === 'running') set({ verifyRun: { taskId, label: p.message ?? p.label, done: p.done, total: p.total, phase: 'verifying' } });
    });
    try {
      const { reports, failures } = await invoke('verify.files', { paths, taskId, ...(opts?.record === false ? { record: false } : {}) });
      // Newest first; a file verified again replaces its earlier card.
      const names = new Set(reports.map((r) => r.file));
      set((s) => ({
        verifyReports: [...reports, ...s.verifyReports.filter((r) => !names.has(r.file))],
        verifyFailures: failures,
        // Every file asked about counts as judged, failures included, so a re-check never repeats itself.
        verifyJudgedUnder: { ...s.verifyJudgedUnder, ...Object.fromEntries([...paths, ...reports.map((r) => r.file), ...failures.map((f) => f.file)].map((f) => [f, judgedUnder])) },
      }));
      const bad = reports.filter((r) => !r.ok).length + failures.length;
      if (resultNotice !== null) get().noticeDismissed(resultNotice);
      get().noticeShown(bad ? 'warning' : 'success', bad ? `${bad} of ${reports.length + failures.length} file(s) could not be verified.` : `${reports.length} file(s) verified.`);
      resultNotice = get().notices.at(-1)?.id ?? null;
    } catch (err) {
      const cancelled = err instanceof Error && 'code' in err && (err as { code: string }).code === 'cancelled';
      get().noticeShown(cancelled ? 'info' : 'error', cancelled ? 'Verification cancelled; nothing was recorded.' : err instanceof Error ? err.message : String(err));
      return;
    } finally {
      off();
      set({ verifyRun: null });
    }
    // Trust may have changed while this run was going (a certificate dropped with the files): catch up.
    await get().verifyStaleRechecked();
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
        if (kind) await get().verifyTrustEdited({ op: 'addFile', path: p, as: kind });
        else paths.push(p);
      }
    } catch (err) {
      get().noticeShown('error', err instanceof Error ? err.message : String(err));
      set({ verifyRun: null });
      return;
    }
    set({ verifyRun: null });
    if (paths.length > 0) await get().verifyFilesRequested(paths);
    else await get().verifyStaleRechecked();
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

  verifyCleared: () => {
    if (resultNotice !== null) get().noticeDismissed(resultNotice);
    resultNotice = null;
    set({ verifyReports: [], verifyFailures: [], verifyJudgedUnder: {} });
  },
});
