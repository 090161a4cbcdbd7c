import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { tempDir } from '../../../helpers/temp-dir';
import { testServices } from '../../../helpers/services';

const KILLS = 25;

function startSaver(file: string, dataDir: string) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/helpers/save-loop.ts', file, dataDir], { stdio: ['ignore', 'pipe', 'inherit'] });
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => d.toString().includes('ready') && resolve());
    child.once('exit', (code) => reject(new Error(`saver exited early with ${code}`)));
  });
  return { child, ready };
}

describe('a process killed mid-save (SIGKILL at random points)', () => {
  it(`always leaves a project that reloads as the old or the new version (${KILLS} kills)`, async () => {
    const dir = await tempDir('mwb-crash-');
    const file = path.join(dir, 'estate.mwb.json');
    const seed = testServices(dir);
    await seed.project.openDemo();
    seed.project.edit({ type: 'project.setMeta', name: 'version-a' });
    await seed.project.saveAs(file);
    seed.dispose();
    const seen = new Set<string>();
    for (let i = 0; i < KILLS; i++) {
      const { child, ready } = startSaver(file, dir);
      await ready;
      await new Promise((r) => setTimeout(r, 5 + Math.random() * 120));
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await exited;
      const reader = testServices(dir);
      const meta = await reader.project.open(file); // throws if the file were broken
      expect(['version-a', 'version-b']).toContain(reader.project.document.name);
      expect(reader.project.document.inventory.servers.length).toBeGreaterThan(200);
      seen.add(meta.name);
      reader.dispose();
    }
    // Temp files left by killed saves are cleaned by the next successful save.
    const last = testServices(dir);
    await last.project.open(file);
    await last.project.save({ force: true });
    last.dispose();
    const names = await fs.readdir(dir);
    expect(names).toContain('estate.mwb.json');
    expect(names.filter((n) => n.endsWith('.tmp') || n.endsWith('.tmp.bak'))).toEqual([]);
    expect(seen.size).toBeGreaterThan(0);
    await fs.rm(dir, { recursive: true, force: true });
  }, 120_000);
});
