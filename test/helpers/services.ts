import path from 'node:path';
import { createServices, type Services } from '../../main/services/container';
import { MemorySettingsStore } from '../../main/platform/settings';
import { silentLogger } from '../../main/platform/logger';

/** The real service graph with in-memory preferences and a private data folder. */
export function testServices(dataDir: string): Services {
  return createServices({ shell: 'browser', settings: new MemorySettingsStore(), logger: silentLogger, dataDir: path.join(dataDir, 'appdata') });
}
