import { promises as fs } from 'node:fs';
import path from 'node:path';
import cliProgress from 'cli-progress';
import { ImporterKindSchema, type ImportReport } from '../common/model/inventory-import';
import { serializeError } from '../common/model/errors';
import { PROJECT_FILE_EXTENSION } from '../common/model/project';
import { createNodeServices } from '../shell/node-runtime';
import { consoleLogger } from '../platform/logger';
import { EXIT } from './context';
import { importSummaryJson } from './import-summary';

interface ImportCliOptions {
  project: string;
  json?: boolean;
  kind?: string;
  removeGone?: boolean;
  dataDir?: string;
}

/** Runs an import into a project file and saves it atomically; returns the exit code. */
export async function importCommand(files: string[], o: ImportCliOptions, out: { stdout: (s: string) => void; stderr: NodeJS.WritableStream } = { stdout: (s) => process.stdout.write(s), stderr: process.stderr }): Promise<number> {
  const kind = o.kind ? ImporterKindSchema.safeParse(o.kind) : null;
  if (kind && !kind.success) {
    out.stderr.write(`mwb import: --kind must be one of ${ImporterKindSchema.options.join(', ')}\n`);
    return EXIT.usage;
  }
  const services = createNodeServices({ shell: 'browser', logger: consoleLogger('mwb', true), ...(o.dataDir ? { dataDir: o.dataDir } : {}) });
  let projectFile = path.resolve(o.project);
  if (!projectFile.endsWith(PROJECT_FILE_EXTENSION) && !projectFile.endsWith('.json')) projectFile += PROJECT_FILE_EXTENSION;
  const bar = new cliProgress.SingleBar({ stream: out.stderr, format: 'Importing [{bar}] {percentage}% {stage}', hideCursor: true, clearOnComplete: true }, cliProgress.Presets.shades_classic);
  let barStarted = false;
  const unsubscribe = services.events.subscribe((event, payload) => {
    if (event !== 'task.progress') return;
    const p = payload as { done: number; total: number | null; message?: string; state: string };
    if (p.state !== 'running') return;
    if (!barStarted) {
      bar.start(p.total ?? 0, 0, { stage: '' });
      barStarted = true;
    }
    if (p.total !== null) bar.setTotal(p.total);
    bar.update(p.done, { stage: p.message ?? '' });
  });
  try {
    const exists = await fs.stat(projectFile).then((s) => s.isFile(), () => false);
    if (exists) await services.project.open(projectFile);
    else services.project.newProject(path.basename(projectFile).replace(/\.mwb\.json$|\.json$/, ''));
    const report: ImportReport = await services.inventory.import({
      paths: files.map((f) => path.resolve(f)),
      ...(kind?.success ? { kind: kind.data } : {}),
      ...(o.removeGone ? { removeGone: true } : {}),
    });
    if (barStarted) bar.stop();
    if (exists) await services.project.save();
    else await services.project.saveAs(projectFile);
    if (o.json) {
      out.stdout(
        JSON.stringify(importSummaryJson(projectFile, report, services.project.document, { files: report.files }), null, 2) + '\n',
      );
    } else {
      out.stdout(`Imported ${report.servers} servers into ${projectFile}: ${report.added} added, ${report.updated} updated, ${report.unchanged} unchanged${report.gone.length ? `, ${report.gone.length} no longer in the export${report.removed ? ' (removed)' : ''}` : ''}${report.connections ? `; ${report.connections} dependencies read (${report.connectionsAdded} new)` : ''}.\n`);
      for (const w of report.warnings) out.stdout(`warning: ${w}\n`);
      for (const s of report.skipped.slice(0, 20)) out.stdout(`skipped: ${s.file}${s.sheet ? ` ${s.sheet}` : ''} row ${s.row}${s.column ? ` column ${s.column}` : ''}${s.value !== undefined ? ` value "${s.value}"` : ''}: ${s.reason}\n`);
      if (report.skippedTotal > 20) out.stdout(`… and ${report.skippedTotal - 20} more skipped rows (use --json for all of them).\n`);
    }
    return EXIT.ok;
  } catch (err) {
    if (barStarted) bar.stop();
    const e = serializeError(err);
    if (o.json) out.stdout(JSON.stringify({ error: e }, null, 2) + '\n');
    out.stderr.write(`mwb import: ${e.message}\n`);
    return EXIT.failed;
  } finally {
    unsubscribe();
    await services.dispose();
  }
}

/** `mwb import FILES… --project FILE`. */
export async function importAction(files: string[], o: ImportCliOptions): Promise<void> {
  const code = await importCommand(files, o);
  if (code !== EXIT.ok) process.exitCode = code;
}
