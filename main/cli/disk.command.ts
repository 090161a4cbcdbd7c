import type { Command } from 'commander';
import { Presets, SingleBar } from 'cli-progress';
import { EXIT } from './context';
import { DiskImageError, DiskImageService, type DiskImageSummary } from '../services/disk-image.service';
import type { DiskImageFormat } from '../replication/disk-image/types';

const FORMATS: readonly DiskImageFormat[] = ['raw', 'vmdk', 'vhd', 'vhdx', 'qcow2', 'ova'];
const FORMAT_LABEL: Record<DiskImageFormat, string> = { raw: 'Raw', vmdk: 'VMDK', vhd: 'VHD', vhdx: 'VHDX', qcow2: 'qcow2', ova: 'OVA (VMDK inside)' };

interface DiskCliOptions {
  format?: string;
  disk?: string;
  hash?: boolean;
  json?: boolean;
}

const gib = (n: number) => `${(n / 2 ** 30).toFixed(2)} GiB (${n} bytes)`;

function human(s: DiskImageSummary, file: string): string {
  const lines = [`${file}`];
  s.chain.forEach((l, i) => lines.push(`  ${i === 0 ? 'image  ' : 'backing'} ${FORMAT_LABEL[l.format]}${l.variant ? ` ${l.variant}` : ''}  ${l.path}`));
  lines.push(`  size      ${gib(s.size)}`);
  lines.push(`  allocated ${gib(s.allocatedBytes)} (${s.size ? ((100 * s.allocatedBytes) / s.size).toFixed(1) : '0.0'} %)`);
  if (s.hash) {
    lines.push(`  sha256    ${s.hash.sha256}`);
    lines.push(`  blocks    ${s.hash.dataBlocks} of ${s.hash.blocks} blocks of ${s.hash.blockSize / 1024} KiB hold data`);
  }
  return lines.join('\n');
}

/** `mwb disk FILE`: what the replication engine will see in a disk image. Exit 1 for an unreadable image, 2 for usage (options in commands.ts). */
export async function diskAction(file: string, o: DiskCliOptions, cmd: Command): Promise<void> {
  if (o.format !== undefined && !FORMATS.includes(o.format as DiskImageFormat)) {
    cmd.error(`mwb disk: unknown format "${o.format}" (use ${FORMATS.join(', ')})`, { exitCode: EXIT.usage, code: 'mwb.usage' });
  }
  const ac = new AbortController();
  const onSigint = () => ac.abort();
  process.once('SIGINT', onSigint);
  const bar = new SingleBar({ format: 'reading [{bar}] {percentage}% | {value}/{total} MiB', stream: process.stderr, hideCursor: true, clearOnComplete: true }, Presets.shades_classic);
  const showProgress = !!o.hash && !o.json && process.stderr.isTTY;
  let started = false;
  try {
    const summary = await new DiskImageService().inspect({
      path: file,
      ...(o.format ? { format: o.format as DiskImageFormat } : {}),
      ...(o.disk !== undefined ? { disk: o.disk } : {}),
      hash: !!o.hash,
      signal: ac.signal,
      ...(showProgress
        ? {
            onProgress: (done: number, total: number) => {
              if (!started) bar.start(Math.round(total / 2 ** 20), 0);
              started = true;
              bar.update(Math.round(done / 2 ** 20));
            },
          }
        : {}),
    });
    if (started) bar.stop();
    process.stdout.write((o.json ? JSON.stringify(summary) : human(summary, file)) + '\n');
    process.exitCode = EXIT.ok;
  } catch (err) {
    if (started) bar.stop();
    if (!(err instanceof DiskImageError)) throw err;
    if (err.code === 'not-found') cmd.error(`mwb disk: ${file}: ${err.message}`, { exitCode: EXIT.usage, code: 'mwb.usage' });
    if (o.json) process.stdout.write(JSON.stringify({ file, error: err.code, message: err.message }) + '\n');
    else process.stderr.write(`mwb disk: ${file}: ${err.message} (${err.code})\n`);
    process.exitCode = EXIT.failed;
  } finally {
    process.off('SIGINT', onSigint);
  }
}
