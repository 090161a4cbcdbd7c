import { existsSync } from 'node:fs';
import path from 'node:path';

/**
 * The steering repo's shared/ folder (peers, samples, data, authenticode corpus). CI clones main with
 * shared/ beside it; MWB_SHARED_DIR overrides.
 */
export function sharedDir(): string {
  const candidates = [process.env.MWB_SHARED_DIR, path.resolve(process.cwd(), '..', 'shared'), '/work/shared'].filter((p): p is string => !!p);
  const found = candidates.find((p) => existsSync(path.join(p, 'peers')));
  if (!found) throw new Error(`shared/ not found (looked in ${candidates.join(', ')}); set MWB_SHARED_DIR`);
  return found;
}

export function sharedPath(...parts: string[]): string {
  return path.join(sharedDir(), ...parts);
}
