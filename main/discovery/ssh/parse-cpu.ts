import { count, lines, text, unreadable } from './parse-common';

export interface CpuInfo {
  vcpus: number;
  sockets?: number;
  coresPerSocket?: number;
  model?: string;
}

/** `/proc/cpuinfo` (x86 and arm64 layouts): logical processors, sockets (`physical id`), cores per socket, model. */
export function parseCpuinfo(out: string): CpuInfo {
  let vcpus = 0;
  const sockets = new Set<string>();
  let cores: number | undefined;
  let model: string | undefined;
  for (const l of lines(out, 1_000_000)) {
    const i = l.indexOf(':');
    if (i < 0) continue;
    const key = l.slice(0, i).trim().toLowerCase();
    const val = l.slice(i + 1).trim();
    if (key === 'processor' && /^\d+$/.test(val)) vcpus++;
    else if (key === 'physical id' && sockets.size < 4096) sockets.add(val);
    else if (key === 'cpu cores') cores ??= count(val);
    else if ((key === 'model name' || key === 'hardware' || key === 'cpu model') && !model) model = text(val);
  }
  if (vcpus === 0) throw unreadable('/proc/cpuinfo', 'no processor entries');
  const r: CpuInfo = { vcpus };
  if (sockets.size > 0) r.sockets = sockets.size;
  if (cores && Number.isInteger(cores) && cores > 0) r.coresPerSocket = cores;
  if (model) r.model = model;
  return r;
}

/** `nproc`: the processors available. */
export function parseNproc(out: string): number {
  const n = Number(out.trim());
  if (!Number.isInteger(n) || n <= 0 || n > 1_000_000) throw unreadable('nproc', 'not a positive whole number');
  return n;
}
