import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeScript, parseScript, sniffEncoding } from '../../../../main/verification/powershell-script';
import { verifyAuthenticode } from '../../../../main/verification/authenticode';
import { createHash } from 'node:crypto';

const block = (b64: string[]) => `\r\n# SIG # Begin signature block\r\n${b64.map((l) => `# ${l}\r\n`).join('')}# SIG # End signature block\r\n`;
const body = 'Write-Host "hi"\r\n';

describe('PowerShell signature block', () => {
  it('hashes the UTF-16LE text before the CRLF preceding the block, BOM kept', () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(body + 'x' + block(['MIIB']))]);
    const p = parseScript(bytes);
    expect(p.encoding).toBe('utf-8-bom');
    expect(p.block.kind).toBe('signed');
    if (p.block.kind === 'signed') expect(p.block.content.toString('utf16le')).toBe('\uFEFF' + body + 'x');
  });

  it('tells unsigned, LF-only, truncated, trailing data and bad base64 apart', () => {
    expect(parseScript(Buffer.from(body)).block.kind).toBe('unsigned');
    expect(parseScript(Buffer.from(body + block(['MIIB']).replace(/\r\n/g, '\n'))).block.kind).toBe('malformed');
    expect(parseScript(Buffer.from(body + '\r\n# SIG # Begin signature block\r\n# MIIB\r\n')).block.kind).toBe('malformed');
    expect(parseScript(Buffer.from(body + block(['MIIB']) + 'Write-Host evil\r\n')).block.kind).toBe('trailing-data');
    expect(parseScript(Buffer.from(body + block(['MI!B']))).block.kind).toBe('bad-base64');
  });

  it('decodes BOM-less files as Windows does: UTF-8 only when the first 32 bytes prove it', () => {
    expect(sniffEncoding(Buffer.from('# café'))).toBe('utf-8');
    const late = Buffer.from('# '.padEnd(40, 'x') + ' Grüße');
    expect(sniffEncoding(late)).toBe('windows-1252');
    expect(decodeScript(Buffer.from([0x80, 0x9f, 0xe9]), 'windows-1252')).toBe('€Ÿé');
    expect(sniffEncoding(Buffer.from([0xfe, 0xff, 0, 0x41]))).toBe('utf-16be');
    expect(decodeScript(Buffer.from([0xfe, 0xff, 0, 0x41]), 'utf-16be')).toBe('\uFEFFA');
  });
});

describe('signature block and PKCS#7 parsing under fuzzing', () => {
  const seed = Buffer.from(body + block(['MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA', 'u1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt', 'ZZ==']));
  it('parser: typed outcome for any mutation, bounded time', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(seed.length), fc.integer({ min: 0, max: 255 }))), fc.uint8Array({ maxLength: 300 }), (flips, prefix) => {
        const b = Buffer.concat([Buffer.from(prefix), seed]);
        for (const [pos, v] of flips) b[pos % b.length] = v;
        const t0 = performance.now();
        const p = parseScript(b);
        expect(['unsigned', 'malformed', 'bad-base64', 'trailing-data', 'signed']).toContain(p.block.kind);
        expect(performance.now() - t0).toBeLessThan(200);
      }),
      { numRuns: 400 },
    );
  });

  it('Authenticode on random and mutated DER: reasons, never an exception', async () => {
    const trust = { anchors: [], crls: [], publishers: [] };
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 600 }), async (der) => {
        const r = await verifyAuthenticode({ der, contentDigest: (a) => createHash(a).update('x').digest(), subjectType: null, trust });
        expect(r.reasons.length).toBeGreaterThan(0);
      }),
      { numRuns: 300 },
    );
  });
});
