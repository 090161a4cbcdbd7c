import path from 'node:path';
import { build, type Metafile } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs build script without type declarations
import { cliBuildOptions, replicationWorkerBuildOptions, staticLoadPath } from '../../../scripts/cli-build.mjs';

/**
 * What `mwb replicate` loads before the first block is read, and in which thread. Built in memory as
 * `node scripts/build.mjs` builds the CLI and the replication worker; the walk follows static imports only (what
 * loads with a module), so a package reached only through `import()` loads when that path runs.
 */
const repoRoot = path.resolve(import.meta.dirname, '../../..');
let cli: Metafile;
let worker: Metafile;

beforeAll(async () => {
  const opts = { absWorkingDir: repoRoot, outdir: path.join(repoRoot, 'out/main'), write: false, metafile: true, sourcemap: false, logLevel: 'silent' } as const;
  [cli, worker] = await Promise.all([build({ ...(cliBuildOptions as object), ...opts }).then((r) => r.metafile), build({ ...(replicationWorkerBuildOptions as object), ...opts }).then((r) => r.metafile)]);
}, 120_000);

/** The packages (bundled or external) of the output chunk built from `entry` and of every chunk it imports statically. */
function staticPackages(metafile: Metafile, entry: string): string[] {
  const outputs = metafile.outputs;
  const root = Object.keys(outputs).find((k) => outputs[k]!.entryPoint === entry);
  if (!root) throw new Error(`no output chunk for ${entry}`);
  const files = new Set<string>();
  const packages = new Set<string>();
  const walk = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    for (const i of outputs[file]!.imports) {
      if (i.kind !== 'import-statement') continue;
      if (i.external) packages.add(i.path);
      else walk(i.path);
    }
  };
  walk(root);
  for (const f of files) {
    for (const input of Object.keys(outputs[f]!.inputs)) {
      const m = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
      if (m) packages.add(m[1]!);
    }
  }
  return [...packages].sort();
}

const AWS = /^(@aws-sdk\/|@smithy\/|@aws-crypto\/)/;

describe('`mwb replicate` start-up', () => {
  it('the command loads neither the AWS SDK nor the rest of the workbench (inventory readers, discovery, exporters)', () => {
    const pkgs = (staticLoadPath(cli, 'main/cli/replicate.command.ts') as { packages: string[] }).packages;
    expect(pkgs.filter((p) => AWS.test(p))).toEqual([]);
    expect(pkgs.filter((p) => /^(saxes|csv-parse|fflate|ssh2|yaml|pkijs)$/.test(p))).toEqual([]);
    expect(pkgs).toEqual(expect.arrayContaining(['commander', 'zod', 'cli-progress']));
  });

  it('starting a run in the main process (the engine index) loads no AWS client: the clients load in the worker', () => {
    expect(staticPackages(cli, 'main/replication/engine/index.ts').filter((p) => AWS.test(p))).toEqual([]);
  });

  it('in the worker, an EBS run loads the EBS client only; S3 loads only for S3 runs; a lane loads a client only when it sends', () => {
    expect(staticPackages(worker, 'main/replication/engine/replicate.worker.ts').filter((p) => AWS.test(p))).toEqual([]);
    const ebs = staticPackages(worker, 'main/replication/transport/registry.ts');
    expect(ebs).toContain('@aws-sdk/client-ebs');
    expect(ebs.filter((p) => /client-(s3|ec2)$/.test(p))).toEqual([]);
    expect(staticPackages(worker, 'main/replication/engine/run-disk.ts').filter((p) => AWS.test(p))).toEqual([]);
    expect(staticPackages(worker, 'main/replication/engine/block-lane.ts').filter((p) => AWS.test(p))).toEqual([]);
    expect(staticPackages(worker, 'main/replication/engine/run-disk-s3.ts')).toContain('@aws-sdk/client-s3');
    // The SDK is bundled into the worker's chunks (nothing resolved from node_modules at run time).
    const external = Object.values(worker.outputs).flatMap((o) => o.imports.filter((i) => i.external && !i.path.startsWith('node:')).map((i) => i.path));
    expect(external.filter((p) => AWS.test(p))).toEqual([]);
  });
});
