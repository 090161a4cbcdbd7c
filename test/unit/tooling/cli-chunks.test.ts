import path from 'node:path';
import { build, type Metafile } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs build script without type declarations
import { cliBuildOptions, staticLoadPath } from '../../../scripts/cli-build.mjs';

/**
 * The CLI is built with code splitting (scripts/cli-build.mjs). This builds it as `node scripts/build.mjs` does (in
 * memory) and follows the static imports from cli.mjs and a command's chunk: the packages on that path load before
 * the command starts work. Heavy packages a command does not use must stay behind `import()`.
 */
const repoRoot = path.resolve(import.meta.dirname, '../../..');
let metafile: Metafile;

beforeAll(async () => {
  const result = await build({ ...(cliBuildOptions as object), absWorkingDir: repoRoot, outdir: path.join(repoRoot, 'out/main'), write: false, metafile: true, sourcemap: false, logLevel: 'silent' });
  metafile = result.metafile;
}, 120_000);

const loaded = (entry: string): string[] => (staticLoadPath(metafile, entry) as { packages: string[] }).packages;
/** Certificate code, CloudFormation/YAML, AWS SDK, Azure SDK and SSH: none is needed to import an inventory or hash a file. */
const HEAVY = /^(pkijs|asn1js|pvtsutils|cfb|yaml|@aws-sdk\/|@aws\/|@smithy\/|ssh2|@azure\/|@azure-rest\/)/;

describe('CLI chunk graph', () => {
  it('`mwb import` loads only what reading inventories needs', () => {
    const pkgs = loaded('main/cli/import.command.ts');
    expect(pkgs.filter((p) => HEAVY.test(p))).toEqual([]);
    // The path the tracer follows is real: the import command does load its own readers statically.
    expect(pkgs).toEqual(expect.arrayContaining(['commander', 'saxes', 'zod']));
  });

  it('`mwb verify` of a plain file loads no certificate code until a signed file needs it', () => {
    const pkgs = loaded('main/cli/verify.command.ts');
    expect(pkgs.filter((p) => HEAVY.test(p))).toEqual([]);
    // It builds only the services it uses: the inventory readers and the disk-image code stay out of its start-up.
    expect(pkgs.filter((p) => /^(saxes|csv-parse|fflate)$/.test(p))).toEqual([]);
    const files = (staticLoadPath(metafile, 'main/cli/verify.command.ts') as { files: string[] }).files;
    const sources = files.flatMap((f) => Object.keys(metafile.outputs[f]!.inputs));
    expect(sources.filter((s) => /^main\/(services\/inventory|replication|discovery)\//.test(s))).toEqual([]);
    expect(sources).toEqual(expect.arrayContaining(['main/services/verification.service.ts', 'main/services/project-store.service.ts']));
    // ...and the certificate code is still in the build, behind import().
    const all = Object.values(metafile.outputs).flatMap((o) => o.imports.filter((i) => i.external).map((i) => i.path));
    expect(all).toEqual(expect.arrayContaining(['pkijs', 'yaml']));
  });

  it('`mwb mgn status` loads the MGN SDK only when it reads MGN online (a saved response needs none)', () => {
    const pkgs = loaded('main/cli/mgn.command.ts');
    expect(pkgs.filter((p) => HEAVY.test(p))).toEqual([]);
    const all = Object.values(metafile.outputs).flatMap((o) => o.imports.filter((i) => i.external).map((i) => i.path));
    expect(all).toContain('@aws-sdk/client-mgn');
  });

  it('the Azure SDK loads only when an Azure discovery runs: not with `mwb discover` of any other source', () => {
    const pkgs = loaded('main/cli/discover.command.ts');
    expect(pkgs.filter((p) => /^@azure/.test(p))).toEqual([]);
    expect(pkgs).toEqual(expect.arrayContaining(['saxes', 'zod']));
    const all = Object.values(metafile.outputs).flatMap((o) => o.imports.filter((i) => i.external).map((i) => i.path));
    expect(all).toEqual(expect.arrayContaining(['@azure/arm-compute', '@azure/arm-network', '@azure/identity']));
  });

  it('zod is bundled with its English messages only (the other locales are half its size)', () => {
    const inputs = Object.values(metafile.outputs).flatMap((o) => Object.keys(o.inputs));
    const locales = inputs.filter((i) => /zod\/v4\/locales\/[^/]+\.js$/.test(i) && !i.startsWith('zod-english-only:'));
    expect(locales).toEqual(['node_modules/zod/v4/locales/en.js']);
  });

  it('`mwb --version` and `--help` load commander alone', () => {
    const { packages } = staticLoadPath(metafile, 'main/cli.ts') as { packages: string[] };
    expect(packages.filter((p) => !p.startsWith('node:'))).toEqual(['commander']);
  });
});
