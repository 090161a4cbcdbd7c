// `npm start`: the desktop app when Electron's binary is installed, else the browser shell.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';

const require = createRequire(import.meta.url);
let electronPath = null;
try {
  const p = require('electron');
  if (typeof p === 'string' && existsSync(p)) electronPath = p;
} catch {
  /* electron package present but its binary is not: handled below */
}

const run = (cmd, args) => {
  const child = spawn(cmd, args, { stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 0));
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
};

if (electronPath) {
  run(electronPath, ['.']);
} else {
  console.log('Electron is not installed on this machine (its binary is missing): opening the workbench in your browser instead (browser shell).');
  run(process.execPath, ['out/main/cli.mjs', 'serve', ...process.argv.slice(2)]);
}
