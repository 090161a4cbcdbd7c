import type { ProjectDocument } from '../../../main/common/model/project';
import { applyEdit, type ProjectEdit } from '../../../main/common/model/edits';
import type { ProjectMeta } from '../../../main/common/ipc/channels/project.channels';
import type { ProjectChanged } from '../../../main/common/ipc/events';
import { applyPatch } from '../../../main/common/model/document-patch';

interface Pending {
  id: string;
  edit: ProjectEdit;
  /** The document the edit was applied to locally, and the result. */
  before: ProjectDocument;
  after: ProjectDocument;
}

/** What the slice does with a change event. */
export type SyncOutcome =
  | { kind: 'ignore' }
  | { kind: 'meta'; meta: ProjectMeta }
  | { kind: 'apply'; meta: ProjectMeta; document: ProjectDocument }
  | { kind: 'reload' };

export function metaOf(changed: ProjectChanged): ProjectMeta {
  const { applied: _applied, patched: _patched, ...meta } = changed;
  return meta;
}

/**
 * Keeps the renderer's copy of the project in step with main without reloading it after every edit.
 *
 * `base` is main's document at `revision` as far as this renderer knows; `pending` are edits shown
 * optimistically and sent to main but not yet confirmed by a change event. A change event that carries
 * its edit and starts from `revision` is replayed locally (edits are pure, and main sends the one impure
 * value, `modifiedAt`); one that carries a patch (undo, redo, a service's result) is patched in; anything
 * else (a missed event, open, new, a huge change) asks for a reload.
 */
export class DocumentSync {
  private base: { revision: number; document: ProjectDocument } | null = null;
  private pending: Pending[] = [];

  get revision(): number | null {
    return this.base?.revision ?? null;
  }

  /** A whole document arrived from main. Returns false when it is older than what we already hold. */
  loaded(meta: ProjectMeta, document: ProjectDocument): boolean {
    if (this.base && meta.revision < this.base.revision) return false;
    this.base = { revision: meta.revision, document };
    this.pending = [];
    return true;
  }

  /** Applies an edit locally before main has it; throws what applyEdit throws (nothing is recorded then). */
  optimistic(shown: ProjectDocument, id: string, edit: ProjectEdit): ProjectDocument {
    const after = applyEdit(shown, edit);
    this.pending.push({ id, edit, before: shown, after });
    return after;
  }

  /** Main refused an optimistic edit: forget it (the caller reloads). */
  refused(id: string): void {
    this.pending = this.pending.filter((p) => p.id !== id);
  }

  received(changed: ProjectChanged, current: ProjectMeta | null): SyncOutcome {
    const meta = metaOf(changed);
    const applied = changed.applied;
    if (!this.base) return { kind: 'reload' };
    if (meta.revision < this.base.revision) {
      // Already contained in a document we loaded since.
      if (applied?.editId) this.refused(applied.editId);
      return { kind: 'ignore' };
    }
    if (meta.revision === this.base.revision) {
      const same = current && current.revision === meta.revision && current.path === meta.path && current.dirty === meta.dirty && current.autosavedAt === meta.autosavedAt && current.lastSavedAt === meta.lastSavedAt && current.fileName === meta.fileName;
      return same ? { kind: 'ignore' } : { kind: 'meta', meta };
    }
    const patched = changed.patched;
    let next: ProjectDocument;
    if (applied && applied.baseRevision === this.base.revision) {
      const mine = applied.editId !== undefined ? this.pending.findIndex((p) => p.id === applied.editId) : -1;
      try {
        // Our own edit, applied to exactly the document main had: its local result is main's result.
        const reuse = mine === 0 && this.pending[0]!.before === this.base.document;
        next = { ...(reuse ? this.pending[0]!.after : applyEdit(this.base.document, applied.edit)), modifiedAt: applied.modifiedAt };
      } catch {
        return { kind: 'reload' };
      }
      if (mine >= 0) this.pending.splice(mine, 1);
    } else if (patched && patched.baseRevision === this.base.revision) {
      next = applyPatch(this.base.document, patched.ops);
    } else {
      return { kind: 'reload' };
    }
    this.base = { revision: meta.revision, document: next };

    // Edits still in flight are shown on top of main's newer document.
    let shown = next;
    this.pending = this.pending.filter((p) => {
      try {
        const after = applyEdit(shown, p.edit);
        p.before = shown;
        p.after = after;
        shown = after;
        return true;
      } catch {
        return false; // main will refuse it too, and the sender reloads
      }
    });
    return { kind: 'apply', meta, document: shown };
  }
}
