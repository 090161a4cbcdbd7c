#!/usr/bin/env node
// Thin launcher: the CLI is bundled to out/main/cli.mjs by `npm run build` (run on install by `prepare`).
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import path from 'node:path';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const bundle = path.join(root, 'out', 'main', 'cli.mjs');
if (!existsSync(bundle)) {
  process.stderr.write('mwb: the workbench is not built yet. Run `npm run build` in ' + root + '\n');
  process.exit(2);
}
const { runCliProcess } = await import(pathToFileURL(bundle).href);
await runCliProcess(process.argv.slice(2));
