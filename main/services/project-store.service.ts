import { promises as fs } from 'node:fs';
import { createHash, randomUUID } from 'node:crypto';
import path from 'node:path';
import { WorkbenchError } from '../common/model/errors';
import { emptyProject, PROJECT_FILE_EXTENSION, type ProjectDocument } from '../common/model/project';
import { parseProjectText } from '../common/model/migrations';
import { applyEdit, type ProjectEdit } from '../common/model/edits';
import type { ProjectMeta, RecentFile } from '../common/ipc/channels/project.channels';
import type { AppliedEdit } from '../common/ipc/events';
import { diffDocuments, type PatchOp } from '../common/model/document-patch';
import { writeFileAtomic } from '../platform/atomic-write';
import type { SettingsStore } from '../platform/settings';
import type { EventSink } from '../platform/events';
import type { Logger } from '../platform/logger';

interface DiskStamp {
  size: number;
  mtimeMs: number;
  sha256: string;
}

const MAX_PROJECT_BYTES = 512 * 1024 * 1024;
const UNDO_LIMIT = 200;
const RECENT_LIMIT = 10;

export interface ProjectStoreDeps {
  settings: SettingsStore;
  events: EventSink;
  logger: Logger;
  demoPath: string;
  recoveryDir: string;
  now?: () => Date;
}

function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * Projects whose compact JSON is at most this long are saved indented (one space per level), so that two versions
 * diff line by line; larger ones (about a thousand servers and up) are saved compact, a quarter smaller and faster
 * to write and read. Both are the same JSON to every reader.
 */
export const INDENTED_PROJECT_MAX_CHARS = 4 * 1024 * 1024;

/** The bytes of a saved project file: JSON (indented or compact, see above) and a final newline. */
export function projectFileBytes(doc: ProjectDocument): Buffer {
  const compact = JSON.stringify(doc);
  const text = compact.length <= INDENTED_PROJECT_MAX_CHARS ? JSON.stringify(doc, null, 1) : compact;
  // Encoded in one pass, straight into the buffer that is written and hashed (hashing the string would encode it
  // again; measuring its UTF-8 length first would be another pass). Three bytes per UTF-16 unit always suffice.
  const bytes = Buffer.allocUnsafe(text.length * 3 + 1);
  const n = bytes.write(text, 0);
  bytes[n] = 0x0a;
  return bytes.subarray(0, n + 1);
}

/**
 * Owns the open project: loading (with migrations), edits with undo/redo, atomic saves with a
 * `.bak`, detection of changes made on disk by someone else, autosave and the recent-files list.
 */
export class ProjectStore {
  private doc: ProjectDocument;
  private filePath: string | null = null;
  private isDemo = false;
  private dirty = false;
  private revision = 0;
  private undoStack: ProjectDocument[] = [];
  private redoStack: ProjectDocument[] = [];
  private stamp: DiskStamp | null = null;
  private lastSavedAt: string | null = null;
  private autosavedAt: string | null = null;
  private migratedFrom: number | null = null;
  private autosaveTimer: NodeJS.Timeout | null = null;
  private saving: Promise<unknown> = Promise.resolve();
  private readonly now: () => Date;

  constructor(private readonly deps: ProjectStoreDeps) {
    this.now = deps.now ?? (() => new Date());
    this.doc = emptyProject({ id: randomUUID(), name: 'Untitled project', now: this.now().toISOString() });
  }

  get document(): ProjectDocument {
    return this.doc;
  }

  meta(): ProjectMeta {
    return {
      path: this.filePath,
      name: this.doc.name,
      fileName: this.filePath ? path.basename(this.filePath) : this.isDemo ? 'Demo estate' : 'Untitled',
      dirty: this.dirty,
      revision: this.revision,
      canUndo: this.undoStack.length > 0,
      canRedo: this.redoStack.length > 0,
      isDemo: this.isDemo,
      lastSavedAt: this.lastSavedAt,
      autosavedAt: this.autosavedAt,
      migratedFrom: this.migratedFrom,
    };
  }

