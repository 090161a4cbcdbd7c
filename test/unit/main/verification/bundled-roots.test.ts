import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFile, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createHash, X509Certificate } from 'node:crypto';
import path from 'node:path';
import { assetPath } from '../../../../main/platform/paths';
import { loadBundledRoots } from '../../../../main/verification/bundled-roots';
import { BundledRootsManifestSchema } from '../../../../main/common/verify/bundled';
import { isWorkbenchError } from '../../../../main/common/model/errors';
import { tempDir } from '../../../helpers/temp-dir';

/* The roots shipped in assets/data/code-signing-roots: each one parses, is self-signed and matches its recorded SHA-256. */
const dir = assetPath('data', 'code-signing-roots');
let tmp: string;
beforeAll(async () => {
  tmp = await tempDir('mwb-roots-');
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('bundled code-signing roots', () => {
  it('every PEM parses, is a self-signed CA, matches its SHA-256 and is in the provenance', async () => {
    const manifest = BundledRootsManifestSchema.parse(JSON.parse(await readFile(path.join(dir, 'roots.json'), 'utf8')));
    const provenance = await readFile(path.join(dir, 'PROVENANCE.md'), 'utf8');
    const pems = (await readdir(dir)).filter((f) => f.endsWith('.pem')).sort();
    expect(manifest.roots.map((r) => r.file).sort()).toEqual(pems);
    for (const r of manifest.roots) {
      const x = new X509Certificate(await readFile(path.join(dir, r.file)));
      expect(createHash('sha256').update(x.raw).digest('hex').toUpperCase(), r.file).toBe(r.sha256);
      expect(x.ca, r.file).toBe(true);
      expect(x.checkIssued(x) && x.verify(x.publicKey), `${r.file} is self-signed`).toBe(true);
      expect(provenance, r.file).toContain(r.file);
      expect(new Date(x.validTo).getTime(), `${r.file} still valid`).toBeGreaterThan(Date.parse('2026-11-29'));
    }
    const names = manifest.roots.map((r) => r.name).join('\n');
    for (const want of [
      'DigiCert Assured ID Root CA',
      'DigiCert Trusted Root G4',
      'Microsoft Root Certificate Authority 2010',
      'Microsoft Root Certificate Authority 2011',
      'Microsoft Identity Verification Root Certificate Authority 2020',
      'USERTrust RSA',
      'GlobalSign',
      'Entrust',
    ])
      expect(names).toContain(want);
  });

  it('the loader tags every root as bundled and lists it for the screen', async () => {
    const roots = await loadBundledRoots(dir);
    expect(roots.length).toBeGreaterThanOrEqual(12);
    for (const r of roots) {
      expect(r.cert.store).toBe('bundled');
      expect(r.info.subject).toBe(r.cert.subject);
      expect(r.info.purposes.length).toBeGreaterThan(0);
    }
    expect(roots.find((r) => r.info.thumbprintSha1 === 'F40042E2E5F7E8EF8189FED15519AECE42C3BFA2')?.info.name).toBe('Microsoft Identity Verification Root Certificate Authority 2020');
  });

  it('refuses a damaged store instead of trusting part of it', async () => {
    const manifest = JSON.parse(await readFile(path.join(dir, 'roots.json'), 'utf8')) as { roots: Array<{ file: string; sha256: string }> };
    const two = manifest.roots.slice(0, 2);
    for (const r of two) await copyFile(path.join(dir, r.file), path.join(tmp, r.file));
    // A PEM swapped for another certificate: its SHA-256 no longer matches.
    await copyFile(path.join(dir, two[1]!.file), path.join(tmp, two[0]!.file));
    await writeFile(path.join(tmp, 'roots.json'), JSON.stringify({ ...manifest, roots: two }));
    await expect(loadBundledRoots(tmp)).rejects.toSatisfy((e) => isWorkbenchError(e, 'invalid-input') && /has SHA-256/.test((e as Error).message));
    // An unreadable manifest.
    await writeFile(path.join(tmp, 'roots.json'), '{"roots": 3}');
    await expect(loadBundledRoots(tmp)).rejects.toSatisfy((e) => isWorkbenchError(e, 'invalid-input') && /roots\.json is unreadable/.test((e as Error).message));
    // A file the manifest names is missing.
    await writeFile(path.join(tmp, 'roots.json'), JSON.stringify({ ...manifest, roots: [{ ...manifest.roots[2]!, file: 'nope.pem' }] }));
    await expect(loadBundledRoots(tmp)).rejects.toSatisfy((e) => isWorkbenchError(e, 'invalid-input') && /nope\.pem is missing/.test((e as Error).message));
  });
});
