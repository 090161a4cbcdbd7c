// Benchmark: Authenticode check of a big Windows Installer package (wixl-built, osslsigncode-signed) against
// `osslsigncode verify` on the same file, and against `openssl dgst -sha256` of the file as the pure-hashing floor.
// Figures and ratios only; asserts nothing. Size: MWB_BENCH_MSI_MB (default 256 MiB of incompressible payload).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { randomBytes } from 'node:crypto';
import { mkdtemp, open, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { msiVerifier } from '../../main/verification/msi.verifier';
import { loadTrust } from '../../main/verification/trust';
import { issue, writePki } from '../helpers/test-pki';
import { AGENT_WXS, osslSign } from '../helpers/msi-fixtures';
import { writeFile } from 'node:fs/promises';

const run = promisify(execFile);
const MiB = 2 ** 20;

async function time<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = performance.now();
  const value = await fn();
  return { ms: performance.now() - t0, value };
}

async function main() {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'mwb-msi-bench-'));
  try {
    const mb = Number(process.env.MWB_BENCH_MSI_MB ?? 256);
    const payload = path.join(dir, 'agent.conf');
    const block = randomBytes(16 * MiB);
    const fh = await open(payload, 'w');
    for (let off = 0; off < mb * MiB; off += block.length) await fh.write(block, 0, Math.min(block.length, mb * MiB - off), off);
    await fh.close();
    await writeFile(path.join(dir, 'agent.wxs'), AGENT_WXS);
    await run('wixl', ['-o', path.join(dir, 'big.msi'), path.join(dir, 'agent.wxs')], { cwd: dir, timeout: 600_000 });
    const root = await issue('Bench Root', 'root', new Date('2019-01-01Z'), new Date('2049-01-01Z'));
    const rootFiles = await writePki(dir, 'root', root);
    const leaf = await writePki(dir, 'leaf', await issue('Bench Publisher', 'codeSigning', new Date('2024-01-01Z'), new Date('2044-01-01Z'), root));
    const file = path.join(dir, 'signed.msi');
    await osslSign(path.join(dir, 'big.msi'), file, leaf);
    const size = (await stat(file)).size;
    const trust = await loadTrust({ trust: [rootFiles.cert] });
    console.log(`package: ${(size / MiB).toFixed(0)} MiB, ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? '?'}), load ${os.loadavg()[0]!.toFixed(2)}`);
    await run('openssl', ['dgst', '-sha256', file]); // warm the page cache for everyone

    const best = { ours: Infinity, ossl: Infinity, dgst: Infinity };
    let verdict = '';
    let osslOk = false;
    for (let i = 0; i < 3; i++) {
      const o = await time(() => msiVerifier.verify({ file, size, trust }));
      const v = await time(() => run('osslsigncode', ['verify', '-in', file, '-CAfile', rootFiles.cert, '-ignore-cdp'], { maxBuffer: 1 << 24 }).then(() => true, () => false));
      const d = await time(() => run('openssl', ['dgst', '-sha256', file]));
      best.ours = Math.min(best.ours, o.ms);
      best.ossl = Math.min(best.ossl, v.ms);
      best.dgst = Math.min(best.dgst, d.ms);
      verdict = o.value.reasons.length ? o.value.reasons.join(',') : 'no problems';
      osslOk = v.value;
      console.log(`round ${i + 1}: ours ${(o.ms / 1000).toFixed(2)} s, osslsigncode verify ${(v.ms / 1000).toFixed(2)} s, openssl dgst -sha256 ${(d.ms / 1000).toFixed(2)} s`);
    }
    console.log(`best of 3 (ours: ${verdict}; osslsigncode: ${osslOk ? 'ok' : 'fail'}):`);
    console.log(`  ours (cfb parse + SIP digest + PKCS#7)   ${(best.ours / 1000).toFixed(2)} s`);
    console.log(`  osslsigncode verify                      ${(best.ossl / 1000).toFixed(2)} s   ours/osslsigncode = ${(best.ours / best.ossl).toFixed(2)}`);
    console.log(`  openssl dgst -sha256 (hashing floor)     ${(best.dgst / 1000).toFixed(2)} s   ours/openssl = ${(best.ours / best.dgst).toFixed(2)}`);
    console.log(`  peak RSS ${(process.memoryUsage().rss / MiB).toFixed(0)} MiB (the package is read whole)`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
