import { z } from 'zod';
import { ProjectMetaSchema } from './channels/project.channels';

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
  'project.changed': ProjectMetaSchema,
  'task.progress': TaskProgressSchema,
  /** A native menu item was chosen (Electron); the renderer runs the same action as its toolbar. */
  'app.menu': z.object({ command: z.enum(['new', 'open', 'open-demo', 'save', 'save-as', 'import', 'undo', 'redo']) }),
  'app.notice': z.object({ level: z.enum(['info', 'warning', 'error']), message: z.string() }),
} as const;

export type EventName = keyof typeof events;
export type EventPayload<E extends EventName> = z.infer<(typeof events)[E]>;
