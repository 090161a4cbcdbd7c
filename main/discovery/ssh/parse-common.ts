import { WorkbenchError } from '../../common/model/errors';

/**
 * Shared limits of the SSH output parsers: every parser is pure (text in, facts out), throws only the typed
 * `ssh-output-unreadable` error, and bounds what it returns whatever the host sends.
 */

/** Most entries a parser returns in one list (disks, addresses, sockets, services). */
export const MAX_ENTRIES = 4096;
/** Longest text value kept (names, models, descriptions). */
export const MAX_TEXT = 256;
/** Most output read from one remote command. */
export const MAX_OUTPUT_BYTES = 8 * 1024 * 1024;

export function unreadable(what: string, why: string): WorkbenchError {
  return new WorkbenchError('ssh-output-unreadable', `The host's ${what} output could not be read (${why.slice(0, 120)}).`);
}

/** Trims and caps a text value; undefined when empty. */
export function text(v: unknown): string | undefined {
  if (typeof v !== 'string') return undefined;
  const t = v.trim();
  return t ? t.slice(0, MAX_TEXT) : undefined;
}

/** Non-empty lines, at most `max`. */
export function lines(out: string, max = MAX_ENTRIES * 4): string[] {
  const all = out.split(/\r?\n/);
  const res: string[] = [];
  for (const l of all) {
    if (l.trim()) res.push(l);
    if (res.length >= max) break;
  }
  return res;
}

/** A finite, non-negative number or undefined. */
export function count(v: unknown): number | undefined {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}
