import path from 'node:path';
import { createServices, type Services } from '../services/container';
import { FileSettingsStore } from '../platform/settings';
import { appDataDir } from '../platform/paths';
import { consoleLogger, type Logger } from '../platform/logger';
import type { AppInfo } from '../common/ipc/channels/app.channels';

/** Builds the service graph for plain Node (browser shell, CLI): settings in a JSON file. */
export function createNodeServices(opts: { shell: AppInfo['shell']; logger?: Logger; dataDir?: string } ): Services {
  const dataDir = opts.dataDir ?? appDataDir();
  return createServices({
    shell: opts.shell,
    settings: new FileSettingsStore(path.join(dataDir, 'settings.json')),
    logger: opts.logger ?? consoleLogger('mwb', true),
    dataDir,
  });
}
