import { WorkbenchError } from '../../common/model/errors';
import { IMPORTER_LABELS, type ImporterKind } from '../../common/model/inventory-import';
import type { Importer, LoadHints, LoadedFile } from './importer';
import { describeHeaders, quoteNames } from './table';
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

/** Every importer's load hints, for the loader (which names no format itself). */
export const loadHints: readonly LoadHints[] = (Object.values(importers) as Importer[]).flatMap((i) => (i.hints ? [i.hints] : []));

/** Picks the importer that reads this file, or says clearly that none does. */
export function detectImporter(file: LoadedFile, forced?: ImporterKind): Importer {
  if (forced) return importers[forced];
  let best: { imp: Importer; score: number } | null = null;
  for (const imp of Object.values(importers) as Importer[]) {
    const score = imp.detect(file);
    if (score > 0.5 && (!best || score > best.score)) best = { imp, score };
  }
  if (best) return best.imp;
  const empty = file.format !== 'json' && file.tables.length > 0 && file.tables.every((t) => t.headers.length === 0);
  const first = file.tables[0];
  const found =
    file.format === 'json'
      ? 'JSON without a serverList'
      : empty || !first
        ? 'no data at all'
        : file.format === 'xlsx'
          ? `a workbook with ${file.sheetNames.length} sheet${file.sheetNames.length === 1 ? '' : 's'} (${quoteNames(file.sheetNames)}); the first has ${describeHeaders(first.headers)}`
          : describeHeaders(first.headers);
  throw new WorkbenchError(
    empty ? 'import-empty' : 'import-unrecognized',
    `${file.name} is not an inventory export the workbench reads. Expected: ${Object.values(IMPORTER_LABELS).join(', ')}. Found: ${found}.`,
  );
}
