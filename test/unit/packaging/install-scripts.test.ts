import { describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * npm 11 skips a dependency's install scripts unless package.json's `allowScripts` approves them, silently: without
 * an approval Electron's postinstall (which fetches the Electron binary) never runs and the desktop app cannot start.
 */
const root = path.resolve(import.meta.dirname, '../../..');
const readJson = async <T>(file: string) => JSON.parse(await readFile(path.join(root, file), 'utf8')) as T;

interface Lock {
  packages: Record<string, { version?: string; hasInstallScript?: boolean }>;
}

/** `allowScripts` entries that name this package: `name` or `name@exact-version` (what npm accepts). */
function entriesFor(allow: Record<string, boolean>, name: string): [string, boolean][] {
  return Object.entries(allow).filter(([key]) => key === name || key.startsWith(`${name}@`));
}

describe('install-script approvals (package.json allowScripts)', () => {
  it("approves Electron's postinstall (and esbuild's), and denies the scripts the app does not need", async () => {
    const pkg = await readJson<{ allowScripts?: Record<string, boolean> }>('package.json');
    const allow = pkg.allowScripts ?? {};
    const lock = await readJson<Lock>('package-lock.json');
    for (const name of ['electron', 'esbuild']) {
      const entries = entriesFor(allow, name);
      expect(entries.length, `${name} is not approved in allowScripts`).toBeGreaterThan(0);
      expect(entries.every(([, v]) => v === true), `${name} is denied`).toBe(true);
      // A pinned approval must name the version the lockfile installs.
      for (const [key] of entries) if (key.includes('@', 1)) expect(key).toBe(`${name}@${lock.packages[`node_modules/${name}`]?.version}`);
    }
    // ssh2 works without its optional native crypto build (and cpu-features is that build); es5-ext's postinstall
    // only prints a message; electron-winstaller's picks a 7-Zip for Squirrel.Windows, which we do not build (NSIS).
    for (const name of ['ssh2', 'cpu-features', 'es5-ext', 'electron-winstaller']) expect(allow[name], name).toBe(false);
  });

  // `npm install-scripts ls` (npm 11) reports the same; this check needs no npm 11 on the machine running it.
  it('reviews every dependency with an install script in the lockfile', async () => {
    const allow = (await readJson<{ allowScripts?: Record<string, boolean> }>('package.json')).allowScripts ?? {};
    const lock = await readJson<Lock>('package-lock.json');
    const withScripts = Object.entries(lock.packages)
      .filter(([, p]) => p.hasInstallScript)
      .map(([key]) => key.slice(key.lastIndexOf('node_modules/') + 'node_modules/'.length));
    expect(withScripts).toContain('electron');
    const unreviewed = withScripts.filter((name) => entriesFor(allow, name).length === 0);
    expect(unreviewed, 'add these to allowScripts (npm install-scripts approve/deny NAME)').toEqual([]);
  });
});
