import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { existsSync } from 'node:fs';

/** Per-user data folder: MWB_HOME wins (tests, portable use), else the platform's config folder. */
export function appDataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.MWB_HOME) return path.resolve(env.MWB_HOME);
  if (process.platform === 'win32') return path.join(env.APPDATA ?? path.join(os.homedir(), 'AppData', 'Roaming'), 'Migration Workbench');
  if (process.platform === 'darwin') return path.join(os.homedir(), 'Library', 'Application Support', 'Migration Workbench');
  return path.join(env.XDG_CONFIG_HOME ?? path.join(os.homedir(), '.config'), 'migration-workbench');
}

/**
 * The package root (where package.json, assets/ and out/ live), found by walking up from this
 * module: works from the sources (vitest, tsx) and from the bundle in out/main.
 */
export function packageRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(path.join(dir, 'package.json')) && existsSync(path.join(dir, 'assets'))) return dir;
    dir = path.dirname(dir);
  }
  throw new Error('Migration Workbench: cannot find the package root (assets/ is missing).');
}

export function assetPath(...parts: string[]): string {
  return path.join(packageRoot(), 'assets', ...parts);
}
