import { execFile } from 'node:child_process';

/**
 * Where a file holds data, as the file system says (Linux's `lseek` with SEEK_DATA / SEEK_HOLE, what `qemu-img map`
 * and `cp --sparse` use): the byte ranges `[start, end)` that are not holes, ascending. A raw disk image made by
 * qemu-img, libvirt or `truncate` is usually sparse, and what lies in its holes reads as zeros, so a reader need not
 * read it.
 *
 * Node has no SEEK_DATA, so a tiny fixed Perl program asks (perl-base is part of every Debian and Ubuntu system):
 * `execFile` with the path as an argument, no shell. Any doubt means `undefined`, and the caller reads the whole file
 * (as before): not Linux, no perl, a timeout, an `lseek` error other than "no data past this point" (ENXIO), a file
 * of another size than the caller opened (it changed), more than `maxRanges` ranges, or output that does not parse
 * as ascending, non-overlapping ranges inside the file. A file system without SEEK_DATA support answers as if the
 * whole file were data (the kernel's generic behaviour), which is safe.
 */
export type DataRanges = ReadonlyArray<readonly [number, number]>;

export interface DataRangesOptions {
  /** The Perl interpreter (tests name a missing one). */
  readonly command?: string;
  readonly timeoutMs?: number;
  /** More ranges than this (a badly fragmented file) → `undefined`: the caller reads the whole file. */
  readonly maxRanges?: number;
}

// SEEK_DATA is 3 and SEEK_HOLE 4 on Linux. Exit codes: 3 cannot open, 5 SEEK_DATA failed other than with ENXIO,
// 6 SEEK_HOLE failed. The size is printed first so the caller can tell that it mapped the file it opened.
const SCRIPT = [
  'use strict; use Fcntl;',
  'sysopen(my $f, $ARGV[0], O_RDONLY) or exit 3;',
  'my $size = -s $f; print "$size\\n"; my $pos = 0;',
  'while ($pos < $size) {',
  '  my $d = sysseek($f, $pos, 3); unless (defined $d) { exit($!{ENXIO} ? 0 : 5) }',
  '  my $h = sysseek($f, $d, 4); defined $h or exit 6;',
  // sysseek answers "0 but true" for offset 0: printed as numbers.
  '  printf "%d %d\\n", $d, $h; $pos = $h;',
  '}',
].join('\n');

export function fileDataRanges(file: string, size: number, opts: DataRangesOptions = {}): Promise<DataRanges | undefined> {
  if (process.platform !== 'linux') return Promise.resolve(undefined);
  const maxRanges = opts.maxRanges ?? 1_000_000;
  return new Promise((resolve) => {
    execFile(
      opts.command ?? 'perl',
      ['-e', SCRIPT, '--', file],
      // A line is at most two 16-digit numbers; a larger output is a file with more ranges than we take.
      { timeout: opts.timeoutMs ?? 30_000, maxBuffer: 40 * (maxRanges + 1), encoding: 'utf8', windowsHide: true },
      (err, stdout) => resolve(err ? undefined : parseRanges(stdout, size, maxRanges)),
    );
  });
}

/** The helper's output, or `undefined` when it is not exactly what the program prints for a file of `size` bytes. */
export function parseRanges(out: string, size: number, maxRanges = 1_000_000): DataRanges | undefined {
  const lines = out.split('\n');
  if (lines.pop() !== '' || Number(lines[0]) !== size || !/^\d+$/.test(lines[0] ?? '')) return undefined;
  if (lines.length - 1 > maxRanges) return undefined;
  const ranges: Array<readonly [number, number]> = [];
  let last = 0;
  for (const line of lines.slice(1)) {
    const m = /^(\d+) (\d+)$/.exec(line);
    if (!m) return undefined;
    const start = Number(m[1]);
    const end = Number(m[2]);
    if (!Number.isSafeInteger(end) || start < last || start >= end || end > size) return undefined;
    ranges.push([start, end]);
    last = end;
  }
  return ranges;
}
