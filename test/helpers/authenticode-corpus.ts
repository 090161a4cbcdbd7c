import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { sharedPath } from './shared';

/** Builds the osslsigncode corpus (shared/authenticode/make-corpus.sh, found as `sharedPath` finds shared/) into a fresh temp folder. */
export const CORPUS_SCRIPT = sharedPath('authenticode', 'make-corpus.sh');

export interface Corpus {
  dir: string;
  root: string;
  crl: string;
  manifest: { entries: Array<Record<string, unknown> & { file: string; expect: string; reason: string }> };
  dispose(): Promise<void>;
}

export async function makeCorpus(): Promise<Corpus> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'mwb-corpus-'));
  await promisify(execFile)('bash', [CORPUS_SCRIPT, dir], { timeout: 120_000 });
  return {
    dir,
    root: path.join(dir, 'root.pem'),
    crl: path.join(dir, 'crl.pem'),
    manifest: JSON.parse(await readFile(path.join(dir, 'manifest.json'), 'utf8')) as Corpus['manifest'],
    dispose: () => rm(dir, { recursive: true, force: true }),
  };
}
