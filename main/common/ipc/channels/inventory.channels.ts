import { z } from 'zod';
import { channel } from '../define';
import { ImportReportSchema, ImporterKindSchema, type CatalogRow } from '../../model/inventory-import';
import type { Server } from '../../model/server';

const path = z.string().min(1).max(4096);

/** Rows are projected in main from the validated document; 20,000 of them travel without re-validation. */
const CatalogResult = z.object({ revision: z.number().int(), rows: z.custom<CatalogRow[]>() });

export const ExportFormatSchema = z.enum(['csv', 'xlsx', 'migration-hub-csv', 'mgn-csv']);

/** Inventory import, catalog and export channels. */
export const inventoryChannels = {
  /** Imports one or more files (an RVTools xlsx, per-tab CSVs, a zip of them, other formats) into the project. */
  'inventory.import': channel(
    z
      .object({
        paths: z.array(path).min(1).max(64),
        kind: ImporterKindSchema.optional(),
        removeGone: z.boolean().optional(),
        taskId: z.string().min(1).max(100).optional(),
      })
      .strict(),
    ImportReportSchema,
  ),
  'inventory.catalog': channel(z.object({}).strict(), CatalogResult),
  'inventory.server': channel(z.object({ id: z.string().min(1).max(200) }).strict(), z.custom<Server>()),
  'inventory.export': channel(
    /** An existing file is refused (file-changed-on-disk, details.reason 'exists') unless `overwrite` is true. */
    z.object({ format: ExportFormatSchema, path, ids: z.array(z.string().min(1).max(200)).max(100_000).optional(), overwrite: z.boolean().optional() }).strict(),
    z.object({ path: z.string(), rows: z.number().int() }),
  ),
} as const;
