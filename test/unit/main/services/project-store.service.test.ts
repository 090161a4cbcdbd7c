import { describe, expect, it, beforeEach, afterEach } from 'vitest';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { tempDir } from '../../../helpers/temp-dir';
import { testServices } from '../../../helpers/services';
import type { Services } from '../../../../main/services/container';
import { isWorkbenchError } from '../../../../main/common/model/errors';
import { INDENTED_PROJECT_MAX_CHARS } from '../../../../main/services/project-store.service';

async function codeOf(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
  } catch (err) {
    return isWorkbenchError(err) ? err.code : `untyped: ${String(err)}`;
  }
  return undefined;
}

describe('ProjectStore', () => {
  let dir: string;
  let services: Services;
  beforeEach(async () => {
    dir = await tempDir();
    services = testServices(dir);
  });
  afterEach(async () => {
    services.dispose();
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('opens the demo as an untitled copy, then saves, reopens and keeps the change', async () => {
    const store = services.project;
    const meta = await store.openDemo();
    expect(meta.isDemo).toBe(true);
    expect(meta.path).toBeNull();
    expect(store.document.inventory.servers.length).toBeGreaterThanOrEqual(200);
    await expect(store.save()).rejects.toMatchObject({ code: 'no-project-path' });

    store.edit({ type: 'project.setMeta', name: 'Contoso wave planning' });
    expect(store.meta().dirty).toBe(true);
    const file = path.join(dir, 'contoso');
    const saved = await store.saveAs(file);
    expect(saved.path).toBe(`${file}.mwb.json`);
    expect(saved.dirty).toBe(false);

    const other = testServices(dir);
    await other.project.open(`${file}.mwb.json`);
    expect(other.project.document.name).toBe('Contoso wave planning');
    expect(other.project.document.inventory.servers).toEqual(store.document.inventory.servers);
    other.dispose();
  });

  it('keeps the previous version as .bak on every save', async () => {
    const store = services.project;
    store.newProject('first');
    const file = path.join(dir, 'p.mwb.json');
    await store.saveAs(file);
    store.edit({ type: 'project.setMeta', name: 'second' });
    await store.save();
    const bak = JSON.parse(await fs.readFile(`${file}.bak`, 'utf8'));
    const cur = JSON.parse(await fs.readFile(file, 'utf8'));
    expect(bak.name).toBe('first');
    expect(cur.name).toBe('second');
    const leftovers = (await fs.readdir(dir)).filter((f) => f.endsWith('.tmp'));
    expect(leftovers).toEqual([]);
  });

  it('detects a file changed on disk by someone else and does not overwrite it', async () => {
    const store = services.project;
    store.newProject('mine');
    const file = path.join(dir, 'shared.mwb.json');
    await store.saveAs(file);
    const theirs = JSON.parse(await fs.readFile(file, 'utf8'));
    theirs.name = 'theirs';
    await fs.writeFile(file, JSON.stringify(theirs));
    store.edit({ type: 'project.setMeta', name: 'mine again' });
    expect(await codeOf(store.save())).toBe('file-changed-on-disk');
    expect(JSON.parse(await fs.readFile(file, 'utf8')).name).toBe('theirs');
    await store.save({ force: true });
    expect(JSON.parse(await fs.readFile(file, 'utf8')).name).toBe('mine again');
  });

  it('refuses Save As over an existing file unless confirmed', async () => {
    const file = path.join(dir, 'exists.mwb.json');
    await fs.writeFile(file, 'precious');
    services.project.newProject('x');
    expect(await codeOf(services.project.saveAs(file))).toBe('file-changed-on-disk');
    expect(await fs.readFile(file, 'utf8')).toBe('precious');
    await services.project.saveAs(file, { force: true });
    expect(JSON.parse(await fs.readFile(file, 'utf8')).name).toBe('x');
  });

  it('gives a clear message for corrupt, truncated, future and foreign files and never touches them', async () => {
    const good = JSON.stringify(services.project.document);
    const cases: Array<[string, string, string]> = [
      ['truncated.mwb.json', good.slice(0, 200), 'file-truncated'],
      ['garbage.mwb.json', '\u0000\u0001binary', 'file-not-json'],
      ['future.mwb.json', JSON.stringify({ ...JSON.parse(good), schemaVersion: 7 }), 'file-future-version'],
      ['other.json', JSON.stringify({ hello: 'world' }), 'file-not-project'],
      ['damaged.mwb.json', JSON.stringify({ ...JSON.parse(good), inventory: { servers: [{ id: 1 }] } }), 'file-invalid'],
    ];
    services.project.newProject('current');
    for (const [name, content, code] of cases) {
      const file = path.join(dir, name);
      await fs.writeFile(file, content);
      const err = await services.project.open(file).catch((e: unknown) => e);
      expect(isWorkbenchError(err, code as never), `${name}: ${String(err)}`).toBe(true);
      expect((err as Error).message).toContain(name);
      expect(await fs.readFile(file, 'utf8')).toBe(content);
    }
    // The open project is still the one the user had.
    expect(services.project.document.name).toBe('current');
  });

  it('undoes and redoes edits, and lists recent files', async () => {
    const store = services.project;
    store.newProject('a');
    store.edit({ type: 'project.setMeta', name: 'b' });
    store.edit({ type: 'project.setMeta', name: 'c' });
    store.undo();
    expect(store.document.name).toBe('b');
    store.redo();
    expect(store.document.name).toBe('c');
    await store.saveAs(path.join(dir, 'one.mwb.json'));
    await store.saveAs(path.join(dir, 'two.mwb.json'));
    expect(store.recent().map((r) => path.basename(r.path))).toEqual(['two.mwb.json', 'one.mwb.json']);
  });

  it('writes an autosave recovery copy without touching the project file', async () => {
    const store = services.project;
    store.newProject('auto');
    const file = path.join(dir, 'auto.mwb.json');
    await store.saveAs(file);
    const before = await fs.readFile(file, 'utf8');
    store.edit({ type: 'project.setMeta', name: 'auto 2' });
    const recovery = await store.autosave();
    expect(recovery).not.toBeNull();
    expect(JSON.parse(await fs.readFile(recovery!, 'utf8')).name).toBe('auto 2');
    expect(await fs.readFile(file, 'utf8')).toBe(before);
    expect(store.meta().autosavedAt).not.toBeNull();
  });

  it('offers an autosaved copy after a crash and opens it as unsaved work; a save removes the copy', async () => {
    const crashed = services.project;
    crashed.newProject('lost work');
    crashed.edit({ type: 'project.setMeta', customer: 'ACME' });
    await crashed.autosave();
    const next = testServices(dir);
    const list = await next.project.recoveries();
    expect(list.map((r) => r.name)).toEqual(['lost work']);
    const meta = await next.project.openRecovery(list[0]!.id);
    expect(meta).toMatchObject({ dirty: true, path: null, name: 'lost work' });
    expect(next.project.document.customer).toBe('ACME');
    await next.project.saveAs(path.join(dir, 'rescued.mwb.json'));
    expect(await testServices(dir).project.recoveries()).toEqual([]);
    await expect(next.project.openRecovery('../../etc/passwd')).rejects.toMatchObject({ code: 'invalid-input' });
    next.dispose();
  });

  it('opens a v1 file, marks it dirty, and saves it as v2 keeping a .bak of the v1 file', async () => {
    const v1 = { format: 'migration-workbench-project', schemaVersion: 1, id: 'old', name: 'Old', createdAt: 'x', modifiedAt: 'x', servers: [], applications: [] };
    const file = path.join(dir, 'old.mwb.json');
    await fs.writeFile(file, JSON.stringify(v1));
    const meta = await services.project.open(file);
    expect(meta.migratedFrom).toBe(1);
    expect(meta.dirty).toBe(true);
    await services.project.save();
    expect(JSON.parse(await fs.readFile(file, 'utf8')).schemaVersion).toBe(2);
    expect(JSON.parse(await fs.readFile(`${file}.bak`, 'utf8')).schemaVersion).toBe(1);
  });
  it('saves a small project indented (line diffs) and a large one compact; both reopen equal and a later save sees no outside change', async () => {
    const store = services.project;
    await store.openDemo();
    const small = path.join(dir, 'small.mwb.json');
    await store.saveAs(small);
    const smallText = await fs.readFile(small, 'utf8');
    expect(smallText.startsWith('{\n "format": "migration-workbench-project",\n')).toBe(true);
    expect(smallText.endsWith('}\n')).toBe(true);

    // Copies of the demo's servers under new ids until the compact JSON passes the limit.
    const base = store.document.inventory.servers;
    const copies = Math.ceil((INDENTED_PROJECT_MAX_CHARS * 1.2) / JSON.stringify(base).length);
    const servers = [...base];
    for (let k = 1; k <= copies; k++) servers.push(...base.map((s) => ({ ...s, id: `${s.id}-copy${k}`, name: `${s.name}-copy${k}` })));
    store.commit({ ...store.document, inventory: { ...store.document.inventory, servers } });
    const large = path.join(dir, 'large.mwb.json');
    await store.saveAs(large);
    const largeText = await fs.readFile(large, 'utf8');
    expect(largeText.length).toBeGreaterThan(INDENTED_PROJECT_MAX_CHARS);
    expect(largeText.indexOf('\n')).toBe(largeText.length - 1);
    expect(JSON.parse(largeText)).toEqual(store.document);

    // The store's stamp is the hash of the bytes written: saving again is not mistaken for someone else's change.
    store.edit({ type: 'project.setMeta', name: 'large, saved twice' });
    await expect(store.save()).resolves.toMatchObject({ dirty: false });
    const other = testServices(dir);
    await other.project.open(large);
    expect(other.project.document.inventory.servers).toEqual(store.document.inventory.servers);
    expect(other.project.document.name).toBe('large, saved twice');
    other.dispose();
  });
});
