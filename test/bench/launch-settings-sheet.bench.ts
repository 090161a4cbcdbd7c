// Launch settings of 20,000 planned servers out to xlsx and back with a diff, and the problem counts every badge
// shows, with same-run references: the xlsx writer and reader alone on the same rows, and plan validation alone.
// Run: npm run bench launch-settings-sheet
import { performance } from 'node:perf_hooks';
import { applyEdit } from '../../main/common/model/edits';
import { validatePlan } from '../../main/common/assess/plan-validation';
import { launchSettingsSheet, readLaunchSettingsSheet } from '../../main/common/export/launch-settings-table';
import { writeXlsx } from '../../main/services/inventory/xlsx.writer';
import { readXlsx } from '../../main/services/inventory/xlsx.reader';
import { selectProblemCounts } from '../../renderer/features/applications/planning.selectors';
import { docWithServers } from '../helpers/plan-fixtures';

const SERVERS = 20_000;

function bigProject() {
  let doc = docWithServers(SERVERS, 'srv');
  const ids = doc.inventory.servers.map((s) => s.id);
  const apps = 40;
  const per = SERVERS / apps;
  for (let a = 0; a < apps; a++) {
    const mine = ids.slice(a * per, (a + 1) * per);
    doc = applyEdit(doc, { type: 'application.create', applicationId: `app${a}`, name: `App ${a}`, groups: [{ id: `g${a}a`, name: 'DB', serverIds: mine.slice(0, per / 2) }, { id: `g${a}b`, name: 'Web', serverIds: mine.slice(per / 2) }] });
  }
  doc = applyEdit(doc, { type: 'launchSettings.setEach', entries: ids.map((id, i) => ({ serverId: id, patch: { instanceType: 'm6i.large', subnetId: `subnet-0a1b2c3d4e5f6000${i % 4}`, securityGroupIds: ['sg-0123456789abcdef0'], ...(i % 3 ? { amiId: `ami-${(i + 1).toString(16).padStart(17, '0')}` } : {}) } })) });
  return applyEdit(doc, { type: 'defaults.set', defaults: { awsAccountId: '111122223333', awsRegion: 'eu-west-1' } });
}

function time<T>(fn: () => T): { ms: number; value: T } {
  const t = performance.now();
  const value = fn();
  return { ms: performance.now() - t, value };
}

const doc = bigProject();
const sheet = launchSettingsSheet(doc);
// Edited in a spreadsheet: one instance type in ten changed.
sheet.slice(1).forEach((r, i) => {
  if (i % 10 === 0) r[5] = 'm6i.xlarge';
});
const out = time(() => writeXlsx([{ name: 'Launch settings', rows: launchSettingsSheet(doc) }]));
const refWrite = time(() => writeXlsx([{ name: 'Launch settings', rows: sheet }]));
const bytes = writeXlsx([{ name: 'Launch settings', rows: sheet }]);
const refRead = time(() => readXlsx(bytes, 'sheet.xlsx'));
const back = time(() => {
  const t = readXlsx(bytes, 'sheet.xlsx').tables[0]!;
  return readLaunchSettingsSheet(doc, t.headers, t.rows, t.rowNumbers);
});
const plan = time(() => validatePlan(doc));
const counts = time(() => selectProblemCounts(doc, []));

console.log(`launch settings sheet, ${SERVERS.toLocaleString('en-US')} planned servers (${(bytes.length / 2 ** 20).toFixed(1)} MiB xlsx)`);
console.log(`  export (sheet + xlsx): ${out.ms.toFixed(0)} ms; reference writeXlsx alone: ${refWrite.ms.toFixed(0)} ms; ratio ${(out.ms / refWrite.ms).toFixed(2)}`);
console.log(`  read back + diff (${back.value.changes.length} changes, ${back.value.problems.length} problems): ${back.ms.toFixed(0)} ms; reference readXlsx alone: ${refRead.ms.toFixed(0)} ms; ratio ${(back.ms / refRead.ms).toFixed(2)}`);
console.log(`  problem counts for every badge: ${counts.ms.toFixed(0)} ms; reference validatePlan alone: ${plan.ms.toFixed(0)} ms; ratio ${(counts.ms / plan.ms).toFixed(2)}`);
