// `npm test`: everything, in the order a failure is cheapest to find: types, lint and build (at the same time), unit +
// integration (vitest), end-to-end stories in Chromium (Playwright), Electron security scan.
// Ends with one line "tests: N passed, N failed" summed over the stages (and how many passed only on CI's retry).
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, mkdirSync, existsSync, rmSync } from 'node:fs';
import { stripVTControlCharacters } from 'node:util';

mkdirSync('test-results', { recursive: true });
let passed = 0;
let failed = 0;
const stageFailures = [];
// CI shows only the tail of the output: the failed tests are listed again at the end, and so are the tests that
// failed and then passed on CI's one retry (vitest.config.ts, playwright.config.ts), so no flake goes unseen.
const failedTests = [];
const flakyTests = [];

function run(name, cmd, args, opts = {}) {
  const started = Date.now();
  console.log(`\n▶ ${name}: ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', ...opts });
  const ok = r.status === 0;
  console.log(`${ok ? '✔' : '✘'} ${name} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  if (!ok) stageFailures.push(name);
  return ok;
}

/**
 * Runs stages at the same time (each is one process, mostly on one core: two cores do typecheck, lint and build in
 * about the time of the longest), then prints each one's output and result in order, as run() would have.
 */
async function runTogether(stages) {
  const started = Date.now();
  const results = await Promise.all(
    stages.map(
      ([name, cmd, args]) =>
        new Promise((resolve) => {
          const chunks = [];
          const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
          child.stdout.on('data', (c) => chunks.push(c));
          child.stderr.on('data', (c) => chunks.push(c));
          child.on('error', (err) => chunks.push(Buffer.from(`${err.message}\n`)));
          child.on('close', (code) => resolve({ name, cmd, args, ok: code === 0, output: Buffer.concat(chunks), seconds: (Date.now() - started) / 1000 }));
        }),
    ),
  );
  for (const r of results) {
    console.log(`\n▶ ${r.name}: ${r.cmd} ${r.args.join(' ')}`);
    process.stdout.write(r.output);
    console.log(`${r.ok ? '✔' : '✘'} ${r.name} (${r.seconds.toFixed(1)} s, together with ${results.filter((o) => o !== r).map((o) => o.name).join(' and ')})`);
    if (!r.ok) stageFailures.push(r.name);
  }
  return results.map((r) => r.ok);
}

const only = process.argv[2];

// The CLI integration tests and the e2e stories run the built bundle.
const build = ['build', process.execPath, ['scripts/build.mjs']];
const built = !only || only === 'static'
  ? (await runTogether([['typecheck', 'node_modules/.bin/tsc', ['-b']], ['lint', 'node_modules/.bin/eslint', ['.']], build]))[2]
  : run(...build);
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
          const line = `${file.name.replace(process.cwd() + '/', '')} › ${t.fullName}\n    ${String(t.failureMessages?.[0] ?? '').split('\n')[0].slice(0, 300)}`;
          if (t.status === 'failed') failedTests.push(line);
          // A test that passed keeps the errors of the attempt that failed before its retry.
          else if (t.status === 'passed' && t.failureMessages?.length) flakyTests.push(line);
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
      passed += (j.stats?.expected ?? 0) + (j.stats?.flaky ?? 0);
      const walk = (suite) => {
        for (const spec of suite.specs ?? []) {
          if (!spec.ok) failedTests.push(`${spec.file} › ${spec.title}`);
          else if (spec.tests?.some((t) => t.status === 'flaky')) {
            const error = spec.tests.flatMap((t) => t.results ?? []).find((r) => r.error)?.error?.message ?? '';
            flakyTests.push(`${spec.file} › ${spec.title}\n    ${stripVTControlCharacters(String(error)).split('\n')[0].slice(0, 300)}`);
          }
        }
        for (const s of suite.suites ?? []) walk(s);
      };
      for (const s of j.suites ?? []) walk(s);
      failed += j.stats?.unexpected ?? 0;
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
if (flakyTests.length) console.log(`\npassed only on retry (flaky, to be fixed):\n${flakyTests.map((t) => `  ⚠ ${t}`).join('\n')}`);
console.log(`\ntests: ${passed} passed${flakyTests.length ? ` (${flakyTests.length} only on retry)` : ''}, ${failed} failed`);
process.exit(stageFailures.length ? 1 : 0);
