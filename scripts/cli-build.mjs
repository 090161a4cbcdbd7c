// The esbuild options of the split CLI bundle (out/main/cli.mjs + out/main/cli-chunks/), shared by scripts/build.mjs
// and the test that checks which packages each command loads (test/unit/tooling/cli-chunks.test.ts).
import path from 'node:path';

export const commonBuildOptions = { bundle: true, platform: 'node', target: 'node20', sourcemap: 'linked', logLevel: 'warning', legalComments: 'none' };
// ESM bundles still meet CommonJS packages that call require(): give them one.
export const esmBanner = { js: "import { createRequire as __mwbCreateRequire } from 'node:module'; const require = __mwbCreateRequire(import.meta.url);" };

/*
 * Pure-JS packages every command needs at start-up are bundled into the CLI's chunks: loaded from node_modules as
 * ESM, zod alone is dozens of files to resolve and read one by one, which costs more than running them. Every
 * other package stays external (native parts, wasm, assets found through require.resolve, or only used on demand).
 */
export const CLI_BUNDLED_PACKAGES = ['commander', 'zod', 'cli-progress', 'saxes', 'xmlchars', 'csv-parse', 'fflate', 'string-width', 'strip-ansi', 'ansi-regex', 'emoji-regex', 'is-fullwidth-code-point'];
const packageOf = (spec) => (spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]);
const externalPackages = {
  name: 'external-packages',
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path.startsWith('node:') || !CLI_BUNDLED_PACKAGES.includes(packageOf(args.path))) return { path: args.path, external: true };
      return undefined;
    });
  },
};

/*
 * zod re-exports every locale through `locales/index.js` (`z.locales`, `core.locales`): about 370 KB of the 750 KB
 * zod bundle that every command parses at start-up. The workbench uses zod's English messages only (its default,
 * which zod's schemas import directly), so in the CLI build that index exports English alone.
 */
const zodEnglishOnly = {
  name: 'zod-english-only',
  setup(build) {
    build.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) => {
      if (!/[\\/]node_modules[\\/]zod[\\/]v4[\\/]/.test(args.importer)) return undefined;
      return { path: path.join(path.dirname(args.importer), '..', 'locales', 'index.js'), namespace: 'zod-english-only' };
    });
    build.onLoad({ filter: /.*/, namespace: 'zod-english-only' }, (args) => ({
      contents: 'export { default as en } from "./en.js";\n',
      resolveDir: path.dirname(args.path),
      loader: 'js',
    }));
  },
};

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
  plugins: [zodEnglishOnly, externalPackages],
};

/*
 * The replication worker thread and its block lanes (main/replication/engine/worker-source.ts starts them from
 * out/main/replication-worker.mjs). The AWS SDK is bundled in, from its ES module builds: resolving and loading its
 * hundreds of CommonJS files from node_modules cost every thread more than running them. Split, so that each thread
 * loads only its path: an EBS run never the S3 client, a lane the EBS client only when it has blocks to send.
 */
export const replicationWorkerBuildOptions = {
  ...commonBuildOptions,
  entryPoints: { 'replication-worker': 'main/replication/engine/replicate.worker.ts' },
  outdir: 'out/main',
  format: 'esm',
  splitting: true,
  chunkNames: 'replication-chunks/[name]-[hash]',
  outExtension: { '.js': '.mjs' },
  banner: esmBanner,
  mainFields: ['module', 'main'],
};

/**
 * What running one command loads before its action starts work: the output files reached from cli.mjs and from the
 * command's chunk through static imports (not `import()`), and the packages on that path, external (imported from
 * node_modules) or bundled into those files.
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
  for (const file of files) {
    for (const input of Object.keys(outputs[file].inputs)) {
      const m = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
      if (m) packages.add(m[1]);
    }
  }
  return { files: [...files], packages: [...packages].sort() };
}
