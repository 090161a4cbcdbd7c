import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeSidecarBytes, evaluateSidecar, parseSidecar, SidecarParseError } from '../../../../../main/common/verify/sidecar';

const md5 = '0123456789abcdef0123456789abcdef';
const sha = 'a'.repeat(60) + 'bcde';
const hashes = { md5, sha256: sha };
const F = 'setup.ps1';
const enc = (s: string) => new Uint8Array(Buffer.from(s, 'utf8'));
const utf16 = (s: string) => new Uint8Array(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(s, 'utf16le')]));
const verdict = (name: string, text: Uint8Array | string) => evaluateSidecar(name, typeof text === 'string' ? enc(text) : text, F, hashes).map((r) => r.verdict);

describe('sidecar formats', () => {
  it.each([
    ['bare hex', `${sha}\n`],
    ['bare hex, no newline', sha],
    ['coreutils text', `${sha}  ${F}\n`],
    ['coreutils binary', `${sha} *${F}\n`],
    ['BSD tag', `SHA256 (${F}) = ${sha}\n`],
    ['openssl dgst', `SHA2-256(${F})= ${sha}\n`],
    ['Get-FileHash .Hash uppercase CRLF', `${sha.toUpperCase()}\r\n`],
    ['Get-FileHash list', `\r\nAlgorithm : SHA256\r\nHash      : ${sha.toUpperCase()}\r\nPath      : C:\\Users\\me\\Downloads\\SETUP.PS1\r\n\r\n`],
    ['Get-FileHash table', `\r\nAlgorithm       Hash                                                                   Path\r\n---------       ----                                                                   ----\r\nSHA256          ${sha.toUpperCase()}       C:\\tmp\\${F}\r\n`],
    ['multi-entry list', `${'f'.repeat(64)}  other.ps1\n${sha}  ./${F}\n`],
  ])('%s matches', (_label, text) => {
    expect(verdict(`${F}.sha256`, text)).toEqual(['match']);
  });

  it('reads UTF-16LE with BOM (Out-File in Windows PowerShell 5.1) and BOM-less UTF-16', () => {
    expect(verdict(`${F}.md5`, utf16(`${md5.toUpperCase()}\r\n`))).toEqual(['match']);
    expect(decodeSidecarBytes(new Uint8Array(Buffer.from('ab\r\n', 'utf16le')))).toBe('ab\r\n');
  });

  it('says why a sidecar does not match', () => {
    const wrong = evaluateSidecar(`${F}.sha256`, enc(`${'0' + sha.slice(1)}  ${F}\n`), F, hashes)[0]!;
    expect(wrong.verdict).toBe('mismatch');
    expect(wrong.reason).toMatch(/differs/);
    const other = evaluateSidecar(`${F}.sha256`, enc(`${sha}  other.ps1\n`), F, hashes)[0]!;
    expect(other.verdict).toBe('name-mismatch');
    expect(other.reason).toMatch(/"other.ps1".*would match/);
    const long = evaluateSidecar(`${F}.md5`, enc(`${sha}\n`), F, hashes)[0]!;
    expect(long).toMatchObject({ verdict: 'malformed', algorithm: 'md5' });
    expect(long.reason).toMatch(/wrong length: 64/);
    expect(evaluateSidecar(`${F}.md5`, new Uint8Array(0), F, hashes)[0]).toMatchObject({ verdict: 'malformed', reason: 'the sidecar is empty' });
    expect(verdict(`${F}.sha256`, 'hello world\n')).toEqual(['malformed']);
    expect(evaluateSidecar('x.mf', enc(`SHA384(${F})= ${'a'.repeat(96)}\n`), F, hashes)[0]!.reason).toMatch(/SHA384 is not/);
  });

  it('takes the algorithm from OVF manifest lines', () => {
    expect(verdict('appliance.mf', `SHA256(${F})= ${sha}\nSHA256(disk1.vmdk)= ${'1'.repeat(64)}\n`)).toEqual(['match']);
  });
});

describe('sidecar parser under fuzzing', () => {
  it('never throws anything but SidecarParseError and stays fast on mutated input', () => {
    const seeds = [`${sha}  ${F}\r\n`, `SHA256 (${F}) = ${sha}\n`, `Algorithm : SHA256\nHash : ${sha}\nPath : ${F}\n`, `SHA2-256(${F})= ${sha}`];
    fc.assert(
      fc.property(fc.constantFrom(...seeds), fc.array(fc.tuple(fc.nat(200), fc.string({ maxLength: 8 }))), fc.uint8Array({ maxLength: 64 }), (seed, edits, raw) => {
        let text = seed;
        for (const [pos, ins] of edits) text = text.slice(0, pos % (text.length + 1)) + ins + text.slice((pos % (text.length + 1)) + 1);
        const t0 = performance.now();
        for (const input of [enc(text), raw, utf16(text)]) {
          try {
            evaluateSidecar(`${F}.sha256`, input, F, hashes);
            parseSidecar(decodeSidecarBytes(input));
          } catch (err) {
            expect(err).toBeInstanceOf(SidecarParseError);
          }
        }
        expect(performance.now() - t0).toBeLessThan(200);
      }),
      { numRuns: 500 },
    );
  });

  it('handles a very long line in linear time', () => {
    const t0 = performance.now();
    parseSidecar('MD5 (' + '('.repeat(200_000) + ') = zz');
    parseSidecar('a'.repeat(300_000) + ' ' + ')= '.repeat(1000));
    expect(performance.now() - t0).toBeLessThan(1000);
  });
});
