// Benchmark: MD5 + SHA-256 of a 2 GiB file in ONE read (hashes in parallel worker threads) against
// `openssl dgst -md5` and `openssl dgst -sha256` run alone on the same file in the same run, both in-process
// (hashFile) and as a user runs it: `mwb verify FILE` (the built CLI, start-up included; its default digests are
// MD5 and SHA-256). Target: the CLI ≤ 1.1 × the slower of the two openssl runs. Needs `node scripts/build.mjs` for
// the CLI figure. Prints figures and ratios; asserts nothing.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, open, rm, statfs } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { hashFile } from '../../main/verification/parallel-hasher';

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '../..');
const BIN = path.join(ROOT, 'bin', 'mwb.mjs');
const HAVE_CLI = existsSync(path.join(ROOT, 'out', 'main', 'cli.mjs'));
const GiB = 1024 ** 3;

async function time<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = performance.now();
  const value = await fn();
  return { ms: performance.now() - t0, value };
}

async function main() {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'mwb-hash-bench-'));
  try {
    const fs = await statfs(dir);
    const free = fs.bavail * fs.bsize;
    const size = free > 2 * GiB * 2 ? 2 * GiB : 1 * GiB;
    if (size < 2 * GiB) console.log(`only ${(free / GiB).toFixed(1)} GiB free in ${dir}: using a 1 GiB file instead of 2 GiB`);
    if (!HAVE_CLI) console.log('out/main/cli.mjs is missing (run `node scripts/build.mjs`): no CLI figure');
    const file = path.join(dir, 'big.bin');
    // Real data (not sparse): a 16 MiB random block written repeatedly.
    const block = randomBytes(16 * 1024 * 1024);
    const fh = await open(file, 'w');
    for (let off = 0; off < size; off += block.length) await fh.write(block, 0, Math.min(block.length, size - off), off);
    await fh.close();
    console.log(`file: ${(size / GiB).toFixed(0)} GiB, ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? '?'}), load ${os.loadavg()[0]!.toFixed(2)}`);

    // Warm the page cache equally for everyone (the file was just written; one read makes it uniform).
    await run('openssl', ['dgst', '-md5', file], { maxBuffer: 1 << 20 });

    const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
    const best = { md5: Infinity, sha256: Infinity, ours: Infinity, cli: Infinity };
    // Per round, each figure against the slower openssl run of the same round (a loaded machine moves them together).
    const ratios = { ours: [] as number[], cli: [] as number[] };
    let cliHashes: Record<string, string | undefined> = {};
    let oursHashes: Record<string, string | undefined> = {};
    let ossl: Record<string, string> = {};
    for (let i = 0; i < rounds; i++) {
      const m = await time(() => run('openssl', ['dgst', '-md5', file]));
      const s = await time(() => run('openssl', ['dgst', '-sha256', file]));
      const o = await time(() => hashFile(file, { algorithms: ['md5', 'sha256'] }));
      if (HAVE_CLI) {
        // Exit 1 is expected: a plain file with no checksum file next to it is "nothing to compare".
        const c = await time(() => run(process.execPath, [BIN, 'verify', '--json', file], { cwd: ROOT }).catch((e: { stdout: string }) => ({ stdout: e.stdout })));
        best.cli = Math.min(best.cli, c.ms);
        ratios.cli.push(c.ms / Math.max(m.ms, s.ms));
        cliHashes = (JSON.parse(c.value.stdout) as { hashes: Record<string, string> }).hashes;
        console.log(`         mwb verify (CLI process) ${(c.ms / 1000).toFixed(2)} s`);
      }
      best.md5 = Math.min(best.md5, m.ms);
      best.sha256 = Math.min(best.sha256, s.ms);
      best.ours = Math.min(best.ours, o.ms);
      ratios.ours.push(o.ms / Math.max(m.ms, s.ms));
      oursHashes = o.value.hashes;
      ossl = { md5: m.value.stdout.trim().split('= ')[1] ?? '', sha256: s.value.stdout.trim().split('= ')[1] ?? '' };
      console.log(`round ${i + 1}: openssl md5 ${(m.ms / 1000).toFixed(2)} s, openssl sha256 ${(s.ms / 1000).toFixed(2)} s, one-read md5+sha256 ${(o.ms / 1000).toFixed(2)} s`);
    }
    const agree = oursHashes.md5 === ossl.md5 && oursHashes.sha256 === ossl.sha256;
    const cliAgree = cliHashes.md5 === ossl.md5 && cliHashes.sha256 === ossl.sha256 && Object.keys(cliHashes).length === 2;
    const slower = Math.max(best.md5, best.sha256);
    const mbs = (ms: number) => `${(size / 2 ** 20 / (ms / 1000)).toFixed(0)} MiB/s`;
    console.log(`best of ${rounds}:`);
    console.log(`  openssl dgst -md5      ${(best.md5 / 1000).toFixed(2)} s  ${mbs(best.md5)}`);
    console.log(`  openssl dgst -sha256   ${(best.sha256 / 1000).toFixed(2)} s  ${mbs(best.sha256)}`);
    console.log(`  one read, md5+sha256   ${(best.ours / 1000).toFixed(2)} s  ${mbs(best.ours)}  (digests agree with openssl: ${agree})`);
    console.log(`  in-process ratio vs slower openssl run: ${(best.ours / slower).toFixed(3)}×`);
    if (HAVE_CLI) {
      console.log(`  mwb verify FILE (CLI)  ${(best.cli / 1000).toFixed(2)} s  ${mbs(best.cli)}  (MD5+SHA-256 only, agree with openssl: ${cliAgree})`);
      console.log(`  CLI ratio vs slower openssl run: ${(best.cli / slower).toFixed(3)}× (target ≤ 1.10×)`);
    }
    console.log(`  ratio vs openssl md5 + sha256 back to back: ${(best.ours / (best.md5 + best.sha256)).toFixed(3)}×`);
    const spread = (a: number[]) => {
      const sorted = [...a].sort((x, y) => x - y);
      return `median ${sorted[Math.floor(sorted.length / 2)]!.toFixed(3)}× (${sorted[0]!.toFixed(3)}–${sorted[sorted.length - 1]!.toFixed(3)}×)`;
    };
    console.log(`per round, against that round's slower openssl run (${rounds} rounds, load now ${os.loadavg()[0]!.toFixed(2)}):`);
    console.log(`  in-process ${spread(ratios.ours)}`);
    if (ratios.cli.length) console.log(`  mwb verify (CLI) ${spread(ratios.cli)}  [target ≤ 1.10×]`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