  /**
   * Announces a new revision. When the change is one plain edit, the event carries it so that a
   * renderer holding `baseRevision` replays the same pure edit instead of reloading the document; other
   * changes of a document carry the parts that differ (`patch`), or nothing (the renderer reloads).
   */
  private changed(change?: { applied: Omit<AppliedEdit, 'baseRevision'> } | { ops: PatchOp[] | null }): ProjectMeta {
    const baseRevision = this.revision;
    this.revision++;
    const meta = this.meta();
    if (change && 'applied' in change) this.deps.events.emit('project.changed', { ...meta, applied: { ...change.applied, baseRevision } });
    else if (change?.ops) this.deps.events.emit('project.changed', { ...meta, patched: { baseRevision, ops: change.ops } });
    else this.deps.events.emit('project.changed', meta);
    return meta;
  }

  private replace(doc: ProjectDocument, filePath: string | null, opts: { isDemo?: boolean; stamp?: DiskStamp | null; migratedFrom?: number | null; dirty?: boolean } = {}): ProjectMeta {
    this.doc = doc;
    this.filePath = filePath;
    this.isDemo = opts.isDemo ?? false;
    this.stamp = opts.stamp ?? null;
    this.migratedFrom = opts.migratedFrom ?? null;
    // A migrated document differs from its file until saved.
    this.dirty = opts.dirty ?? this.migratedFrom !== null;
    this.undoStack = [];
    this.redoStack = [];
    this.lastSavedAt = null;
    this.autosavedAt = null;
    return this.changed();
  }

  newProject(name = 'Untitled project'): ProjectMeta {
    return this.replace(emptyProject({ id: randomUUID(), name, now: this.now().toISOString() }), null);
  }

  async openDemo(): Promise<ProjectMeta> {
    const { document } = await this.readProject(this.deps.demoPath);
    // The demo opens as an untitled copy so that Save never writes into the app's assets.
    return this.replace({ ...document, id: randomUUID() }, null, { isDemo: true });
  }

  async open(file: string): Promise<ProjectMeta> {
    const abs = path.resolve(file);
    const { document, stamp, migratedFrom } = await this.readProject(abs);
    const meta = this.replace(document, abs, { stamp, migratedFrom: migratedFrom ?? null });
    this.remember(abs, document.name);
    return meta;
  }

  /** Reads and validates a project file; never modifies it. */
  async readProject(file: string): Promise<{ document: ProjectDocument; stamp: DiskStamp; migratedFrom?: number }> {
    let stat;
    try {
      stat = await fs.stat(file);
    } catch {
      throw new WorkbenchError('not-found', `No project file at ${file}.`);
    }
    if (!stat.isFile()) throw new WorkbenchError('file-not-project', `${file} is not a file.`);
    if (stat.size > MAX_PROJECT_BYTES) {
      throw new WorkbenchError('file-not-project', `${path.basename(file)} is ${Math.round(stat.size / 2 ** 20)} MiB: too large to be a project file.`);
    }
    const buf = await fs.readFile(file);
    const text = buf.toString('utf8');
    try {
      const parsed = parseProjectText(text);
      return { ...parsed, stamp: { size: stat.size, mtimeMs: stat.mtimeMs, sha256: sha256(buf) } };
    } catch (err) {
      if (err instanceof WorkbenchError) {
        throw new WorkbenchError(err.code, `${path.basename(file)}: ${err.message}`, err.details);
      }
      throw err;
    }
  }

  /** Applies a user edit; `editId` (chosen by the renderer) comes back in the change event to match its optimistic copy. */
  edit(edit: ProjectEdit, editId?: string): ProjectMeta {
    const next = applyEdit(this.doc, edit);
    return this.commitNext(next, { edit, ...(editId !== undefined ? { editId } : {}) });
  }

