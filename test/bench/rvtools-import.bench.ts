// Import of a generated 10,000-VM RVTools workbook (vInfo, vCPU, vMemory, vDisk, vPartition, vNetwork),
// against Debian's python3-openpyxl reading every cell of the same workbook in read-only mode.
// Targets: in-process ours ≤ 3 s and ≤ 0.5 × openpyxl; CLI to CLI (`mwb import FILE --project P`, start-up and the
// project save included, against `python3 -c …openpyxl…` with interpreter start) ≤ 0.5 ×. The CLI figure needs a build
// (`node scripts/build.mjs`). The x:-prefixed copy (as RVTools itself writes it) is timed too. Prints figures; asserts nothing.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { writeXlsx } from '../../main/services/inventory/xlsx.writer';
import { generateRvtools } from '../helpers/rvtools-generator';
import { makeInventory } from '../helpers/inventory-fixtures';
import { restyleWorkbook } from '../helpers/xlsx-namespaces';

const VMS = Number(process.env.BENCH_VMS ?? 10_000);
const RUNS = 3;
const CLI_ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const PYTHON = '/usr/bin/python3';
const ROOT = path.resolve(import.meta.dirname, '../..');
const BIN = path.join(ROOT, 'bin', 'mwb.mjs');
const HAVE_CLI = existsSync(path.join(ROOT, 'out', 'main', 'cli.mjs'));
const OPENPYXL = `
import sys, time
import openpyxl
t = time.perf_counter()
wb = openpyxl.load_workbook(sys.argv[1], read_only=True)
cells = 0
for ws in wb.worksheets:
    for row in ws.iter_rows(values_only=True):
        for v in row:
            cells += 1
print(cells, time.perf_counter() - t)
`;

const dir = await mkdtemp(path.join(os.tmpdir(), 'mwb-bench-'));
try {
  const sheets = generateRvtools(VMS);
  const file = path.join(dir, `RVTools_export_${VMS}.xlsx`);
  await writeFile(file, writeXlsx(sheets));
  const cells = sheets.reduce((n, s) => n + s.rows.reduce((m, r) => m + r.length, 0), 0);
  console.log(`workbook: ${VMS.toLocaleString('en-US')} VMs, ${sheets.map((s) => `${s.name} ${s.rows.length - 1}`).join(', ')} rows, ${cells.toLocaleString('en-US')} cells, ${((await stat(file)).size / 2 ** 20).toFixed(1)} MiB`);

  const ours: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const { inventory, project } = makeInventory();
    const t0 = performance.now();
    const report = await inventory.import({ paths: [file] });
    ours.push((performance.now() - t0) / 1000);
    if (i === 0) console.log(`ours: ${report.servers} servers, ${project.document.inventory.servers.reduce((n, s) => n + s.disks.length, 0)} disks, ${report.skippedTotal} skipped`);
  }

  // The same workbook as RVTools itself writes it (.NET packaging: x: on every SpreadsheetML element).
  const dotnet = path.join(dir, `RVTools_export_${VMS}_dotnet.xlsx`);
  await writeFile(dotnet, restyleWorkbook(new Uint8Array(await readFile(file)), 'dotnet'));
  const oursNs: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const { inventory } = makeInventory();
    const t0 = performance.now();
    const report = await inventory.import({ paths: [dotnet] });
    oursNs.push((performance.now() - t0) / 1000);
    if (report.servers !== VMS) console.log(`x:-prefixed copy: ${report.servers} servers read, expected ${VMS}`);
  }

  // CLI to CLI, interleaved (mwb import, then openpyxl, each round) so that load from elsewhere falls on both alike.
  const py: { wall: number; inner: number }[] = [];
  const cli: number[] = [];
  const cliRatios: number[] = [];
  if (!HAVE_CLI) console.log('out/main/cli.mjs is missing (run `node scripts/build.mjs`): no CLI figure');
  let cliOk = HAVE_CLI;
  for (let i = 0; i < CLI_ROUNDS; i++) {
    let cliWall: number | null = null;
    if (cliOk) {
      const t0 = performance.now();
      const r = spawnSync(process.execPath, [BIN, 'import', file, '--project', path.join(dir, `cli-${i}.mwb.json`), '--json'], { encoding: 'utf8', timeout: 600_000, env: { ...process.env, MWB_HOME: path.join(dir, 'home') } });
      cliWall = (performance.now() - t0) / 1000;
      if (r.status !== 0) {
        console.log(`mwb import failed: ${r.stderr.slice(0, 300)}`);
        cliOk = false;
        cliWall = null;
      } else {
        cli.push(cliWall);
        if (i === 0) console.log(`mwb import (CLI): ${(JSON.parse(r.stdout) as { servers: number }).servers} servers`);
      }
    }
    const t0 = performance.now();
    const r = spawnSync(PYTHON, ['-c', OPENPYXL, file], { encoding: 'utf8', timeout: 600_000 });
    const wall = (performance.now() - t0) / 1000;
    if (r.status !== 0) {
      console.log(`openpyxl failed: ${r.stderr || r.error?.message}`);
      break;
    }
    const [n, inner] = r.stdout.trim().split(/\s+/).map(Number);
    py.push({ wall, inner: inner! });
    if (cliWall !== null) cliRatios.push(cliWall / wall);
    if (i === 0) console.log(`openpyxl: ${n!.toLocaleString('en-US')} cells read`);
    console.log(`  round ${i + 1}: mwb import ${cliWall === null ? '-' : `${cliWall.toFixed(2)} s`}, openpyxl ${wall.toFixed(2)} s (load ${os.loadavg()[0]!.toFixed(2)})`);
  }
  const best = (a: number[]) => Math.min(...a);
  const ourBest = best(ours);
  console.log(`ours (full import: unzip, parse, join, validate, merge, commit): best ${ourBest.toFixed(2)} s of ${ours.map((x) => x.toFixed(2)).join(', ')}  [target ≤ 3 s]`);
  console.log(`ours, x:-prefixed copy (as RVTools writes it): best ${best(oursNs).toFixed(2)} s of ${oursNs.map((x) => x.toFixed(2)).join(', ')}; ratio to the default-namespace file ${(best(oursNs) / ourBest).toFixed(2)}×`);
  if (py.length) {
    const pyWall = best(py.map((p) => p.wall));
    const pyInner = best(py.map((p) => p.inner));
    console.log(`openpyxl read-only, all cells: best ${pyInner.toFixed(2)} s in Python (${pyWall.toFixed(2)} s with interpreter start)`);
    console.log(`ratio ours/openpyxl: ${(ourBest / pyInner).toFixed(2)}× (vs wall ${(ourBest / pyWall).toFixed(2)}×)  [target ≤ 0.5×]`);
    if (cli.length) {
      const cliBest = best(cli);
      console.log(`mwb import FILE --project P (CLI process, start-up and save included): best ${cliBest.toFixed(2)} s of ${cli.map((x) => x.toFixed(2)).join(', ')}`);
      console.log(`ratio CLI to CLI (mwb import / python3 openpyxl with interpreter start): ${(cliBest / pyWall).toFixed(2)}× of the best runs  [target ≤ 0.5×]`);
      const sorted = [...cliRatios].sort((a, b) => a - b);
      console.log(`  per round (same round's openpyxl): median ${sorted[Math.floor(sorted.length / 2)]!.toFixed(2)}× (${sorted[0]!.toFixed(2)}–${sorted[sorted.length - 1]!.toFixed(2)}×, ${sorted.length} rounds)`);
    }
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}
