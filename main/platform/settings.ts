import { z } from 'zod';
import { promises as fs, readFileSync } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from './atomic-write';

export const SettingsSchema = z.object({
  recentFiles: z.array(z.object({ path: z.string(), name: z.string(), openedAt: z.string() })).default([]),
  autosaveSeconds: z.number().int().min(0).max(3600).default(60),
  window: z
    .object({ width: z.number(), height: z.number(), x: z.number().optional(), y: z.number().optional(), maximized: z.boolean().default(false) })
    .optional(),
});
export type Settings = z.infer<typeof SettingsSchema>;

/** Preferences storage; Electron uses electron-store, Node (browser shell, CLI) a JSON file. */
export interface SettingsStore {
  get<K extends keyof Settings>(key: K): Settings[K];
  set<K extends keyof Settings>(key: K, value: Settings[K]): void;
  flush(): Promise<void>;
}

export class FileSettingsStore implements SettingsStore {
  private data: Settings;
  private pending: Promise<void> = Promise.resolve();

  constructor(private readonly file: string) {
    let raw: unknown = {};
    try {
      raw = JSON.parse(readFileSync(file, 'utf8'));
    } catch {
      /* first run or unreadable: start from defaults */
    }
    const parsed = SettingsSchema.safeParse(raw);
    this.data = parsed.success ? parsed.data : SettingsSchema.parse({});
  }

  get<K extends keyof Settings>(key: K): Settings[K] {
    return this.data[key];
  }

  set<K extends keyof Settings>(key: K, value: Settings[K]): void {
    this.data = { ...this.data, [key]: value };
    const snapshot = JSON.stringify(this.data, null, 2);
    this.pending = this.pending
      .then(async () => {
        await fs.mkdir(path.dirname(this.file), { recursive: true });
        await writeFileAtomic(this.file, snapshot, { keepBackup: false });
      })
      .catch(() => undefined);
  }

  flush(): Promise<void> {
    return this.pending;
  }
}

export class MemorySettingsStore implements SettingsStore {
  private data: Settings = SettingsSchema.parse({});
  get<K extends keyof Settings>(key: K): Settings[K] {
    return this.data[key];
  }
  set<K extends keyof Settings>(key: K, value: Settings[K]): void {
    this.data = { ...this.data, [key]: value };
  }
  flush(): Promise<void> {
    return Promise.resolve();
  }
}
