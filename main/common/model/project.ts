import { z } from 'zod';
import { ServerSchema } from './server';
import { PlanningSchema } from './planning';
import { VerificationStateSchema } from './verification';
import { ConnectionSchema } from './connections';
import { AssessmentStateSchema } from './assessment';
import { ReplicationStateSchema } from './replication';
import { DiscoveryStateSchema } from './discovery';

export const PROJECT_FORMAT = 'migration-workbench-project';
export const CURRENT_SCHEMA_VERSION = 2;
export const PROJECT_FILE_EXTENSION = '.mwb.json';

export const ImportRecordSchema = z.object({
  id: z.string(),
  at: z.string(),
  files: z.array(z.string()),
  kind: z.string(),
  added: z.number().int().nonnegative(),
  updated: z.number().int().nonnegative(),
  removed: z.number().int().nonnegative().default(0),
  skipped: z.number().int().nonnegative(),
  /** Dependencies (network connections) this import brought. */
  connections: z.number().int().nonnegative().optional(),
});

/** The consultant's document. Never holds secrets. */
export const ProjectDocumentSchema = z.object({
  format: z.literal(PROJECT_FORMAT),
  schemaVersion: z.literal(CURRENT_SCHEMA_VERSION),
  id: z.string().min(1),
  name: z.string().min(1),
  customer: z.string().default(''),
  notes: z.string().default(''),
  createdAt: z.string(),
  modifiedAt: z.string(),
  inventory: z.object({
    servers: z.array(ServerSchema).default([]),
    imports: z.array(ImportRecordSchema).default([]),
    /** Observed network dependencies (optional discovery data; absent in older files). */
    connections: z.array(ConnectionSchema).default([]),
  }),
  planning: PlanningSchema,
  verification: VerificationStateSchema.default({ records: [] }),
  /** Assessment assumptions (region, headroom…); optional so older files round-trip unchanged. */
  assessment: AssessmentStateSchema.optional(),
  /** Replication settings (disk → image per server) and last runs; optional so older files round-trip unchanged. */
  replication: ReplicationStateSchema.optional(),
  /** Discovery sources (address, user, accepted thumbprint; never a password); optional so older files round-trip unchanged. */
  discovery: DiscoveryStateSchema.optional(),
});
export type ProjectDocument = z.infer<typeof ProjectDocumentSchema>;

export function emptyProject(opts: { id: string; name: string; now: string }): ProjectDocument {
  return {
    format: PROJECT_FORMAT,
    schemaVersion: CURRENT_SCHEMA_VERSION,
    id: opts.id,
    name: opts.name,
    customer: '',
    notes: '',
    createdAt: opts.now,
    modifiedAt: opts.now,
    inventory: { servers: [], imports: [], connections: [] },
    planning: { waves: [], applications: [], launchSettings: {} },
    verification: { records: [] },
  };
}
