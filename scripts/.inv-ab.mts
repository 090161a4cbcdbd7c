import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { writeXlsx } from '../main/services/inventory/xlsx.writer';
import { generateRvtools } from '../test/helpers/rvtools-generator';
import { makeInventory as makeNew } from '../test/helpers/inventory-fixtures';
import { makeInventory as makeOld } from '/tmp/inv-base/test/helpers/inventory-fixtures';
const dir = await mkdtemp(path.join(os.tmpdir(), 'mwb-ab-'));
const file = path.join(dir, 'RVTools_export_10000.xlsx');
await writeFile(file, writeXlsx(generateRvtools(10_000)));
const t: Record<string, number[]> = { old: [], new: [] };
for (let i = 0; i < 4; i++) {
  for (const [k, mk] of (i % 2 ? [['new', makeNew], ['old', makeOld]] : [['old', makeOld], ['new', makeNew]]) as [string, typeof makeNew][]) {
    const { inventory } = mk();
    const t0 = performance.now();
    const r = await inventory.import({ paths: [file] });
    t[k]!.push((performance.now() - t0) / 1000);
    if (r.servers !== 10_000) throw new Error('count');
  }
}
const best = (a: number[]) => Math.min(...a);
console.log(JSON.stringify(t), `old best ${best(t.old!).toFixed(2)} s, new best ${best(t.new!).toFixed(2)} s, new/old ${(best(t.new!) / best(t.old!)).toFixed(2)}×`);