  /** Replaces the document with a new version produced by a service (import, verification…); undoable. */
  commit(next: ProjectDocument): ProjectMeta {
    return this.commitNext(next);
  }

  private commitNext(next: ProjectDocument, applied?: { edit: ProjectEdit; editId?: string }): ProjectMeta {
    if (next === this.doc) return this.meta();
    this.undoStack.push(this.doc);
    if (this.undoStack.length > UNDO_LIMIT) this.undoStack.shift();
    this.redoStack = [];
    // The timestamp is the one impure part of an edit: main picks it and the event carries it.
    const modifiedAt = this.now().toISOString();
    const before = this.doc;
    this.doc = { ...next, modifiedAt };
    this.dirty = true;
    this.scheduleAutosave();
    return this.changed(applied ? { applied: { ...applied, modifiedAt } } : { ops: diffDocuments(before, this.doc) });
  }

  undo(): ProjectMeta {
    const prev = this.undoStack.pop();
    if (!prev) return this.meta();
    this.redoStack.push(this.doc);
    const ops = diffDocuments(this.doc, prev);
    this.doc = prev;
    this.dirty = true;
    return this.changed({ ops });
  }

  redo(): ProjectMeta {
    const next = this.redoStack.pop();
    if (!next) return this.meta();
    this.undoStack.push(this.doc);
    const ops = diffDocuments(this.doc, next);
    this.doc = next;
    this.dirty = true;
    return this.changed({ ops });
  }

  async save(opts: { force?: boolean } = {}): Promise<ProjectMeta> {
    if (!this.filePath) {
      throw new WorkbenchError('no-project-path', 'This project has not been saved yet: choose Save As to pick a file.');
    }
    return this.saveTo(this.filePath, opts);
  }

  async saveAs(file: string, opts: { force?: boolean } = {}): Promise<ProjectMeta> {
    let abs = path.resolve(file);
    if (!abs.endsWith(PROJECT_FILE_EXTENSION)) abs = abs.replace(/\.json$/i, '') + PROJECT_FILE_EXTENSION;
    if (abs !== this.filePath && !opts.force) {
      const exists = await fs.stat(abs).then(() => true, () => false);
      if (exists) {
        throw new WorkbenchError('file-changed-on-disk', `${path.basename(abs)} already exists. Choose another name, or confirm to replace it.`, { path: abs, reason: 'exists' });
      }
    }
    return this.saveTo(abs, { force: true });
  }

  private async saveTo(file: string, opts: { force?: boolean }): Promise<ProjectMeta> {
    const run = async () => {
      if (!opts.force && file === this.filePath) await this.assertUnchangedOnDisk(file);
      // No re-validation here: every document the store holds was validated when read (open, recovery, import
      // results) or built through typed edits and services, and IPC payloads are parsed at the boundary.
      const doc = this.doc;
      const bytes = projectFileBytes(doc);
      await fs.mkdir(path.dirname(file), { recursive: true });
      try {
        await writeFileAtomic(file, bytes);
      } catch (err) {
        throw new WorkbenchError('file-io', `Could not save ${path.basename(file)}: ${(err as Error).message}. The previous file is unchanged.`);
      }
      const stat = await fs.stat(file);
      this.stamp = { size: stat.size, mtimeMs: stat.mtimeMs, sha256: sha256(bytes) };
      this.filePath = file;
      this.isDemo = false;
      this.dirty = false;
      this.migratedFrom = null;
      this.lastSavedAt = this.now().toISOString();
      this.remember(file, doc.name);
      await this.dropRecovery();
      this.deps.logger.info('project saved', { file });
      // The document did not change: an empty patch keeps the renderer's copy (no reload after a save).
      return this.changed({ ops: [] });
    };
    const result = this.saving.then(run, run);
    this.saving = result.catch(() => undefined);
    return result;
  }

