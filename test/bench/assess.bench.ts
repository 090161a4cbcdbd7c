// Assessment of 10,000 servers (readiness, right-sizing, cost, approach: assessProject) imported from a generated
// RVTools workbook, against the import of that workbook in the same run (reference). Also times `mwb assess --json`
// as a process (start-up included) on the saved project when the CLI is built (out/main/cli.mjs).
// Targets: assessment ≤ 1 s and ≤ 0.1 × the import. Prints figures; asserts nothing.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { writeXlsx } from '../../main/services/inventory/xlsx.writer';
import { assessProject } from '../../main/common/assess/assess';
import { generateRvtools } from '../helpers/rvtools-generator';
import { makeInventory } from '../helpers/inventory-fixtures';
import { loadReference } from '../helpers/assess-fixtures';

const VMS = Number(process.env.BENCH_VMS ?? 10_000);
const RUNS = 3;
const best = (a: number[]) => Math.min(...a);

const dir = await mkdtemp(path.join(os.tmpdir(), 'mwb-bench-assess-'));
try {
  const file = path.join(dir, `RVTools_export_${VMS}.xlsx`);
  await writeFile(file, writeXlsx(generateRvtools(VMS)));
  const ref = loadReference();

  const imports: number[] = [];
  let doc = null as ReturnType<typeof makeInventory>['project']['document'] | null;
  for (let i = 0; i < RUNS; i++) {
    const { inventory, project } = makeInventory();
    const t0 = performance.now();
    await inventory.import({ paths: [file] });
    imports.push((performance.now() - t0) / 1000);
    doc = project.document;
  }
  const servers = doc!.inventory.servers.length;

  const runs: number[] = [];
  let result = assessProject(doc!, ref); // first run also compiles (reported separately)
  const cold = (() => {
    const t0 = performance.now();
    result = assessProject({ ...doc!, inventory: { ...doc!.inventory } }, ref);
    return (performance.now() - t0) / 1000;
  })();
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    result = assessProject(doc!, ref, { headroomPct: 20 + i });
    runs.push((performance.now() - t0) / 1000);
  }
  const ours = best(runs);
  const imp = best(imports);
  console.log(`estate: ${servers.toLocaleString('en-US')} servers, ${result.servers.reduce((n, s) => n + s.findings.length, 0).toLocaleString('en-US')} findings, ${result.estate.moving.toLocaleString('en-US')} costed, $${result.estate.monthlyUsd.toLocaleString('en-US')}/month`);
  console.log(`reference — RVTools import of the same estate: best ${imp.toFixed(2)} s of ${imports.map((x) => x.toFixed(2)).join(', ')}`);
  console.log(`assessment (readiness, right-sizing, cost, approach, totals): best ${ours.toFixed(3)} s of ${runs.map((x) => x.toFixed(3)).join(', ')} (second run ${cold.toFixed(3)} s)  [target ≤ 1 s]`);
  console.log(`ratio assessment/import: ${(ours / imp).toFixed(3)}×  [target ≤ 0.1×]`);

  const cli = path.resolve('out/main/cli.mjs');
  if (existsSync(cli)) {
    const project = path.join(dir, 'estate.mwb.json');
    await writeFile(project, JSON.stringify(doc));
    const walls: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const t0 = performance.now();
      const r = spawnSync(process.execPath, [cli, 'assess', '--project', project, '--json'], { encoding: 'utf8', timeout: 120_000, maxBuffer: 512 * 2 ** 20, env: { ...process.env, MWB_HOME: path.join(dir, 'home') } });
      walls.push((performance.now() - t0) / 1000);
      if (r.status !== 0) {
        console.log(`mwb assess failed: ${r.stderr.slice(0, 300)}`);
        break;
      }
    }
    console.log(`mwb assess --project (${servers.toLocaleString('en-US')} servers) --json, whole process: best ${best(walls).toFixed(2)} s of ${walls.map((x) => x.toFixed(2)).join(', ')}; ratio to the import ${(best(walls) / imp).toFixed(2)}×`);
  } else console.log('mwb assess CLI timing skipped: run node scripts/build.mjs first');
} finally {
  await rm(dir, { recursive: true, force: true });
}
