// Electron security scan (@doyensec/electronegativity) over the app's sources (main, preload, renderer)
// scanned together, so global checks (CSP, navigation limits, permission handler) see the whole app.
// Zero findings required: an accepted exception is an inline `/* eng-disable CHECK_ID */` comment
// with its reason, next to the code it is about.
import { createRequire } from 'node:module';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const require = createRequire(import.meta.url);
// The scanner fetches translations and Electron's release list from the internet with `got`.
// Tests may only talk to loopback, so `got` is replaced by a stub that fails at once, offline.
const Module = require('node:module');
const originalLoad = Module._load;
Module._load = function load(request, ...rest) {
  if (request === 'got') {
    const offline = () => Promise.reject(new Error('offline: network disabled for the security scan'));
    return Object.assign(offline, { head: offline, get: offline, default: offline });
  }
  return originalLoad.call(this, request, ...rest);
};
const run = require('@doyensec/electronegativity');
const electronVersion = require('electron/package.json').version;
const stage = mkdtempSync(path.join(os.tmpdir(), 'mwb-eneg-'));
for (const dir of ['main', 'preload', 'renderer']) cpSync(dir, path.join(stage, dir), { recursive: true });
cpSync('package.json', path.join(stage, 'package.json'));
const result = await run({ input: stage, isRelative: true, electronVersionOverride: electronVersion, parserPlugins: [],
  // Needs Electron's online release list; we pin Electron in package-lock.json and review upgrades by hand.
  excludeFromScan: ['AvailableSecurityFixesGlobalCheck'],
  severitySet: 'informational', confidenceSet: 'tentative' });
rmSync(stage, { recursive: true, force: true });
// ELECTRON_VERSION_*_CHECK only collects the version for the (excluded) security-fixes check: not a finding.
const issues = (result?.issues ?? [])
  .filter((i) => !i.visibility || (!i.visibility.inlineDisabled && !i.visibility.globalCheckDisabled))
  .filter((i) => !/^ELECTRON_VERSION_\w+_CHECK$/.test(i.id));
for (const i of issues) {
  console.log(`  ${i.id} ${i.severity?.name ?? ''}/${i.confidence?.name ?? ''} ${i.file}:${i.location?.line}:${i.location?.column} ${i.description ?? ''} ${i.shortenedURL ?? ''}`);
}
console.log(`electronegativity: ${result?.globalChecks} global and ${result?.atomicChecks} atomic checks, ${issues.length} finding(s)`);
process.exit(issues.length === 0 ? 0 : 1);
