import { lines, MAX_ENTRIES } from './parse-common';

export interface RunningService {
  unit: string;
  description?: string;
}

/**
 * `systemctl list-units --type=service --state=running --no-legend --plain`: UNIT LOAD ACTIVE SUB DESCRIPTION.
 * Older systemd prints a bullet (●) before failed units even with --plain; it is skipped.
 */
export function parseSystemctl(out: string): RunningService[] {
  const res: RunningService[] = [];
  for (const l of lines(out)) {
    const parts = l.replace(/^[\s●*]+/, '').split(/\s+/);
    const unit = parts[0];
    if (!unit || !/^[\w@.:\\-]+\.service$/.test(unit) || parts.length < 4) continue;
    const s: RunningService = { unit: unit.slice(0, 256) };
    const desc = parts.slice(4).join(' ').trim();
    if (desc) s.description = desc.slice(0, 256);
    res.push(s);
    if (res.length >= MAX_ENTRIES) break;
  }
  return res;
}
