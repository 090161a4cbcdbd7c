import { execFile } from 'node:child_process';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../helpers/temp-dir';

/** .ci/run adds `<suite>-backports` of the machine's own Debian source; debian_source finds that source. */
const script = path.resolve(import.meta.dirname, '../../../.ci/debian-source.sh');
const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

async function machine(files: Record<string, string>, codename = 'bookworm'): Promise<string> {
  const root = await tempDir('mwb-apt-');
  dirs.push(root);
  await mkdir(path.join(root, 'etc/apt/sources.list.d'), { recursive: true });
  await writeFile(path.join(root, 'etc/os-release'), `PRETTY_NAME="Debian GNU/Linux 12"\nVERSION_CODENAME=${codename}\n`);
  for (const [name, text] of Object.entries(files)) await writeFile(path.join(root, 'etc/apt', name), text);
  return root;
}

async function debianSource(root: string): Promise<string> {
  const { stdout } = await promisify(execFile)('bash', ['-c', '. "$0"; debian_source "$1"', script, root], { timeout: 20_000 });
  return stdout.trim();
}

describe('.ci/debian-source.sh', () => {
  it('reads a deb822 source (the Debian 12 image default), skipping -security and -updates', async () => {
    const root = await machine({
      'sources.list.d/security.sources': 'Types: deb\nURIs: http://security.mirror.test/debian-security\nSuites: bookworm-security\nComponents: main\n',
      'sources.list.d/debian.sources':
        '# comment\nTypes: deb deb-src\nURIs: http://mirror.test/debian http://second.test/debian\nSuites: bookworm-updates bookworm\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n',
    });
    expect(await debianSource(root)).toBe('http://mirror.test/debian bookworm /usr/share/keyrings/debian-archive-keyring.gpg');
  });

  it('reads a one-line sources.list with options', async () => {
    const root = await machine({ 'sources.list': 'deb http://mirror.test/debian-security bookworm-security main\ndeb [arch=amd64 signed-by=/etc/k.gpg] http://mirror.test/debian bookworm main contrib\n' });
    expect(await debianSource(root)).toBe('http://mirror.test/debian bookworm /etc/k.gpg');
  });

  it('ignores disabled stanzas, deb-src only entries and other releases, and prints nothing when none is left', async () => {
    const root = await machine({
      'sources.list.d/a.sources': 'Types: deb\nURIs: http://off.test/debian\nSuites: bookworm\nEnabled: no\n\nTypes: deb-src\nURIs: http://src.test/debian\nSuites: bookworm\n',
      'sources.list': 'deb http://old.test/debian bullseye main\n',
    });
    expect(await debianSource(root)).toBe('');
  });
});
