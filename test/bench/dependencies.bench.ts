// Dependency data at estate scale: a 20,000-server project takes in an Azure Migrate dependency
// export of 5,000 dependencies × 24 six-hour slots (120,000 rows), and the "by dependencies"
// suggestion runs over it. References in the same run: parsing the same CSV with csv-parse alone
// (the floor any importer pays) and the naming-pattern suggestion over the same servers.
// Prints figures and ratios; asserts nothing.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { suggestApplications, suggestByDependencies } from '../../main/common/assess/grouping-suggestions';
import { blankServer } from '../../main/services/inventory/importer';
import { makeInventory } from '../helpers/inventory-fixtures';

const N = Number(process.env.BENCH_SERVERS ?? 20_000);
const DEPS = Number(process.env.BENCH_DEPS ?? 5_000);
const SLOTS = 24;
const name = (i: number) => `APP${String(Math.floor(i / 4)).padStart(5, '0')}-${['DB', 'APP', 'WEB', 'BAT'][i % 4]}01`;
const ip = (i: number) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;

const dir = await mkdtemp(path.join(os.tmpdir(), 'mwb-bench-deps-'));
try {
  const { project, inventory } = makeInventory();
  project.newProject('bench');
  const servers = Array.from({ length: N }, (_, i) => {
    const s = blankServer(name(i), { kind: 'rvtools', name: 'bench.xlsx' });
    s.id = `srv-${i}`;
    s.nics = [{ ipv4: [ip(i)], ipv6: [] }];
    return s;
  });
  project.commit({ ...project.document, inventory: { ...project.document.inventory, servers } });

  // Web → app → db chains inside groups of four, plus everyone to a DNS server; half by name, half by IP.
  const lines = ['Timeslot,Source server name,Source IP,Source application,Source process,Destination server name,Destination IP,Destination application,Destination process,Destination port'];
  for (let d = 0; d < DEPS; d++) {
    const base = 4 * (d % Math.floor(N / 4));
    const [from, to, port] = d % 5 === 4 ? [base + 1, 3, 53] : d % 2 ? [base + 2, base + 1, 8080] : [base + 1, base, 1433];
    for (let s = 0; s < SLOTS; s++) {
      const day = 1 + Math.floor(s / 4);
      const slot = `11/${day}/2026 ${String((s % 4) * 6).padStart(2, '0')}:00 - 11/${day}/2026 ${String((s % 4) * 6 + 6).padStart(2, '0')}:00`;
      lines.push(`${slot},${d % 2 ? name(from) : ''},${ip(from)},app,proc${d % 7},${d % 2 ? name(to) : ''},${ip(to)},app,proc,${port}`);
    }
  }
  const file = path.join(dir, 'dependencies.csv');
  await writeFile(file, lines.join('\r\n') + '\r\n');
  const rows = lines.length - 1;

  let t = performance.now();
  const parsed = parse(await readFile(file), { columns: false, relax_column_count: true }) as string[][];
  const parseMs = performance.now() - t;

  t = performance.now();
  const report = await inventory.import({ paths: [file] });
  const importMs = performance.now() - t;

  const doc = project.document;
  t = performance.now();
  const byName = suggestApplications(doc.inventory.servers, 'name');
  const nameMs = performance.now() - t;
  t = performance.now();
  const byDeps = suggestByDependencies(doc.inventory.servers, doc.inventory.connections);
  const depsMs = performance.now() - t;
  const json = JSON.stringify(doc.inventory.connections).length;

  console.log(`${N.toLocaleString('en-US')} servers; dependency export of ${rows.toLocaleString('en-US')} rows (${DEPS.toLocaleString('en-US')} dependencies × ${SLOTS} slots)`);
  console.log(`  csv-parse alone (reference):        ${parseMs.toFixed(0)} ms (${parsed.length.toLocaleString('en-US')} records)`);
  console.log(`  import (read, fold, merge, match):  ${importMs.toFixed(0)} ms = ${(importMs / parseMs).toFixed(2)}× csv-parse alone; ${report.connections} dependencies kept, ${(json / 2 ** 20).toFixed(1)} MiB in the project file`);
  console.log(`  naming-pattern suggestion (ref.):   ${nameMs.toFixed(0)} ms (${byName.length} suggestions)`);
  console.log(`  by-dependencies suggestion:         ${depsMs.toFixed(0)} ms = ${(depsMs / nameMs).toFixed(2)}× naming pattern; ${byDeps.suggestions.length} suggestions, ${byDeps.leftOut.length} left out (${byDeps.leftOut.slice(0, 1).map((l) => `${l.name}: ${l.reason}`).join('')})`);
} finally {
  await rm(dir, { recursive: true, force: true });
}
