// Catalog export never replaces a file silently: the call must say overwrite (the dialog asks, as Save As does).
import { describe, expect, it } from 'vitest';
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { tempDir } from '../../../helpers/temp-dir';
import { testServices } from '../../../helpers/services';
import { createHandlers } from '../../../../main/ipc/handlers';
import { dispatch } from '../../../../main/ipc/dispatch';

describe('inventory.export over an existing file', () => {
  it('refuses with a typed "exists" conflict and leaves the file alone; overwrite replaces it', async () => {
    const dir = await tempDir();
    const services = testServices(dir);
    try {
      await services.project.openDemo();
      const handlers = createHandlers(services);
      const target = path.join(dir, 'servers.csv');
      await writeFile(target, 'keep me\n');
      const refused = await dispatch(handlers, 'inventory.export', { format: 'csv', path: target });
      expect(refused).toMatchObject({ ok: false, error: { code: 'file-changed-on-disk', details: { path: target, reason: 'exists' } } });
      expect(refused.ok ? '' : refused.error.message).toBe('servers.csv already exists. Choose another name, or confirm to replace it.');
      expect(await readFile(target, 'utf8')).toBe('keep me\n');
      // The extension is added before the check: "servers" names the same file.
      expect((await dispatch(handlers, 'inventory.export', { format: 'csv', path: path.join(dir, 'servers') })).ok).toBe(false);

      const replaced = await dispatch(handlers, 'inventory.export', { format: 'csv', path: target, overwrite: true });
      expect(replaced).toMatchObject({ ok: true, value: { path: target, rows: 250 } });
      expect(await readFile(target, 'utf8')).not.toContain('keep me');
      const fresh = await dispatch(handlers, 'inventory.export', { format: 'xlsx', path: path.join(dir, 'new') });
      expect(fresh).toMatchObject({ ok: true, value: { path: path.join(dir, 'new.xlsx') } });
    } finally {
      services.dispose();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
