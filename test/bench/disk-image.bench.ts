// Benchmark: read + hash (whole-image SHA-256 and the per-512-KiB-block manifest) of a disk image in raw, qcow2 and
// VMDK (monolithicSparse), half of its 512 KiB blocks holding data, against `openssl dgst -sha256` over the raw file
// and `qemu-img convert -O raw` of each image, timed as CLI processes in the same run. Target: ≥ 0.5 × openssl on
// raw. MWB_BENCH_DISK_MB sets the size (default 1024). Images are made with qemu-img in a temp dir and deleted.
import { execFile } from 'node:child_process';
import { setInterval, clearInterval } from 'node:timers';
import { randomBytes } from 'node:crypto';
import { mkdtemp, open, rm, statfs } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { hashDiskImage, openDiskImage } from '../../main/replication/disk-image';

const run = promisify(execFile);
const MiB = 1024 * 1024;
const BLOCK = 512 * 1024;

async function time<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = performance.now();
  const value = await fn();
  return { ms: performance.now() - t0, value };
}

async function main() {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'mwb-disk-bench-'));
  try {
    let mb = Number(process.env.MWB_BENCH_DISK_MB ?? 1024);
    const fs = await statfs(dir);
    const free = (fs.bavail * fs.bsize) / MiB;
    if (free < mb * 4) {
      mb = Math.max(64, Math.floor(free / 5));
      console.log(`only ${free.toFixed(0)} MiB free in ${dir}: using ${mb} MiB`);
    }
    const size = mb * MiB;
    const raw = path.join(dir, 'disk.raw');
    // Every other 512 KiB block holds incompressible data; the rest is a hole.
    const noise = randomBytes(16 * MiB);
    const fh = await open(raw, 'w');
    for (let off = 0, i = 0; off < size; off += BLOCK, i++) {
      if (i % 2 === 0) await fh.write(noise, (i * BLOCK) % noise.length, BLOCK, off);
    }
    await fh.truncate(size);
    await fh.close();
    const images = [
      { name: 'raw', file: raw, qemu: 'raw' },
      { name: 'qcow2', file: path.join(dir, 'disk.qcow2'), qemu: 'qcow2' },
      { name: 'vmdk', file: path.join(dir, 'disk.vmdk'), qemu: 'vmdk' },
    ];
    await run('qemu-img', ['convert', '-f', 'raw', '-O', 'qcow2', raw, images[1]!.file]);
    await run('qemu-img', ['convert', '-f', 'raw', '-O', 'vmdk', '-o', 'subformat=monolithicSparse', raw, images[2]!.file]);
    console.log(`image: ${mb} MiB logical, 50 % of 512 KiB blocks with data; ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? '?'}), load ${os.loadavg()[0]!.toFixed(2)}`);
    await run('openssl', ['dgst', '-sha256', raw]); // warm the page cache

    const rounds = 3;
    const best: Record<string, number> = {};
    const keep = (k: string, ms: number) => (best[k] = Math.min(best[k] ?? Infinity, ms));
    let reference = '';
    const digests: Record<string, string> = {};
    const growth: Record<string, number> = {};
    for (let r = 0; r < rounds; r++) {
      const o = await time(() => run('openssl', ['dgst', '-sha256', raw]));
      keep('openssl', o.ms);
      reference = o.value.stdout.trim().split('= ')[1] ?? '';
      const line = [`round ${r + 1}: openssl ${(o.ms / 1000).toFixed(2)} s`];
      for (const img of images) {
        const out = path.join(dir, 'convert.raw');
        const q = await time(() => run('qemu-img', ['convert', '-f', img.qemu, '-O', 'raw', img.file, out]));
        await rm(out, { force: true });
        keep(`qemu-${img.name}`, q.ms);
        const rssBase = process.memoryUsage().rss;
        let rssPeak = rssBase;
        const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage().rss)), 20);
        const ours = await time(async () => {
          const image = await openDiskImage(img.file);
          try {
            return await hashDiskImage(image);
          } finally {
            await image.close();
            clearInterval(sampler);
          }
        });
        growth[img.name] = Math.max(growth[img.name] ?? 0, rssPeak - rssBase);
        keep(img.name, ours.ms);
        digests[img.name] = ours.value.sha256;
        line.push(`${img.name} ours ${(ours.ms / 1000).toFixed(2)} s / qemu-img convert ${(q.ms / 1000).toFixed(2)} s`);
      }
      console.log(line.join(', '));
    }
    const mbs = (ms: number) => `${(size / MiB / (ms / 1000)).toFixed(0)} MiB/s`;
    console.log(`best of ${rounds}:`);
    console.log(`  openssl dgst -sha256 (raw file)   ${(best.openssl! / 1000).toFixed(2)} s  ${mbs(best.openssl!)}`);
    for (const img of images) {
      const ours = best[img.name]!;
      const q = best[`qemu-${img.name}`]!;
      console.log(
        `  ${img.name.padEnd(6)} read+hash+manifest ${(ours / 1000).toFixed(2)} s  ${mbs(ours)}  ratio vs openssl ${(best.openssl! / ours).toFixed(2)}×, vs qemu-img convert -O raw ${(q / ours).toFixed(2)}× (qemu ${mbs(q)})  digest agrees with openssl: ${digests[img.name] === reference}, RSS growth ≤ ${(growth[img.name]! / MiB).toFixed(0)} MiB`,
      );
    }
    console.log(`target: raw ≥ 0.5× openssl → ${best.openssl! / best.raw! >= 0.5 ? 'met' : 'NOT met'}`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
