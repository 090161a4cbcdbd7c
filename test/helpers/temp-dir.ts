import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/** A fresh temp folder per test, removed afterwards. */

export async function tempDir(prefix = 'mwb-test-'): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), prefix));
}
