// Lint rules that keep the layers of ARCHITECTURE.md honest (who may import whom).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const nodeBuiltins = ['node:*', 'fs', 'path', 'os', 'crypto', 'child_process', 'http', 'https', 'net', 'stream', 'url', 'worker_threads', 'zlib'];
const noNode = nodeBuiltins.map((name) => ({ group: [name], message: 'Node APIs are not allowed in this layer (see ARCHITECTURE.md).' }));

export default tseslint.config(
  { ignores: ['out/**', 'node_modules/**', 'dist/**', 'test-results/**', 'playwright-report/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
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
      'no-restricted-imports': ['error', { patterns: [...noNode, { group: ['electron'], message: 'main/common is pure.' }, { group: ['**/services/**', '**/platform/**', '**/ipc/handle*', '**/shell/**', '**/app/**'], message: 'main/common imports only itself and zod.' }] }],
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
      'no-restricted-imports': ['error', { patterns: [...noNode, { group: ['electron'], message: 'The renderer never imports electron.' }, { group: ['**/main/services/**', '**/main/platform/**', '**/main/ipc/**', '**/main/shell/**', '**/main/app/**', '**/main/verification/**', '**/main/discovery/**', '**/main/replication/**'], message: 'The renderer imports only main/common and its own folders.' }] }],
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
