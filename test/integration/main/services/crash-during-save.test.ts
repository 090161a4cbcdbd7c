import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { promises as fs, watch } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';
import { tempDir } from '../../../helpers/temp-dir';
import { testServices } from '../../../helpers/services';

/** Kills that must land mid-write; a kill that came too late (the save had finished) is not counted. */
const KILLS = 20;
const MAX_ATTEMPTS = KILLS * 3;

interface Kill {
  /** Notes of the last save the child finished before it died ("save i"), or the seeded version. */
  old: string;
  /** Notes of the save in flight when it died. */
  inFlight: string | undefined;
  /** The killed writer's temp files were still there: it died between creating the temp file and the rename. */
  midWrite: boolean;
}

/**
 * Runs the save loop in a child and SIGKILLs it the moment its `round`-th save creates a temp file (the new
 * content, or in the backup phase the copy of the old one), seen through fs.watch.
 */
function killDuringSave(saver: string, file: string, dataDir: string, round: number, phase: 'temp' | 'backup', seeded: string): Promise<Kill> {
  return new Promise((resolve, reject) => {
    const dir = path.dirname(file);
    const child = spawn(process.execPath, [saver, file, dataDir], { stdio: ['ignore', 'pipe', 'inherit'] });
    const prefix = `.${path.basename(file)}.${child.pid}.`;
    const wanted = phase === 'temp' ? /\.tmp$/ : /\.tmp\.bak$/;
    let out = '';
    let seen = 0;
    let killed = false;
    const watcher = watch(dir, (_event, name) => {
      if (killed || !name || !name.startsWith(prefix) || !wanted.test(name)) return;
      if (++seen < round) return;
      killed = true;
      child.kill('SIGKILL');
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the saver created no temp file within 60 s:\n${out}`));
    }, 60_000);
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.once('error', reject);
    child.once('close', () => {
      clearTimeout(timer);
      watcher.close();
      if (!killed) return reject(new Error(`the saver exited by itself:\n${out}`));
      const savingLines = [...out.matchAll(/^saving (\d+)$/gm)].map((m) => Number(m[1]));
      const savedLines = [...out.matchAll(/^saved (\d+)$/gm)].map((m) => Number(m[1]));
      const lastSaved = savedLines.at(-1);
      const lastSaving = savingLines.at(-1);
      void fs.readdir(dir).then((names) =>
        resolve({
          old: lastSaved === undefined ? seeded : `save ${lastSaved}`,
          inFlight: lastSaving !== undefined && lastSaving !== lastSaved ? `save ${lastSaving}` : undefined,
          midWrite: names.some((n) => n.startsWith(prefix)),
        }),
      );
    });
  });
}

describe('a process killed mid-save (SIGKILL while its temp files exist)', () => {
  it(`always leaves a project that reloads as the old or the new version (${KILLS} kills mid-write)`, async () => {
    const dir = await tempDir('mwb-crash-');
    const file = path.join(dir, 'estate.mwb.json');
    // The saver is bundled once into plain JavaScript, so each of the many children starts in about a second.
    const saver = path.join(dir, 'save-loop.mjs');
    await build({ entryPoints: ['test/helpers/save-loop.ts'], bundle: true, platform: 'node', format: 'esm', target: 'node20', outfile: saver, logLevel: 'error' });
    const seed = testServices(dir);
    await seed.project.openDemo();
    seed.project.edit({ type: 'project.setMeta', name: 'version-a', notes: 'seeded' });
    await seed.project.saveAs(file);
    seed.dispose();

    let midWrite = 0;
    let attempts = 0;
    const outcomes = new Set<'old' | 'new'>();
    let current = 'seeded';
    while (midWrite < KILLS && attempts < MAX_ATTEMPTS) {
      attempts++;
      const kill = await killDuringSave(saver, file, dir, 1 + (attempts % 3), attempts % 2 ? 'temp' : 'backup', current);
      const reader = testServices(dir);
      await reader.project.open(file); // throws if the file were broken
      const notes = reader.project.document.notes;
      expect(reader.project.document.inventory.servers.length).toBeGreaterThan(200);
      reader.dispose();
      // Old or new: what the last finished save wrote, or what the save in flight was writing.
      expect([kill.old, kill.inFlight].filter(Boolean), `after kill ${attempts}`).toContain(notes);
      outcomes.add(notes === kill.old ? 'old' : 'new');
      current = notes;
      if (kill.midWrite) midWrite++;
    }
    expect(midWrite, `only ${midWrite} of ${attempts} kills landed mid-write`).toBe(KILLS);
    expect(outcomes.has('old')).toBe(true);

    // Temp files left by killed saves are cleaned by the next successful save.
    const last = testServices(dir);
    await last.project.open(file);
    await last.project.save({ force: true });
    last.dispose();
    const names = await fs.readdir(dir);
    expect(names).toContain('estate.mwb.json');
    expect(names.filter((n) => n.endsWith('.tmp') || n.endsWith('.tmp.bak'))).toEqual([]);
    console.log(`crash-during-save: ${midWrite} kills mid-write in ${attempts} attempts; outcomes: ${[...outcomes].join(', ')}`);
    await fs.rm(dir, { recursive: true, force: true });
  }, 300_000);
});
