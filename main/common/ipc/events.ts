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

/** Where a replication run of one disk is (the engine's stages, then the AMI steps). */
export const ReplicationStageSchema = z.enum(['queued', 'opening', 'starting-snapshot', 'sending', 'completing', 'uploading', 'importing-image', 'registering-image', 'verifying', 'done']);

/** Live progress of one disk of a running replication job (throttled by the sender to a few per second). */
export const ReplicationProgressEventSchema = z.object({
  jobId: z.string(),
  serverId: z.string(),
  disk: z.string(),
  stage: ReplicationStageSchema,
  bytesRead: z.number().nonnegative(),
  bytesTotal: z.number().nonnegative(),
  blocksChanged: z.number().int().nonnegative(),
  bytesSent: z.number().nonnegative(),
  /** Logical bytes read per second. */
  rate: z.number().nonnegative(),
  etaSeconds: z.number().nonnegative().nullable(),
  at: z.string(),
});
export type ReplicationProgressEvent = z.infer<typeof ReplicationProgressEventSchema>;

/** A replication job changed state (queued, started, paused, finished…). */
export const ReplicationJobEventSchema = z.object({
  jobId: z.string(),
  serverId: z.string(),
  applicationId: z.string().optional(),
  state: z.enum(['queued', 'running', 'paused', 'completed', 'inconsistent', 'failed', 'cancelled']),
  amiId: z.string().optional(),
  message: z.string().max(2000).optional(),
  /** How the job's run travels: EBS direct snapshots, or an S3 bucket + VM Import (absent before it is queued). */
  transport: z.enum(['ebs', 's3']).optional(),
  at: z.string(),
});
export type ReplicationJobEvent = z.infer<typeof ReplicationJobEventSchema>;

/** Push events: main → renderer. */
export const events = {
  'project.changed': ProjectChangedSchema,
  'task.progress': TaskProgressSchema,
  /** A native menu item was chosen (Electron); the renderer runs the same action as its toolbar. */
  'app.menu': z.object({ command: z.enum(['new', 'open', 'open-demo', 'save', 'save-as', 'import', 'discover', 'undo', 'redo']) }),
  'app.notice': z.object({ level: z.enum(['info', 'warning', 'error']), message: z.string() }),
  'replication.progress': ReplicationProgressEventSchema,
  'replication.job': ReplicationJobEventSchema,
} as const;

export type EventName = keyof typeof events;
export type EventPayload<E extends EventName> = z.infer<(typeof events)[E]>;
