import { WorkbenchError } from '../../common/model/errors';
import { IMPORTER_LABELS, type ImporterKind } from '../../common/model/inventory-import';
import type { Importer, LoadedFile } from './importer';
import { rvtoolsImporter } from './rvtools.importer';
import { migrationHubImporter } from './migration-hub.importer';
import { azureMigrateImporter } from './azure-migrate.importer';
import { cmfIntakeImporter } from './cmf-intake.importer';
import { smsJsonImporter } from './sms-json.importer';
import { azureMigrateDependenciesImporter } from './azure-migrate-dependencies.importer';

/** One importer per format; a new ImporterKind without an importer does not compile. */
export const importers = {
  rvtools: rvtoolsImporter,
  'migration-hub-csv': migrationHubImporter,
  'azure-migrate-csv': azureMigrateImporter,
  'cmf-intake-csv': cmfIntakeImporter,
  'sms-json': smsJsonImporter,
  'azure-migrate-dependencies': azureMigrateDependenciesImporter,
} satisfies Record<ImporterKind, Importer>;

/** Picks the importer that reads this file, or says clearly that none does. */
export function detectImporter(file: LoadedFile, forced?: ImporterKind): Importer {
  if (forced) return importers[forced];
  let best: { imp: Importer; score: number } | null = null;
  for (const imp of Object.values(importers) as Importer[]) {
    const score = imp.detect(file);
    if (score > 0.5 && (!best || score > best.score)) best = { imp, score };
  }
  if (best) return best.imp;
  const seen =
    file.format === 'json'
      ? 'JSON without a serverList'
      : file.tables.length === 0 || file.tables.every((t) => t.headers.length === 0)
        ? 'no data at all'
        : `${file.format === 'xlsx' ? `sheets ${file.sheetNames.slice(0, 6).join(', ')}; ` : ''}columns ${file.tables[0]!.headers.slice(0, 8).join(', ') || '(none)'}`;
  const code = file.tables.length > 0 && file.tables.every((t) => t.headers.length === 0) ? 'import-empty' : 'import-unrecognized';
  throw new WorkbenchError(code, `${file.name} does not look like an inventory export (${seen}). The workbench reads: ${Object.values(IMPORTER_LABELS).join(', ')}.`);
}
