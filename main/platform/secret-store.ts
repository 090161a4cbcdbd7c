import { promises as fs } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { WorkbenchError } from '../common/model/errors';
import { writeFileAtomic } from './atomic-write';

/**
 * Secrets of saved connections (a vCenter password, an SSH password or key passphrase), keyed by connection id.
 * Never in the project file, never in a log or an error message.
 */
export interface SecretStore {
  /** Whether secrets outlive the session (the desktop app's encrypted store) or are forgotten on exit. */
  readonly persistent: boolean;
  get(id: string): Promise<string | undefined>;
  set(id: string, secret: string): Promise<void>;
  delete(id: string): Promise<void>;
  /** The ids that have a secret (never the secrets). */
  ids(): Promise<string[]>;
}

/** The browser shell and the CLI: held in memory for the session only. */
export class MemorySecretStore implements SecretStore {
  readonly persistent = false;
  private readonly map = new Map<string, string>();

  get(id: string): Promise<string | undefined> {
    return Promise.resolve(this.map.get(id));
  }
  set(id: string, secret: string): Promise<void> {
    this.map.set(id, secret);
    return Promise.resolve();
  }
  delete(id: string): Promise<void> {
    this.map.delete(id);
    return Promise.resolve();
  }
  ids(): Promise<string[]> {
    return Promise.resolve([...this.map.keys()]);
  }
}

/** The part of Electron's `safeStorage` the store uses (injected: this module never imports electron). */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plain: string): Buffer;
  decryptString(encrypted: Buffer): string;
}

const FileSchema = z.object({ version: z.literal(1), secrets: z.record(z.string().max(200), z.string().max(65_536)) });

/**
 * The desktop app: each secret encrypted with Electron's `safeStorage` (the OS keychain's key: DPAPI, Keychain,
 * libsecret/kwallet) and kept as base64 in one JSON file in the app's data folder (mode 0600, written atomically).
 */
export class SafeStorageSecretStore implements SecretStore {
  readonly persistent = true;
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly safeStorage: SafeStorageLike,
    readonly file: string,
  ) {}

  private async read(): Promise<Record<string, string>> {
    let text: string;
    try {
      text = await fs.readFile(this.file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw new WorkbenchError('file-io', `The saved passwords file ${path.basename(this.file)} could not be read (${(e as NodeJS.ErrnoException).code ?? 'error'}).`);
    }
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      raw = null;
    }
    const parsed = FileSchema.safeParse(raw);
    if (!parsed.success) throw new WorkbenchError('file-io', `The saved passwords file ${path.basename(this.file)} is damaged; remove it to start again (saved passwords are then asked for once more).`);
    return parsed.data.secrets;
  }

  private update(fn: (s: Record<string, string>) => void): Promise<void> {
    const next = this.chain.then(async () => {
      const secrets = { ...(await this.read()) };
      fn(secrets);
      await fs.mkdir(path.dirname(this.file), { recursive: true, mode: 0o700 });
      await writeFileAtomic(this.file, JSON.stringify({ version: 1, secrets }, null, 1));
      await fs.chmod(this.file, 0o600);
    });
    this.chain = next.catch(() => undefined);
    return next;
  }

  async get(id: string): Promise<string | undefined> {
    await this.chain;
    const blob = (await this.read())[id];
    if (blob === undefined) return undefined;
    try {
      return this.safeStorage.decryptString(Buffer.from(blob, 'base64'));
    } catch {
      throw new WorkbenchError('secret-unavailable', 'A saved password could not be decrypted (the system keychain changed); give it again.');
    }
  }

  set(id: string, secret: string): Promise<void> {
    if (!this.safeStorage.isEncryptionAvailable()) {
      return Promise.reject(new WorkbenchError('secret-unavailable', 'This system offers no keychain to encrypt passwords with; the password is used for this run only.'));
    }
    const blob = this.safeStorage.encryptString(secret).toString('base64');
    return this.update((s) => {
      s[id] = blob;
    });
  }

  delete(id: string): Promise<void> {
    return this.update((s) => {
      delete s[id];
    });
  }

  async ids(): Promise<string[]> {
    await this.chain;
    return Object.keys(await this.read());
  }
}
