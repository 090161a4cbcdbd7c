// `mwb --version` and `mwb CMD --help` as a user runs them (the built CLI, a fresh process each time), against a
// bare `node -e 0` in the same run. Target: ≤ 2 × node -e 0. Needs a build first (`node scripts/build.mjs`).
// Prints figures and ratios; asserts nothing.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '../..');
const BIN = path.join(ROOT, 'bin', 'mwb.mjs');
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 15);

if (!existsSync(path.join(ROOT, 'out', 'main', 'cli.mjs'))) {
  console.log('out/main/cli.mjs is missing: run `node scripts/build.mjs` first');
  process.exit(1);
}

/** Wall time of one fresh process (ms); exits non-zero → reported. */
function once(args: string[]): number {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr.slice(0, 200)}`);
  return ms;
}

const cases: Array<[string, string[]]> = [
  ['node -e 0', ['-e', '0']],
  ['mwb --version', [BIN, '--version']],
  ['mwb --help', [BIN, '--help']],
  ['mwb verify --help', [BIN, 'verify', '--help']],
  ['mwb import --help', [BIN, 'import', '--help']],
  ['mwb export bundle --help', [BIN, 'export', 'bundle', '--help']],
];
const times = new Map<string, number[]>(cases.map(([n]) => [n, []]));
// Interleaved rounds, so load from other processes on the machine falls on every case alike.
for (let i = 0; i < ROUNDS; i++) for (const [name, args] of cases) times.get(name)!.push(once(args));

const median = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)]!;
console.log(`${ROUNDS} interleaved rounds, ${os.cpus().length} CPUs, load ${os.loadavg()[0]!.toFixed(2)}; median (min) wall time per process:`);
const base = median(times.get('node -e 0')!);
const baseMin = Math.min(...times.get('node -e 0')!);
for (const [name] of cases) {
  const t = times.get(name)!;
  const ratio = name === 'node -e 0' ? '' : `  ${(median(t) / base).toFixed(2)}× node -e 0 (min ${(Math.min(...t) / baseMin).toFixed(2)}×)  [target ≤ 2×]`;
  console.log(`  ${name.padEnd(26)} ${median(t).toFixed(0).padStart(5)} ms (${Math.min(...t).toFixed(0)} ms)${ratio}`);
}
