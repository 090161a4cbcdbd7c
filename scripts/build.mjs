// Builds everything the shells run: main + CLI + preload with esbuild, the renderer with Vite.
import { build as esbuild } from 'esbuild';
import { build as viteBuild } from 'vite';
import { rmSync } from 'node:fs';
import { cliBuildOptions, commonBuildOptions as common, esmBanner, replicationWorkerBuildOptions } from './cli-build.mjs';

const quiet = process.argv.includes('--quiet') || process.env.npm_lifecycle_event === 'prepare';
const started = Date.now();
rmSync('out/main', { recursive: true, force: true });
rmSync('out/preload', { recursive: true, force: true });

await Promise.all([
  // The split CLI (scripts/cli-build.mjs): each command's code is a chunk loaded when that command runs.
  esbuild(cliBuildOptions),
  esbuild({ ...common, entryPoints: { index: 'main/index.ts' }, outdir: 'out/main', format: 'esm', outExtension: { '.js': '.mjs' }, banner: esmBanner, packages: 'external', external: ['electron'] }),
  // The replication worker thread and its block lanes, the AWS SDK bundled in and split by path (scripts/cli-build.mjs).
  esbuild(replicationWorkerBuildOptions),
  // Sandboxed preloads must be one CommonJS file that requires nothing but electron.
  esbuild({ ...common, entryPoints: { index: 'preload/index.ts' }, outdir: 'out/preload', format: 'cjs', outExtension: { '.js': '.cjs' }, external: ['electron'], platform: 'node' }),
]);
await viteBuild({ configFile: 'vite.config.ts', logLevel: quiet ? 'error' : 'warn' });
if (!quiet) console.log(`built out/ in ${((Date.now() - started) / 1000).toFixed(1)} s`);
