// `npm test`: everything, in the order a failure is cheapest to find: types, lint, unit + integration
// (vitest), build, end-to-end stories in Chromium (Playwright), Electron security scan.
// Ends with one line "tests: N passed, N failed" summed over the stages.
import { spawnSync } from 'node:child_process';
import { readFileSync, mkdirSync, existsSync, rmSync } from 'node:fs';

mkdirSync('test-results', { recursive: true });
let passed = 0;
let failed = 0;
const stageFailures = [];
// CI shows only the tail of the output: the failed tests are listed again at the end.
const failedTests = [];

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
  // Two runs (vitest.config.ts): most files three at a time, then the timing-sensitive ones one at a time.
  for (const [project, extra] of [['parallel', []], ['serial', ['--no-file-parallelism']]]) {
    const out = `test-results/vitest-${project}.json`;
    rmSync(out, { force: true });
    run(`unit + integration (${project})`, 'node_modules/.bin/vitest', ['run', '--project', project, ...extra, '--reporter=default', '--reporter=json', `--outputFile=${out}`]);
    if (existsSync(out)) {
      const j = JSON.parse(readFileSync(out, 'utf8'));
      passed += j.numPassedTests ?? 0;
      failed += j.numFailedTests ?? 0;
      for (const file of j.testResults ?? []) {
        for (const t of file.assertionResults ?? []) {
          if (t.status === 'failed') failedTests.push(`${file.name.replace(process.cwd() + '/', '')} › ${t.fullName}\n    ${String(t.failureMessages?.[0] ?? '').split('\n')[0].slice(0, 300)}`);
        }
      }
    }
  }
}
if (!only || only === 'e2e') {
  if (built) {
    run('e2e (Chromium)', 'node_modules/.bin/playwright', ['test']);
    if (existsSync('test-results/e2e.json')) {
      const j = JSON.parse(readFileSync('test-results/e2e.json', 'utf8'));
      passed += j.stats?.expected ?? 0;
      const walk = (suite) => {
        for (const spec of suite.specs ?? []) {
          if (!spec.ok) failedTests.push(`${spec.file} › ${spec.title}`);
        }
        for (const s of suite.suites ?? []) walk(s);
      };
      for (const s of j.suites ?? []) walk(s);
      failed += (j.stats?.unexpected ?? 0) + (j.stats?.flaky ?? 0) * 0;
    }
  }
}
if (!only || only === 'security') {
  run('electronegativity', process.execPath, ['scripts/electronegativity.mjs']);
}
if (stageFailures.length) {
  console.log(`\nfailed stages: ${stageFailures.join(', ')}`);
  if (failedTests.length) console.log(`failed tests:\n${failedTests.map((t) => `  ✘ ${t}`).join('\n')}`);
  if (failed === 0) failed = stageFailures.length;
}
console.log(`\ntests: ${passed} passed, ${failed} failed`);
process.exit(stageFailures.length ? 1 : 0);
