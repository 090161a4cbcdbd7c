// Builds everything the shells run: main + CLI + preload with esbuild, the renderer with Vite.
import { build as esbuild } from 'esbuild';
import { build as viteBuild } from 'vite';
import { rmSync } from 'node:fs';

const quiet = process.argv.includes('--quiet') || process.env.npm_lifecycle_event === 'prepare';
const started = Date.now();
rmSync('out/main', { recursive: true, force: true });
rmSync('out/preload', { recursive: true, force: true });

const common = { bundle: true, platform: 'node', target: 'node20', sourcemap: 'linked', logLevel: 'warning', legalComments: 'none' };
// ESM bundles still meet CommonJS packages that call require(): give them one.
const esmBanner = { js: "import { createRequire as __mwbCreateRequire } from 'node:module'; const require = __mwbCreateRequire(import.meta.url);" };

await Promise.all([
  // The CLI is split: cli.mjs holds commander and the command table; each command's code (and the services it
  // uses) is a chunk in out/main/cli-chunks/ that `import()` loads when that command runs.
  esbuild({ ...common, entryPoints: { cli: 'main/cli.ts' }, outdir: 'out/main', format: 'esm', splitting: true, chunkNames: 'cli-chunks/[name]-[hash]', outExtension: { '.js': '.mjs' }, banner: esmBanner, packages: 'external' }),
  esbuild({ ...common, entryPoints: { index: 'main/index.ts' }, outdir: 'out/main', format: 'esm', outExtension: { '.js': '.mjs' }, banner: esmBanner, packages: 'external', external: ['electron'] }),
  // The replication worker thread (main/replication/engine/job.ts starts it from out/main/replication-worker.mjs).
  esbuild({ ...common, entryPoints: { 'replication-worker': 'main/replication/engine/replicate.worker.ts' }, outdir: 'out/main', format: 'esm', outExtension: { '.js': '.mjs' }, banner: esmBanner, packages: 'external' }),
  // Sandboxed preloads must be one CommonJS file that requires nothing but electron.
  esbuild({ ...common, entryPoints: { index: 'preload/index.ts' }, outdir: 'out/preload', format: 'cjs', outExtension: { '.js': '.cjs' }, external: ['electron'], platform: 'node' }),
]);
await viteBuild({ configFile: 'vite.config.ts', logLevel: quiet ? 'error' : 'warn' });
if (!quiet) console.log(`built out/ in ${((Date.now() - started) / 1000).toFixed(1)} s`);
