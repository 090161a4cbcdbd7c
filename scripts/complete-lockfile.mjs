// Completes package-lock.json with the other platforms' optional binary packages (rollup, unrs-resolver…).
//
// Why: this sandbox's npm registry serves only the linux-x64 builds of such packages, so `npm install` here
// silently leaves the other platforms' entries out of the lock, and `npm ci` then refuses the lock as "out of
// sync". npm on a full registry records every platform's entry (os/cpu/libc tell npm which to skip). This script
// adds exactly those entries, with the version the parent package pins; run it after `npm install`.
import { readFileSync, writeFileSync } from 'node:fs';

const OSES = new Set(['android', 'darwin', 'freebsd', 'linux', 'openbsd', 'openharmony', 'win32', 'sunos', 'aix', 'netbsd']);
const lock = JSON.parse(readFileSync('package-lock.json', 'utf8'));
const packages = lock.packages;
let added = 0;

function platformOf(name) {
  const tokens = name.split('/').pop().split('-');
  const i = tokens.findIndex((t) => OSES.has(t) || t === 'wasm32');
  if (i < 0) return null;
  if (tokens[i] === 'wasm32') return { cpu: ['wasm32'] };
  const os = tokens[i];
  const cpu = tokens[i + 1];
  if (!cpu) return null;
  const rest = tokens.slice(i + 2).join('-');
  const entry = { os: [os], cpu: [cpu] };
  if (os === 'linux') entry.libc = [rest.includes('musl') ? 'musl' : 'glibc'];
  return entry;
}

for (const [key, pkg] of Object.entries(packages)) {
  for (const [dep, range] of Object.entries(pkg.optionalDependencies ?? {})) {
    const base = key === '' ? '' : `${key}/`;
    if (packages[`${base}node_modules/${dep}`] || packages[`node_modules/${dep}`]) continue;
    const platform = platformOf(dep);
    if (!platform || !/^\d+\.\d+\.\d+/.test(range)) continue;
    packages[`node_modules/${dep}`] = { version: range, ...(pkg.dev ? { dev: true } : {}), optional: true, ...platform };
    added++;
  }
}
lock.packages = Object.fromEntries(Object.entries(packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))));
writeFileSync('package-lock.json', JSON.stringify(lock, null, 2) + '\n');
console.log(`complete-lockfile: added ${added} platform-specific optional package entr${added === 1 ? 'y' : 'ies'}`);
