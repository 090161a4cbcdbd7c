import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createFrameSplitter, frameData } from '../../../../renderer/ipc/sse-frames';

/** What the stream means: frames separated by blank lines (the simple, quadratic way, as a reference). */
function naive(stream: string): string[] {
  const out: string[] = [];
  let buffer = stream;
  let idx;
  while ((idx = buffer.indexOf('\n\n')) >= 0) {
    out.push(buffer.slice(0, idx));
    buffer = buffer.slice(idx + 2);
  }
  return out;
}

describe('server-sent event frames', () => {
  it('splits any chunking of a stream into the same frames as the whole text', () => {
    const line = fc.string({ unit: fc.constantFrom('a', 'b', ':', ' ', '{', '"', 'é'), maxLength: 12 });
    const frame = fc.array(line, { minLength: 1, maxLength: 4 }).map((ls) => ls.join('\n'));
    fc.assert(
      fc.property(fc.array(frame, { maxLength: 8 }), fc.array(fc.nat(200), { maxLength: 12 }), (frames, cuts) => {
        const stream = frames.map((f) => `${f}\n\n`).join('');
        const points = [...new Set(cuts.map((c) => c % (stream.length + 1)))].sort((a, b) => a - b);
        const got: string[] = [];
        const push = createFrameSplitter((f) => got.push(f));
        let from = 0;
        for (const p of [...points, stream.length]) {
          if (p > from) push(stream.slice(from, p));
          from = Math.max(from, p);
        }
        expect(got).toEqual(naive(stream));
      }),
      { numRuns: 500 },
    );
  });

  it('reads the data lines of a frame and skips comments', () => {
    expect(frameData('event: message\ndata: {"a":1}')).toBe('{"a":1}');
    expect(frameData(': ping')).toBeNull();
  });

  it('takes a multi-megabyte event in small chunks', () => {
    const payload = JSON.stringify({ event: 'project.changed', payload: { servers: Array.from({ length: 20_000 }, (_, i) => ({ id: `srv-${i}`, name: 'x'.repeat(200) })) } });
    const stream = `: connected\n\nevent: message\ndata: ${payload}\n\n`;
    const got: string[] = [];
    const push = createFrameSplitter((f) => got.push(f));
    for (let i = 0; i < stream.length; i += 16_384) push(stream.slice(i, i + 16_384));
    expect(got).toHaveLength(2);
    expect(JSON.parse(frameData(got[1]!)!)).toEqual(JSON.parse(payload));
  });
});
