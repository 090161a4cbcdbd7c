import Store from 'electron-store';
import { SettingsSchema, type Settings, type SettingsStore } from '../platform/settings';

/** Preferences in electron-store (the OS's per-user app folder), validated with the same schema. */
export class ElectronSettingsStore implements SettingsStore {
  private readonly store = new Store<Settings>({ name: 'preferences', defaults: SettingsSchema.parse({}) });
  get<K extends keyof Settings>(key: K): Settings[K] {
    const parsed = SettingsSchema.shape[key].safeParse(this.store.get(key));
    return (parsed.success ? parsed.data : SettingsSchema.parse({})[key]) as Settings[K];
  }
  set<K extends keyof Settings>(key: K, value: Settings[K]): void {
    this.store.set(key, value);
  }
  flush(): Promise<void> {
    return Promise.resolve();
  }
}
