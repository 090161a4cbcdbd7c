import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { firstSignature, parsePeLayout, PeFormatError } from '../../../../main/verification/pe-image';
import { tinyPe } from '../../../helpers/tiny-pe';

describe('PE layout', () => {
  it('finds CheckSum and the security directory of a PE32 image', () => {
    const l = parsePeLayout(tinyPe(), 0x400);
    expect(l).toMatchObject({ pe32plus: false, checksumOffset: 0x58 + 64, securityEntryOffset: 0x58 + 96 + 32, certTable: null, sizeOfHeaders: 0x200 });
  });

  it('mutated headers give PeFormatError or a layout inside the file, never a crash (fuzz)', () => {
    const seed = tinyPe();
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(0x3ff), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 12 }), fc.nat(0x2000), (flips, size) => {
        const b = Buffer.from(seed);
        for (const [pos, v] of flips) b[pos] = v;
        try {
          const l = parsePeLayout(b, size);
          if (l.certTable) expect(l.certTable.offset + l.certTable.size).toBeLessThanOrEqual(size);
          if (l.certTable) {
            try {
              firstSignature(Buffer.alloc(Math.min(l.certTable.size, 64)));
            } catch (err) {
              expect(err).toBeInstanceOf(PeFormatError);
            }
          }
        } catch (err) {
          expect(err).toBeInstanceOf(PeFormatError);
        }
      }),
      { numRuns: 3000 },
    );
  });
});
