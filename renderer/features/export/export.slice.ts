import type { ExportPreview, ExportRequest, LaunchSettingsImportResult } from '../../../main/common/ipc/channels/planning.channels';
import type { ExportPaths, ProjectDefaults } from '../../../main/common/model/planning';
import { invoke } from '../../ipc/client';
import type { SliceCreator } from '../../store/types';

/** The Export screen: preview, saves, where files go (kept per application in the project), defaults, launch-settings sheets. */
export interface ExportSlice {
  exportRequest: ExportRequest | null;
  exportPreview: ExportPreview | null;
  exportBusy: 'preview' | 'save' | 'sheet' | null;
  exportError: string | null;
  exportWritten: string[];
  /** An edited launch-settings sheet read back, waiting for the user to apply or discard it. */
  sheetImport: LaunchSettingsImportResult | null;
  /**
   * Paths typed or picked per application and not saved with yet: kept while the window is open, so leaving
   * the screen loses nothing. A successful save writes them into the project (`Application.exportPaths`).
   */
  exportPathDrafts: Record<string, ExportPaths>;
  exportPathsTyped(applicationId: string, paths: ExportPaths): void;
  exportPreviewRequested(request: ExportRequest): Promise<void>;
  templateSaveRequested(request: ExportRequest, path: string): Promise<boolean>;
  bundleSaveRequested(request: ExportRequest, path: string, zip: boolean): Promise<boolean>;
  /** The native save/folder dialog where the shell has one; `null` means "use the in-app browser". */
  exportPathPickRequested(mode: 'save' | 'folder', defaultPath: string): Promise<string | null | undefined>;
  /** Remembers the paths an application was exported to, in the project (only when they changed). */
  exportPathsChanged(applicationId: string, paths: ExportPaths): Promise<boolean>;
  projectDefaultsSaved(defaults: ProjectDefaults): Promise<boolean>;
  launchSettingsSheetSaveRequested(path: string, format: 'csv' | 'xlsx', applicationId?: string): Promise<boolean>;
  launchSettingsSheetReadRequested(path: string): Promise<boolean>;
  /** Applies the sheet's changes as one undoable edit. */
  launchSettingsSheetApplied(): Promise<boolean>;
  launchSettingsSheetDiscarded(): void;
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export const createExportSlice: SliceCreator<ExportSlice> = (set, get) => ({
  exportRequest: null,
  exportPreview: null,
  exportBusy: null,
  exportError: null,
  exportWritten: [],
  sheetImport: null,
  exportPathDrafts: {},

  exportPathsTyped(applicationId, paths) {
    set((st) => ({ exportPathDrafts: { ...st.exportPathDrafts, [applicationId]: { ...st.exportPathDrafts[applicationId], ...paths } } }));
  },

  async exportPreviewRequested(request) {
    set({ exportRequest: request, exportBusy: 'preview', exportError: null });
    try {
      const preview = await invoke('export.preview', request);
      // A slower, older preview must not replace a newer request's.
      if (get().exportRequest === request) set({ exportPreview: preview });
    } catch (err) {
      if (get().exportRequest === request) set({ exportPreview: null, exportError: message(err) });
    } finally {
      if (get().exportRequest === request) set({ exportBusy: null });
    }
  },

  async templateSaveRequested(request, path) {
    set({ exportBusy: 'save', exportError: null, exportWritten: [] });
    try {
      const r = await invoke('export.saveTemplate', { request, path });
      set({ exportWritten: r.written, exportPreview: r.preview });
      void get().exportPathsChanged(request.applicationId, { templatePath: path });
      get().noticeShown('success', `Saved ${r.written.length === 1 ? r.written[0] : `${r.written.length} templates`}.`);
      return true;
    } catch (err) {
      set({ exportError: message(err) });
      return false;
    } finally {
      set({ exportBusy: null });
    }
  },

  async bundleSaveRequested(request, path, zip) {
    set({ exportBusy: 'save', exportError: null, exportWritten: [] });
    try {
      const r = await invoke('export.saveBundle', { request, path, zip });
      set({ exportWritten: r.written, exportPreview: r.preview });
      void get().exportPathsChanged(request.applicationId, { bundlePath: path, bundleZip: zip });
      get().noticeShown('success', zip ? `Saved ${r.written[0]}.` : `Saved the hand-off bundle (${r.written.length} files).`);
      return true;
    } catch (err) {
      set({ exportError: message(err) });
      return false;
    } finally {
      set({ exportBusy: null });
    }
  },

  async exportPathPickRequested(mode, defaultPath) {
    const picked = await invoke('files.pick', { mode, title: mode === 'save' ? 'Save as' : 'Choose a folder for the bundle', defaultPath }).catch(() => ({ supported: false, paths: [] as string[] }));
    if (!picked.supported) return null;
    return picked.paths[0];
  },

  async exportPathsChanged(applicationId, paths) {
    const app = get().document?.planning.applications.find((a) => a.id === applicationId);
    if (!app) return false;
    const next: ExportPaths = { ...app.exportPaths, ...paths };
    if (JSON.stringify(next) === JSON.stringify(app.exportPaths ?? {})) return true;
    return get().editRequested({ type: 'application.update', applicationId, patch: { exportPaths: next } }, { optimistic: true });
  },

  async projectDefaultsSaved(defaults) {
    const ok = await get().editRequested({ type: 'defaults.set', defaults }, { optimistic: true });
    if (ok) get().noticeShown('success', 'Project defaults saved: every application without its own values uses them.');
    return ok;
  },

  async launchSettingsSheetSaveRequested(path, format, applicationId) {
    set({ exportBusy: 'sheet', exportError: null });
    try {
      const r = await invoke('export.saveLaunchSettings', { path, format, ...(applicationId ? { applicationId } : {}) });
      set({ exportWritten: [r.written] });
      get().noticeShown('success', `Saved the launch settings of ${r.rows} server${r.rows === 1 ? '' : 's'} to ${r.written}.`);
      return true;
    } catch (err) {
      set({ exportError: message(err) });
      return false;
    } finally {
      set({ exportBusy: null });
    }
  },

  async launchSettingsSheetReadRequested(path) {
    set({ exportBusy: 'sheet', exportError: null, sheetImport: null });
    try {
      set({ sheetImport: await invoke('export.readLaunchSettings', { path }) });
      return true;
    } catch (err) {
      set({ exportError: message(err) });
      return false;
    } finally {
      set({ exportBusy: null });
    }
  },

  async launchSettingsSheetApplied() {
    const sheet = get().sheetImport;
    if (!sheet?.entries.length) return false;
    const ok = await get().editRequested({ type: 'launchSettings.setEach', entries: sheet.entries }, { optimistic: true });
    if (ok) {
      set({ sheetImport: null });
      get().noticeShown('success', `Applied ${sheet.changes.length} change${sheet.changes.length === 1 ? '' : 's'} to ${sheet.entries.length} server${sheet.entries.length === 1 ? '' : 's'} (one step: Undo takes them all back).`);
    }
    return ok;
  },

  launchSettingsSheetDiscarded() {
    set({ sheetImport: null });
  },
});
