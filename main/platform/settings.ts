import { z } from 'zod';
import { promises as fs, readFileSync } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from './atomic-write';

/**
 * Replication preferences of this user on this machine (never in the project): where the AWS SDK's default credential
 * chain looks (a profile), the default Region, an endpoint override (tests, VPC interface endpoints), the bandwidth
 * cap in bytes per second (0 = none) and how many servers replicate at once, overall and per source datastore.
 */
export const ReplicationPrefsSchema = z.object({
  profile: z.string().max(128).optional(),
  region: z.string().max(64).optional(),
  endpointUrl: z.string().max(2048).optional(),
  bandwidthBytesPerSecond: z.number().int().min(0).max(100 * 2 ** 30).default(0),
  maxConcurrent: z.number().int().min(1).max(16).default(2),
  maxPerDatastore: z.number().int().min(1).max(16).default(1),
  /** After a completed run from the app: VM Import, RegisterImage, or no AMI (absent: none). The CLI has --ami. */
  ami: z.enum(['import', 'register', 'none']).optional(),
  /**
   * How a run from the app travels: `ebs` (absent: EBS direct snapshots, block level, incremental) or `s3` (the whole
   * disk staged in `s3Bucket` each run, then VM Import). The bucket is kept when EBS is chosen again. The CLI has
   * --transport and --bucket.
   */
  transport: z.enum(['ebs', 's3']).optional(),
  s3Bucket: z.string().max(63).optional(),
});
export type ReplicationPrefs = z.infer<typeof ReplicationPrefsSchema>;

export const SettingsSchema = z.object({
  recentFiles: z.array(z.object({ path: z.string(), name: z.string(), openedAt: z.string() })).default([]),
  autosaveSeconds: z.number().int().min(0).max(3600).default(60),
  window: z
    .object({ width: z.number(), height: z.number(), x: z.number().optional(), y: z.number().optional(), maximized: z.boolean().default(false) })
    .optional(),
  replication: ReplicationPrefsSchema.default({ bandwidthBytesPerSecond: 0, maxConcurrent: 2, maxPerDatastore: 1 }),
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
