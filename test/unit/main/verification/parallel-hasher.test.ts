import { describe, expect, it } from 'vitest';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { hashFile } from '../../../../main/verification/parallel-hasher';
import { isWorkbenchError } from '../../../../main/common/model/errors';

async function withFile(size: number, fn: (file: string, data: Buffer) => Promise<void>) {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'mwb-hash-'));
  try {
    const data = randomBytes(size);
    const file = path.join(dir, 'blob.bin');
    await writeFile(file, data);
    await fn(file, data);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const expected = (data: Buffer, a: string) => createHash(a).update(data).digest('hex');

describe('hashFile', () => {
  it('computes MD5, SHA-1, SHA-256 and SHA-512 in worker threads from one read, across ring wrap-around', async () => {
    // 11 chunks of 64 KiB through a 3-slot ring, last chunk partial: every slot is reused several times.
    await withFile(11 * 65536 - 123, async (file, data) => {
      const progress: number[] = [];
      const r = await hashFile(file, { chunkSize: 65536, slots: 3, inlineBelow: 0, onProgress: (d) => progress.push(d) });
      expect(r.mode).toBe('workers');
      expect(r.size).toBe(data.length);
      for (const a of ['md5', 'sha1', 'sha256', 'sha512'] as const) expect(r.hashes[a]).toBe(expected(data, a));
      expect(progress.length).toBe(11);
      expect(progress.at(-1)).toBe(data.length);
    });
  });

  it('hashes small files inline with the same results, and empty files too', async () => {
    await withFile(1000, async (file, data) => {
      const r = await hashFile(file);
      expect(r.mode).toBe('inline');
      expect(r.hashes.sha256).toBe(expected(data, 'sha256'));
    });
    await withFile(0, async (file) => {
      const r = await hashFile(file, { inlineBelow: -1 });
      expect(r.mode).toBe('workers');
      expect(r.hashes.md5).toBe('d41d8cd98f00b204e9800998ecf8427e');
    });
  });

  it('stops with a typed "cancelled" error when the signal aborts mid-file', async () => {
    await withFile(4 * 1024 * 1024, async (file) => {
      const ac = new AbortController();
      const p = hashFile(file, { chunkSize: 65536, slots: 2, inlineBelow: 0, signal: ac.signal, onProgress: (d) => d > 200_000 && ac.abort() });
      await expect(p).rejects.toSatisfy((e) => isWorkbenchError(e, 'cancelled'));
    });
  });

  it('reports a missing file as not-found', async () => {
    await expect(hashFile('/nonexistent/nope.bin')).rejects.toSatisfy((e) => isWorkbenchError(e, 'not-found'));
  });
});