  private async assertUnchangedOnDisk(file: string): Promise<void> {
    if (!this.stamp) return;
    let stat;
    try {
      stat = await fs.stat(file);
    } catch {
      return; // deleted meanwhile: saving recreates it
    }
    if (stat.size === this.stamp.size && stat.mtimeMs === this.stamp.mtimeMs) return;
    const current = sha256(await fs.readFile(file));
    if (current === this.stamp.sha256) return;
    throw new WorkbenchError(
      'file-changed-on-disk',
      `${path.basename(file)} was changed on disk by another program since you opened it. Save As to keep both, or overwrite it.`,
      { path: file, reason: 'modified' },
    );
  }

  private remember(file: string, name: string): void {
    const list = this.deps.settings.get('recentFiles').filter((r) => r.path !== file);
    list.unshift({ path: file, name, openedAt: this.now().toISOString() });
    this.deps.settings.set('recentFiles', list.slice(0, RECENT_LIMIT));
  }

  recent(): RecentFile[] {
    return this.deps.settings.get('recentFiles');
  }

  private scheduleAutosave(): void {
    const seconds = this.deps.settings.get('autosaveSeconds');
    if (!seconds || this.autosaveTimer) return;
    this.autosaveTimer = setTimeout(() => {
      this.autosaveTimer = null;
      void this.autosave().catch((err) => this.deps.logger.warn('autosave failed', { error: String(err) }));
    }, seconds * 1000);
    this.autosaveTimer.unref?.();
  }

  /**
   * Autosave never touches the user's file behind their back: it writes a recovery copy in
   * the app data folder, which survives a crash and is offered again from Open.
   */
  async autosave(): Promise<string | null> {
    if (!this.dirty) return null;
    const target = path.join(this.deps.recoveryDir, `${this.doc.id}${PROJECT_FILE_EXTENSION}`);
    await fs.mkdir(this.deps.recoveryDir, { recursive: true });
    await writeFileAtomic(target, JSON.stringify(this.doc) + '\n', { keepBackup: false });
    this.autosavedAt = this.now().toISOString();
    this.deps.events.emit('project.changed', this.meta());
    return target;
  }

  /** Recovery copies left by autosave (a crash or a close without saving), newest first. */
  async recoveries(): Promise<Array<{ id: string; name: string; savedAt: string; servers: number }>> {
    const names = await fs.readdir(this.deps.recoveryDir).catch(() => [] as string[]);
    const out = [];
    for (const name of names) {
      if (!name.endsWith(PROJECT_FILE_EXTENSION)) continue;
      const file = path.join(this.deps.recoveryDir, name);
      try {
        const { document } = await this.readProject(file);
        if (document.id === this.doc.id) continue;
        const st = await fs.stat(file);
        out.push({ id: document.id, name: document.name, savedAt: st.mtime.toISOString(), servers: document.inventory.servers.length });
      } catch {
        /* unreadable recovery copies are skipped, not deleted */
      }
    }
    return out.sort((a, b) => b.savedAt.localeCompare(a.savedAt));
  }

  /** Opens a recovery copy as an unsaved document (the user chooses where to save it). */
  async openRecovery(id: string): Promise<ProjectMeta> {
    if (!/^[A-Za-z0-9._-]{1,100}$/.test(id)) throw new WorkbenchError('invalid-input', 'Not a recovery id.');
    const { document } = await this.readProject(path.join(this.deps.recoveryDir, `${id}${PROJECT_FILE_EXTENSION}`));
    return this.replace(document, null, { dirty: true });
  }

  private async dropRecovery(): Promise<void> {
    await fs.rm(path.join(this.deps.recoveryDir, `${this.doc.id}${PROJECT_FILE_EXTENSION}`), { force: true }).catch(() => undefined);
  }

  dispose(): void {
    if (this.autosaveTimer) clearTimeout(this.autosaveTimer);
    this.autosaveTimer = null;
  }
}
