// Lint rules that keep the layers of docs/ARCHITECTURE.md honest (who may import whom).
// test/unit/tooling/layer-rules.test.ts proves each zone below fails on a violating import.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { importX, createNodeResolver } from 'eslint-plugin-import-x';

const nodeBuiltins = ['node:*', 'fs', 'path', 'os', 'crypto', 'child_process', 'http', 'https', 'net', 'stream', 'url', 'worker_threads', 'zlib'];
const noNode = nodeBuiltins.map((name) => ({ group: [name], message: 'Node APIs are not allowed in this layer (see docs/ARCHITECTURE.md).' }));

/** Pure libraries main/common may import, by name (see main/common/README.md): no I/O, no Node or DOM APIs. */
export const COMMON_LIBRARIES = ['zod', 'yaml'];

/** Folders that run only in the Electron process or at the edges (transports, composition roots). */
const edges = ['main/ipc', 'main/shell', 'main/cli', 'main/cli.ts', 'main/app', 'main/index.ts', 'node_modules/electron'];
const edgeMessage = 'This layer runs in plain Node: never electron, main/ipc, main/shell, main/cli or main/app (see docs/ARCHITECTURE.md).';

/** Who may import whom inside the repository: import-x/no-restricted-paths zones (target = the importing files). */
export const LAYER_ZONES = [
  { target: ['main/services', 'main/verification', 'main/platform', 'main/replication', 'main/discovery'], from: edges, message: edgeMessage },
  { target: 'main/verification', from: 'main/services', message: 'main/verification never imports main/services (services call verifiers, not the reverse).' },
  { target: 'main/platform', from: 'main', except: ['./common', './platform'], message: 'main/platform imports only main/common and Node.' },
  { target: 'main/replication', from: 'main', except: ['./common', './platform', './replication'], message: 'main/replication imports only main/common, main/platform and Node (never services).' },
  { target: 'main/discovery', from: 'main', except: ['./common', './platform', './discovery'], message: 'main/discovery imports only main/common, main/platform and Node (never services).' },
  { target: 'main/common', from: 'main', except: ['./common'], message: 'main/common imports nothing else of main.' },
  { target: 'main/common', from: 'node_modules', except: COMMON_LIBRARIES.map((name) => `./${name}`), message: `main/common imports only the pure libraries ${COMMON_LIBRARIES.join(', ')} (see main/common/README.md).` },
  { target: 'renderer', from: '.', except: ['./renderer', './main/common', './node_modules'], message: 'The renderer imports only renderer/** and main/common/**.' },
  { target: 'renderer', from: 'node_modules/electron', message: 'The renderer never imports electron.' },
];

export default tseslint.config(
  { ignores: ['out/**', 'node_modules/**', 'dist/**', 'test-results/**', 'playwright-report/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['main/**/*.ts', 'preload/**/*.ts', 'renderer/**/*.ts', 'renderer/**/*.tsx', 'native-helpers/**/*.ts'],
    plugins: { 'import-x': importX },
    settings: {
      'import-x/extensions': ['.ts', '.tsx', '.mts', '.js', '.mjs', '.cjs'],
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.tsx', '.mts', '.js', '.mjs', '.cjs', '.json', '.node'] })],
    },
    rules: {
      'import-x/no-restricted-paths': ['error', { basePath: import.meta.dirname, zones: LAYER_ZONES }],
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
    },
  },
  {
    files: ['**/*.mjs', '**/*.js', 'scripts/**/*.ts', 'test/**/*.ts'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', Buffer: 'readonly' } },
  },
  {
    files: ['main/**/*.ts', 'preload/**/*.ts', 'renderer/**/*.ts', 'renderer/**/*.tsx', 'native-helpers/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': ['error', { selector: 'ExportDefaultDeclaration', message: 'Use named exports.' }],
    },
  },
  {
    files: ['main/common/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [...noNode, { group: ['electron'], message: 'main/common is pure.' }] }],
    },
  },
  {
    files: ['main/replication/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['electron'], message: 'main/replication runs in plain Node.' }, { group: ['**/ipc/**', '**/shell/**', '**/cli/**', '**/cli', '**/app/**', '**/services/**', '**/verification/**', '**/discovery/**'], message: 'main/replication imports only main/common, main/platform and Node.' }] }],
    },
  },
  {
    files: ['renderer/**/*.ts', 'renderer/**/*.tsx'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [...noNode, { group: ['electron'], message: 'The renderer never imports electron.' }] }],
      'no-restricted-globals': ['error', { name: 'require', message: 'No require in the renderer.' }],
    },
  },
  {
    files: ['renderer/**/*.ts', 'renderer/**/*.tsx'],
    ignores: ['renderer/ipc/client.ts', 'renderer/main.tsx', 'renderer/ipc/http-client.ts'],
    rules: {
      'no-restricted-properties': ['error', { object: 'window', property: 'workbench', message: 'Only renderer/ipc/client.ts reads window.workbench.' }],
    },
  },
  {
    files: ['renderer/ui/**/*.ts', 'renderer/ui/**/*.tsx'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [...noNode, { group: ['**/store', '**/store/**', '**/ipc/**'], message: 'ui/ is presentational: no store, no IPC.' }] }],
    },
  },
  {
    files: ['preload/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/main/*', '!**/main/common', '**/main/services/**', '**/main/platform/**', '**/main/shell/**'], message: 'preload imports only electron and main/common/ipc.' }] }],
    },
  },
  {
    files: ['main/**/*.ts', 'preload/**/*.ts', 'renderer/**/*.ts', 'renderer/**/*.tsx', 'native-helpers/**/*.ts'],
    ignores: ['main/ipc/handle.ts', 'preload/api.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        { selector: 'ExportDefaultDeclaration', message: 'Use named exports.' },
        { selector: "MemberExpression[object.name='ipcMain']", message: 'Only main/ipc/handle.ts uses ipcMain.' },
        { selector: "MemberExpression[object.name='ipcRenderer']", message: 'Only preload/api.ts uses ipcRenderer.' },
        { selector: "Property[key.name='shell'][value.value=true]", message: 'Child processes run without a shell.' },
      ],
    },
  },
);
