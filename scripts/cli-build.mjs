// The esbuild options of the split CLI bundle (out/main/cli.mjs + out/main/cli-chunks/), shared by scripts/build.mjs
// and the test that checks which packages each command loads (test/unit/tooling/cli-chunks.test.ts).
export const commonBuildOptions = { bundle: true, platform: 'node', target: 'node20', sourcemap: 'linked', logLevel: 'warning', legalComments: 'none' };
// ESM bundles still meet CommonJS packages that call require(): give them one.
export const esmBanner = { js: "import { createRequire as __mwbCreateRequire } from 'node:module'; const require = __mwbCreateRequire(import.meta.url);" };

// The CLI is split: cli.mjs holds commander and the command table; each command's code (and the services it
// uses) is a chunk in out/main/cli-chunks/ that `import()` loads when that command runs.
export const cliBuildOptions = {
  ...commonBuildOptions,
  entryPoints: { cli: 'main/cli.ts' },
  outdir: 'out/main',
  format: 'esm',
  splitting: true,
  chunkNames: 'cli-chunks/[name]-[hash]',
  outExtension: { '.js': '.mjs' },
  banner: esmBanner,
  packages: 'external',
};

/**
 * What running one command loads before its action starts work: the output files reached from cli.mjs and from the
 * command's chunk through static imports (not `import()`), and the packages those files import.
 * `metafile` is esbuild's metafile of a build with cliBuildOptions; `entry` the command's source, e.g. main/cli/import.command.ts.
 */
export function staticLoadPath(metafile, entry) {
  const outputs = metafile.outputs;
  const find = (source) => Object.keys(outputs).find((k) => outputs[k].entryPoint === source);
  const roots = [find('main/cli.ts'), find(entry)];
  if (roots.some((r) => r === undefined)) throw new Error(`no output chunk for main/cli.ts or ${entry}`);
  const files = new Set();
  const packages = new Set();
  const walk = (file) => {
    if (files.has(file)) return;
    files.add(file);
    for (const i of outputs[file].imports) {
      if (i.kind !== 'import-statement') continue;
      if (i.external) packages.add(i.path);
      else walk(i.path);
    }
  };
  roots.forEach(walk);
  return { files: [...files], packages: [...packages].sort() };
}
