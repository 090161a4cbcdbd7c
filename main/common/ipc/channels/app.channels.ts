import { z } from 'zod';
import { channel } from '../define';

export const AppInfoSchema = z.object({
  name: z.string(),
  version: z.string(),
  shell: z.enum(['electron', 'browser']),
  platform: z.string(),
  homeDir: z.string(),
  sampleDir: z.string().optional(),
});
export type AppInfo = z.infer<typeof AppInfoSchema>;

export const FileEntrySchema = z.object({
  name: z.string(),
  path: z.string(),
  kind: z.enum(['dir', 'file']),
  size: z.number().optional(),
  modifiedAt: z.string().optional(),
});
export type FileEntry = z.infer<typeof FileEntrySchema>;

export const appChannels = {
  'app.info': channel(z.object({}).strict(), AppInfoSchema),
  /** Lists a folder for the in-app file dialogs (browser shell); `filter` limits files by suffix. */
  'files.list': channel(
    z.object({ dir: z.string().min(1).max(4096), suffixes: z.array(z.string().max(32)).max(20).optional() }).strict(),
    z.object({ dir: z.string(), parent: z.string().nullable(), entries: z.array(FileEntrySchema) }),
  ),
  /** Native file dialog where the shell has one (Electron); the browser shell answers `{ supported: false }`. */
  'files.pick': channel(
    z
      .object({
        mode: z.enum(['open', 'save', 'open-multi', 'folder']),
        title: z.string().max(200).optional(),
        suffixes: z.array(z.string().max(32)).max(20).optional(),
        defaultPath: z.string().max(4096).optional(),
      })
      .strict(),
    z.object({ supported: z.boolean(), paths: z.array(z.string()) }),
  ),
  'tasks.cancel': channel(z.object({ taskId: z.string().min(1).max(100) }).strict(), z.object({ cancelled: z.boolean() })),
} as const;
