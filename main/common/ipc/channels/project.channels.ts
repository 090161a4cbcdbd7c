import { z } from 'zod';
import { channel } from '../define';
import { ProjectEditSchema } from '../../model/edits';
import type { ProjectDocument } from '../../model/project';

const path = z.string().min(1).max(4096);

export const ProjectMetaSchema = z.object({
  path: z.string().nullable(),
  name: z.string(),
  fileName: z.string(),
  dirty: z.boolean(),
  revision: z.number().int(),
  canUndo: z.boolean(),
  canRedo: z.boolean(),
  isDemo: z.boolean(),
  lastSavedAt: z.string().nullable(),
  autosavedAt: z.string().nullable(),
  migratedFrom: z.number().int().nullable(),
});
export type ProjectMeta = z.infer<typeof ProjectMetaSchema>;

/** The document travels as-is: main validated it on load and on every edit. */
const DocumentResult = z.custom<ProjectDocument>();

export const RecentFileSchema = z.object({ path: z.string(), name: z.string(), openedAt: z.string() });
export type RecentFile = z.infer<typeof RecentFileSchema>;

export const projectChannels = {
  'project.meta': channel(z.object({}).strict(), ProjectMetaSchema),
  'project.document': channel(z.object({}).strict(), z.object({ meta: ProjectMetaSchema, document: DocumentResult })),
  'project.new': channel(z.object({ name: z.string().min(1).max(200).optional() }).strict(), ProjectMetaSchema),
  'project.openDemo': channel(z.object({}).strict(), ProjectMetaSchema),
  'project.open': channel(z.object({ path }).strict(), ProjectMetaSchema),
  'project.save': channel(z.object({ force: z.boolean().optional() }).strict(), ProjectMetaSchema),
  'project.saveAs': channel(z.object({ path, force: z.boolean().optional() }).strict(), ProjectMetaSchema),
  'project.edit': channel(z.object({ edit: ProjectEditSchema, editId: z.string().min(1).max(100).optional() }).strict(), ProjectMetaSchema),
  'project.undo': channel(z.object({}).strict(), ProjectMetaSchema),
  'project.redo': channel(z.object({}).strict(), ProjectMetaSchema),
  'project.recent': channel(z.object({}).strict(), z.array(RecentFileSchema)),
  /** Autosaved copies of unsaved work (after a crash), and opening one as an unsaved document. */
  'project.recoveries': channel(z.object({}).strict(), z.array(z.object({ id: z.string(), name: z.string(), savedAt: z.string(), servers: z.number() }))),
  'project.openRecovery': channel(z.object({ id: z.string().min(1).max(100) }).strict(), ProjectMetaSchema),
} as const;
