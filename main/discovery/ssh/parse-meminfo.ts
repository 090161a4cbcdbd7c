import { lines, unreadable } from './parse-common';

/** `/proc/meminfo`: every `Key: N kB` line, in KiB (at most 512 keys). */
export function parseMeminfo(out: string): Map<string, number> {
  const m = new Map<string, number>();
  for (const l of lines(out, 512)) {
    const r = /^([A-Za-z0-9_()]+):\s+(\d+)(?:\s+kB)?\s*$/.exec(l);
    if (r) m.set(r[1]!, Number(r[2]));
  }
  return m;
}

/** Total memory in MiB from `/proc/meminfo`. */
export function memoryMiB(out: string): number {
  const total = parseMeminfo(out).get('MemTotal');
  if (total === undefined || !Number.isFinite(total) || total <= 0) throw unreadable('/proc/meminfo', 'no MemTotal');
  return Math.round(total / 1024);
}
