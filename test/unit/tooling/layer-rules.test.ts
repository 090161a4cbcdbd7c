import path from 'node:path';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

/**
 * The layer rules of docs/ARCHITECTURE.md are enforced by eslint.config.js. This runs ESLint's Node API on one
 * violating import per zone (and on clean imports), so a rule that stops firing fails here.
 */
const repoRoot = path.resolve(import.meta.dirname, '../../..');
let eslint: ESLint;

beforeAll(() => {
  eslint = new ESLint({ cwd: repoRoot });
});

async function lint(filePath: string, code: string) {
  const [result] = await eslint.lintText(code, { filePath: path.join(repoRoot, filePath) });
  return (result?.messages ?? []).map((m) => ({ rule: m.ruleId, message: m.message }));
}

/** One import statement that uses what it imports, so only the layer rules can complain. */
const importing = (name: string, from: string, as = 'used') => `import { ${name} } from '${from}';\nexport const ${as} = ${name};\n`;

const violations: { zone: string; file: string; code: string; says: string }[] = [
  { zone: 'services never import electron', file: 'main/services/probe.ts', code: importing('app', 'electron'), says: 'never electron' },
  { zone: 'services never import ipc', file: 'main/services/probe.ts', code: importing('registerIpc', '../ipc/handle'), says: 'never electron, main/ipc' },
  { zone: 'services never import the shell', file: 'main/services/probe.ts', code: importing('startShellServer', '../shell/http-server'), says: 'main/shell' },
  { zone: 'services never import the CLI', file: 'main/services/probe.ts', code: importing('serve', '../cli/serve.command'), says: 'main/cli' },
  { zone: 'services never import the CLI entry', file: 'main/services/probe.ts', code: importing('runCli', '../cli'), says: 'main/cli' },
  { zone: 'services never import app', file: 'main/services/probe.ts', code: importing('buildMenu', '../app/menu'), says: 'main/app' },
  { zone: 'verification never imports electron', file: 'main/verification/probe.ts', code: importing('app', 'electron'), says: 'never electron' },
  { zone: 'verification never imports app', file: 'main/verification/probe.ts', code: importing('hardenApp', '../app/security'), says: 'main/app' },
  { zone: 'verification never imports services', file: 'main/verification/probe.ts', code: importing('createServices', '../services/container'), says: 'never imports main/services' },
  { zone: 'platform never imports electron', file: 'main/platform/probe.ts', code: importing('dialog', 'electron'), says: 'never electron' },
  { zone: 'platform never imports ipc', file: 'main/platform/probe.ts', code: importing('forwardEvents', '../ipc/push'), says: 'main/ipc' },
  { zone: 'platform never imports services', file: 'main/platform/probe.ts', code: importing('createServices', '../services/container'), says: 'main/platform imports only main/common and Node' },
  { zone: 'replication never imports electron', file: 'main/replication/disk-image/probe.ts', code: importing('app', 'electron'), says: 'never electron' },
  { zone: 'replication never imports services', file: 'main/replication/probe.ts', code: importing('createServices', '../services/container'), says: 'main/replication imports only main/common, main/platform and Node' },
  { zone: 'replication never imports the CLI', file: 'main/replication/probe.ts', code: importing('serve', '../cli/serve.command'), says: 'main/cli' },
  { zone: 'discovery never imports the shell', file: 'main/discovery/probe.ts', code: importing('startShellServer', '../shell/http-server'), says: 'main/shell' },
  { zone: 'discovery never imports services', file: 'main/discovery/probe.ts', code: importing('createServices', '../services/container'), says: 'main/discovery imports only main/common, main/platform and Node' },
  { zone: 'common imports nothing of main', file: 'main/common/probe.ts', code: importing('EventHub', '../platform/events'), says: 'main/common imports nothing else of main' },
  { zone: 'common imports only the named pure libraries', file: 'main/common/probe.ts', code: importing('parse', 'csv-parse/sync'), says: 'only the pure libraries zod, yaml' },
  { zone: 'common never imports electron', file: 'main/common/util/probe.ts', code: importing('app', 'electron'), says: 'only the pure libraries' },
  { zone: 'renderer allow-list: not the CLI', file: 'renderer/app/probe.ts', code: importing('runCli', '../../main/cli'), says: 'renderer imports only renderer/** and main/common/**' },
  { zone: 'renderer allow-list: not services', file: 'renderer/probe.tsx', code: importing('createServices', '../main/services/container'), says: 'renderer imports only renderer/** and main/common/**' },
  { zone: 'renderer allow-list: not preload', file: 'renderer/probe.ts', code: importing('createElectronApi', '../preload/api'), says: 'renderer imports only renderer/** and main/common/**' },
  { zone: 'renderer never imports electron', file: 'renderer/features/probe.ts', code: importing('ipcRenderer', 'electron'), says: 'never imports electron' },
];

describe('lint enforces the layers', () => {
  it.each(violations)('$zone', async ({ file, code, says }) => {
    const messages = await lint(file, code);
    const layer = messages.filter((m) => m.rule === 'import-x/no-restricted-paths');
    expect(layer.length, JSON.stringify(messages)).toBeGreaterThan(0);
    expect(layer.map((m) => m.message).join('\n')).toContain(says);
  });

  it('accepts imports that follow the layers', async () => {
    const clean: [string, string][] = [
      ['main/services/probe.ts', importing('EventHub', '../platform/events') + importing('ProjectSchema', '../common/model/project', 'used2')],
      ['main/verification/probe.ts', importing('z', 'zod') + importing('writeFileAtomic', '../platform/atomic-write', 'used2')],
      ['main/replication/probe.ts', importing('EventHub', '../platform/events') + importing('readFile', 'node:fs/promises', 'used2')],
      ['main/common/probe.ts', importing('z', 'zod') + importing('stringify', 'yaml', 'used2')],
      ['renderer/probe.ts', importing('ProjectSchema', '../main/common/model/project') + importing('useState', 'react', 'used2')],
      ['main/cli/probe.ts', importing('createServices', '../services/container') + importing('startShellServer', '../shell/http-server', 'used2')],
    ];
    for (const [file, code] of clean) expect(await lint(file, code), file).toEqual([]);
  });

  it('finds an import cycle (import-x/no-cycle)', async () => {
    // model/project.ts imports model/server.ts; server.ts importing project.ts back closes a circle.
    const messages = await lint('main/common/model/server.ts', importing('ProjectSchema', './project'));
    expect(messages.map((m) => m.rule)).toContain('import-x/no-cycle');
  });
});
