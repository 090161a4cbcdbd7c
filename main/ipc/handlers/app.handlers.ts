import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { appChannels } from '../../common/ipc/channels/app.channels';
import type { Services } from '../../services/container';
import { WorkbenchError } from '../../common/model/errors';
import type { HandlersFor, ShellCapabilities } from './types';

export function appHandlers(services: Services, shell: ShellCapabilities): HandlersFor<typeof appChannels> {
  return {
    'app.info': () => services.info,
    'files.list': async ({ dir, suffixes }) => {
      const abs = path.resolve(dir);
      let dirents;
      try {
        dirents = await fs.readdir(abs, { withFileTypes: true });
      } catch {
        throw new WorkbenchError('not-found', `Cannot read the folder ${abs}.`);
      }
      const entries = [];
      for (const d of dirents) {
        if (d.name.startsWith('.')) continue;
        const full = path.join(abs, d.name);
        if (d.isDirectory()) entries.push({ name: d.name, path: full, kind: 'dir' as const });
        else if (d.isFile() && (!suffixes?.length || suffixes.some((s) => d.name.toLowerCase().endsWith(s.toLowerCase())))) {
          const st = await fs.stat(full).catch(() => null);
          entries.push({ name: d.name, path: full, kind: 'file' as const, ...(st ? { size: st.size, modifiedAt: st.mtime.toISOString() } : {}) });
        }
      }
      entries.sort((a, b) => (a.kind === b.kind ? a.name.localeCompare(b.name) : a.kind === 'dir' ? -1 : 1));
      const parent = path.dirname(abs);
      return { dir: abs, parent: parent === abs ? null : parent, entries };
    },
    'files.pick': async (args) => {
      if (!shell.pickFiles) return { supported: false, paths: [] };
      return { supported: true, paths: await shell.pickFiles(args) };
    },
    'tasks.cancel': ({ taskId }) => ({ cancelled: services.tasks.cancel(taskId) }),
  };
}
