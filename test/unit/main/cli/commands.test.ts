// The command table: complete help without loading any command's code, and one lazy entry per command.
import { describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { IMPORT_KINDS, parseHashList } from '../../../../main/cli/commands';
import { ImporterKindSchema } from '../../../../main/common/model/inventory-import';
import { runMwb } from '../../../helpers/cli';

const ROOT = path.resolve(__dirname, '../../../..');

/** Value imports (not `import type`) of a source file. */
async function valueImports(file: string): Promise<string[]> {
  const text = await readFile(path.join(ROOT, file), 'utf8');
  return [...text.matchAll(/^import (?!type )[^;]*?from '([^']+)';/gms)].map((m) => m[1]!);
}

describe('mwb command table', () => {
  it('start-up loads commander and the table only: no command module, service or shell is imported statically', async () => {
    const allowed = new Set(['commander', './platform/version', './cli/commands', './cli/context', '../common/verify/hashes', './context']);
    for (const f of ['main/cli.ts', 'main/cli/commands.ts', 'main/cli/context.ts']) {
      for (const i of await valueImports(f)) expect(allowed, `${f} imports ${i}`).toContain(i);
    }
    const table = await readFile(path.join(ROOT, 'main/cli/commands.ts'), 'utf8');
    for (const c of ['serve', 'import', 'verify', 'export']) expect(table).toContain(`import('./${c}.command')`);
  });

  it('mwb --help lists every command; each command --help is complete', async () => {
    const top = await runMwb(['--help']);
    expect(top.code).toBe(0);
    for (const c of ['serve', 'import', 'verify', 'export']) expect(top.stdout).toMatch(new RegExp(`^ {2}${c}\\b`, 'm'));
    const verify = await runMwb(['verify', '--help']);
    expect(verify.stdout).toContain('PE executables and MSI packages; OVA');
    expect(verify.stdout).not.toContain('(PowerShell scripts)');
    for (const o of ['--hash', '--trust', '--publisher', '--crl', '--sidecar', '--json', '--project']) expect(verify.stdout).toContain(o);
    const imp = await runMwb(['import', '--help']);
    for (const k of IMPORT_KINDS) expect(imp.stdout.replace(/\s+/g, ' ')).toContain(k);
    const bundle = await runMwb(['export', 'bundle', '--help']);
    expect(bundle.stdout).toContain('--zip');
  });

  it('the import kinds in the help are exactly the importers', () => {
    expect([...IMPORT_KINDS]).toEqual(ImporterKindSchema.options);
  });

  it('--hash takes a list in any case and order; unknown names are a usage error', () => {
    expect(parseHashList('SHA256,md5')).toEqual(['md5', 'sha256']);
    expect(parseHashList('sha-512')).toEqual(['sha512']);
    expect(() => parseHashList('md5,crc32')).toThrow(/not crc32/);
    expect(() => parseHashList(',')).toThrow(/comma-separated/);
  });
});
