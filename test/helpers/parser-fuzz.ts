import fc from 'fast-check';
import { expect, it } from 'vitest';
import { isWorkbenchError } from '../../main/common/model/errors';
import { MAX_ENTRIES } from '../../main/discovery/ssh/parse-common';

/**
 * Text for a parser fuzz: arbitrary strings, any `extra` arbitraries (e.g. `fc.json()`), and realistic output (one of
 * `seeds`) mutated: a slice of up to 200 characters replaced by up to 40 arbitrary ones.
 */
export function mutatedText(seeds: readonly string[], ...extra: fc.Arbitrary<string>[]): fc.Arbitrary<string> {
  return fc.oneof(
    fc.string({ maxLength: 2000 }),
    ...extra,
    fc.tuple(fc.constantFrom(...seeds), fc.nat(), fc.nat(), fc.string({ maxLength: 40 })).map(([s, a, b, ins]) => {
      const i = a % (s.length + 1);
      const j = Math.min(s.length, i + (b % 200));
      return s.slice(0, i) + ins + s.slice(j);
    }),
  );
}

/**
 * One test per named parser (call it inside a `describe`): on every `input`, the parser returns at most MAX_ENTRIES
 * entries (when it returns an array) and less than 4 MiB of JSON, or throws the typed `ssh-output-unreadable` error;
 * any other throw fails the test.
 */
export function fuzzParsers(parsers: readonly [string, (s: string) => unknown][], input: fc.Arbitrary<string>, numRuns: number): void {
  for (const [name, parse] of parsers) {
    it(name, () => {
      fc.assert(
        fc.property(input, (s) => {
          try {
            const r = parse(s);
            if (Array.isArray(r)) expect(r.length).toBeLessThanOrEqual(MAX_ENTRIES);
            expect(JSON.stringify(r ?? null).length).toBeLessThan(4 * 1024 * 1024);
          } catch (e) {
            if (!isWorkbenchError(e, 'ssh-output-unreadable')) throw e;
          }
        }),
        { numRuns },
      );
    });
  }
}
