import { readFileSync } from 'node:fs';
import path from 'node:path';
import { packageRoot } from './paths';

export const APP_VERSION: string = (() => {
  try {
    return (JSON.parse(readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return '0.0.0';
  }
})();
