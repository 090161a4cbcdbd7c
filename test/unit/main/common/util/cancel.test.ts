import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isWorkbenchError } from '../../../../../main/common/model/errors';
import { cancelledError, throwIfAborted } from '../../../../../main/common/util/cancel';

describe('the one cancellation helper', () => {
  it('throws the typed cancelled error with the caller’s message once the signal is aborted', () => {
    const c = new AbortController();
    expect(() => throwIfAborted(c.signal, 'Import cancelled.')).not.toThrow();
    expect(() => throwIfAborted(undefined)).not.toThrow();
    c.abort();
    let err: unknown;
    try {
      throwIfAborted(c.signal, 'Import cancelled.');
    } catch (e) {
      err = e;
    }
    expect(isWorkbenchError(err, 'cancelled')).toBe(true);
    expect((err as Error).message).toBe('Import cancelled.');
    expect(cancelledError().message).toBe('Cancelled.');
  });

  it('is the only place in main/ that builds a cancelled error from an aborted signal', () => {
    const root = path.resolve(__dirname, '../../../../../main');
    const offenders: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const p = path.join(dir, name);
        if (statSync(p).isDirectory()) walk(p);
        else if (/\.tsx?$/.test(name) && !p.endsWith(path.join('common', 'util', 'cancel.ts'))) {
          const text = readFileSync(p, 'utf8');
          // A signal test followed by a hand-built error on the same line is a copy of the helper. Re-throwing the
          // error that an abort caused (`if (signal.aborted) throw e;` in a catch) is not: it builds nothing.
          if (/\.aborted\)\s*throw\s+(new\b|[A-Za-z_$][\w$]*\()/.test(text)) offenders.push(path.relative(root, p));
        }
      }
    };
    walk(root);
    expect(offenders).toEqual([]);
  });
});
