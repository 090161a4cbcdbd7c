import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { applyPatch, diffDocuments } from '../../../../../main/common/model/document-patch';
import { applyEdit } from '../../../../../main/common/model/edits';
import { docWithServers } from '../../../../helpers/plan-fixtures';

const copy = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;

function deepFreeze<T>(x: T): T {
  if (typeof x === 'object' && x !== null && !Object.isFrozen(x)) {
    Object.freeze(x);
    for (const v of Object.values(x)) deepFreeze(v);
  }
  return x;
}

describe('document patch', () => {
  it('turns any JSON value into any other, without touching the original', () => {
    const json = fc.jsonValue({ maxDepth: 4 });
    fc.assert(
      fc.property(json, json, (a, b) => {
        const from = deepFreeze(copy(a));
        const ops = diffDocuments(from, b)!;
        const to = applyPatch(from, copy(ops));
        expect(to).toEqual(copy(b));
        expect(from).toEqual(copy(a));
      }),
      { numRuns: 300 },
    );
  });

  it('sends only what changed between two versions of a document', () => {
    const before = docWithServers(2000);
    const after = applyEdit(before, { type: 'launchSettings.set', serverIds: ['s7'], patch: { instanceType: 'm5.large' } });
    const ops = diffDocuments(before, after)!;
    expect(ops).toEqual([{ path: ['planning', 'launchSettings', 's7'], value: { securityGroupIds: [], testSecurityGroupIds: [], tags: {}, instanceType: 'm5.large' } }]);
    const patched = applyPatch(copy(before), copy(ops));
    expect(patched).toEqual(copy(after));
    // The other way round is an undo: a key removed.
    expect(diffDocuments(after, before)).toEqual([{ path: ['planning', 'launchSettings', 's7'], delete: true }]);
  });

  it('keeps names like __proto__ as plain keys', () => {
    const from = { tags: {} as Record<string, string> };
    const to = JSON.parse('{"tags":{"__proto__":"x","a":"b"}}') as typeof from;
    const patched = applyPatch(from, copy(diffDocuments(from, to)!));
    expect(Object.keys(patched.tags)).toEqual(['__proto__', 'a']);
    expect(Object.getPrototypeOf(patched.tags)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });

  it('gives up (null) past the op limit, so the renderer reloads instead', () => {
    const a = { xs: Array.from({ length: 10 }, (_, i) => ({ v: i })) };
    const b = { xs: a.xs.map((x) => ({ v: x.v + 1 })) };
    expect(diffDocuments(a, b, 5)).toBeNull();
    expect(diffDocuments(a, b, 10)).toHaveLength(10);
  });
});
