import { z } from 'zod';
import { ProjectMetaSchema } from './channels/project.channels';
import { ProjectEditSchema } from '../model/edits';
import { DocumentPatchSchema } from '../model/document-patch';

/**
 * The edit behind a change, when the change is exactly one user edit: the renderer whose document is
 * at `baseRevision` applies the same pure edit (and `modifiedAt`) and is then at the event's revision.
 */
export const AppliedEditSchema = z.object({
  baseRevision: z.number().int(),
  edit: ProjectEditSchema,
  modifiedAt: z.string(),
  /** Chosen by the renderer that sent the edit, to recognise its own optimistic copy. */
  editId: z.string().optional(),
});
export type AppliedEdit = z.infer<typeof AppliedEditSchema>;

/** A change that is not one edit (undo, redo, a service's result), as the parts of the document that differ. */
export const PatchedSchema = z.object({ baseRevision: z.number().int(), ops: DocumentPatchSchema });
export type Patched = z.infer<typeof PatchedSchema>;

/** Without `applied` or `patched` (open, new, a huge change), the renderer reloads the document. */
export const ProjectChangedSchema = ProjectMetaSchema.extend({ applied: AppliedEditSchema.optional(), patched: PatchedSchema.optional() });
export type ProjectChanged = z.infer<typeof ProjectChangedSchema>;

export const TaskProgressSchema = z.object({
  taskId: z.string(),
  label: z.string(),
  done: z.number(),
  total: z.number().nullable(),
  unit: z.enum(['items', 'bytes', 'rows', 'files']).default('items'),
  state: z.enum(['running', 'done', 'failed', 'cancelled']),
  message: z.string().optional(),
});
export type TaskProgress = z.infer<typeof TaskProgressSchema>;

/** Push events: main → renderer. */
export const events = {
  'project.changed': ProjectChangedSchema,
  'task.progress': TaskProgressSchema,
  /** A native menu item was chosen (Electron); the renderer runs the same action as its toolbar. */
  'app.menu': z.object({ command: z.enum(['new', 'open', 'open-demo', 'save', 'save-as', 'import', 'undo', 'redo']) }),
  'app.notice': z.object({ level: z.enum(['info', 'warning', 'error']), message: z.string() }),
} as const;

export type EventName = keyof typeof events;
export type EventPayload<E extends EventName> = z.infer<(typeof events)[E]>;
