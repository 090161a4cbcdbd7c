import { readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MemorySecretStore, SafeStorageSecretStore, type SafeStorageLike } from '../../../../main/platform/secret-store';
import { tempDir } from '../../../helpers/temp-dir';

/**
 * Stands in for Electron's safeStorage (which needs the Electron binary and an OS keychain): a real cipher
 * (AES-256-GCM with a per-instance key), so the file holds ciphertext and another key cannot read it.
 */
async function fakeSafeStorage(available = true): Promise<SafeStorageLike & { calls: number }> {
  const { createCipheriv, createDecipheriv, randomBytes } = await import('node:crypto');
  const key = randomBytes(32);
  const s = {
    calls: 0,
    isEncryptionAvailable: () => available,
    encryptString(plain: string) {
      s.calls++;
      const iv = randomBytes(12);
      const c = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
      return Buffer.concat([iv, c.getAuthTag(), body]);
    },
    decryptString(buf: Buffer) {
      const d = createDecipheriv('aes-256-gcm', key, buf.subarray(0, 12));
      d.setAuthTag(buf.subarray(12, 28));
      return Buffer.concat([d.update(buf.subarray(28)), d.final()]).toString('utf8');
    },
  };
  return s;
}

describe('MemorySecretStore (browser shell, CLI)', () => {
  it('keeps secrets for the session only, by connection id', async () => {
    const s = new MemorySecretStore();
    expect(s.persistent).toBe(false);
    await s.set('a', 'pw-a');
    await s.set('b', 'pw-b');
    expect(await s.get('a')).toBe('pw-a');
    expect((await s.ids()).sort()).toEqual(['a', 'b']);
    await s.delete('a');
    expect(await s.get('a')).toBeUndefined();
    // A new store (a new session) knows nothing.
    expect(await new MemorySecretStore().ids()).toEqual([]);
  });
});

describe('SafeStorageSecretStore (desktop app, safeStorage injected)', () => {
  it('writes only ciphertext to a 0600 file in the data folder and reads it back in a new instance', async () => {
    const dir = await tempDir('mwb-secrets-');
    const file = path.join(dir, 'appdata', 'connection-secrets.json');
    const safe = await fakeSafeStorage();
    const s = new SafeStorageSecretStore(safe, file);
    expect(s.persistent).toBe(true);
    await Promise.all([s.set('vc-1', 'Sup3r-Secret-VC'), s.set('ssh-1', 'An0ther-Secret')]);
    const text = await readFile(file, 'utf8');
    expect(text).not.toContain('Sup3r-Secret-VC');
    expect(text).not.toContain('An0ther-Secret');
    expect(JSON.parse(text)).toMatchObject({ version: 1, secrets: { 'vc-1': expect.any(String), 'ssh-1': expect.any(String) } });
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const again = new SafeStorageSecretStore(safe, file);
    expect(await again.get('vc-1')).toBe('Sup3r-Secret-VC');
    expect((await again.ids()).sort()).toEqual(['ssh-1', 'vc-1']);
    await again.delete('vc-1');
    expect(await s.get('vc-1')).toBeUndefined();
    expect(await s.get('ssh-1')).toBe('An0ther-Secret');
  });

  it('refuses to save without a keychain (typed error) and saves nothing', async () => {
    const dir = await tempDir('mwb-secrets-');
    const file = path.join(dir, 'connection-secrets.json');
    const s = new SafeStorageSecretStore(await fakeSafeStorage(false), file);
    await expect(s.set('x', 'pw')).rejects.toMatchObject({ code: 'secret-unavailable' });
    await expect(readFile(file)).rejects.toThrow();
    expect(await s.ids()).toEqual([]);
  });

  it('a blob another keychain encrypted, or a damaged file, is a typed error that quotes nothing of the file', async () => {
    const dir = await tempDir('mwb-secrets-');
    const file = path.join(dir, 'connection-secrets.json');
    await new SafeStorageSecretStore(await fakeSafeStorage(), file).set('vc-1', 'Sup3r-Secret-VC');
    const otherKey = new SafeStorageSecretStore(await fakeSafeStorage(), file);
    await expect(otherKey.get('vc-1')).rejects.toMatchObject({ code: 'secret-unavailable' });
    await writeFile(file, '{"version":1,"secrets":{"vc-1":42}} Sup3r-Secret-VC');
    const err = await otherKey.get('vc-1').catch((e: unknown) => e as Error & { code: string });
    expect(err).toMatchObject({ code: 'file-io' });
    expect((err as Error).message).not.toContain('Sup3r');
  });
});
