import { defineConfig } from 'vitest/config';

/**
 * Files whose assertions bound a duration or what happens within a latency window (a deadline in ms, blocks sent
 * while a pause takes effect, a request answered before a timeout). They run one at a time, after the others, so no
 * other test file competes with them for the CPU: `node scripts/test-all.mjs` runs the project `serial` with
 * `--no-file-parallelism` after the project `parallel`.
 */
export const SERIAL_FILES = [
  'test/unit/main/verification/powershell-script.test.ts',
  'test/unit/main/common/verify/sidecar.test.ts',
  'test/unit/main/shell/http-server-limits.test.ts',
  'test/integration/verification/osslsigncode-corpus.test.ts',
  'test/integration/discovery/ssh-sftp.test.ts',
  'test/integration/discovery/ssh-discovery.test.ts',
  'test/integration/discovery/discovery-ipc.test.ts',
  'test/integration/discovery/local-hypervisors.test.ts',
  'test/integration/cli/mwb-verify-process.test.ts',
  'test/integration/replication/replication-jobs.test.ts',
  // Ctrl-C must reach the block lanes within the second before the held uploads end (else they start new ones).
  'test/integration/cli/mwb-replicate-ctrl-c.test.ts',
];

const ALL = ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts'];

export default defineConfig({
  test: {
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // A folder of the run for the peers test files share (helpers/shared-radosgw.ts: one radosgw, a bucket per file).
    globalSetup: ['test/helpers/vitest-global-setup.ts'],
    // Most files wait on child processes, peers and the network more than on the CPU: three at a time on two cores.
    maxWorkers: 3,
    minWorkers: 1,
    reporters: ['default'],
    // On CI a failed test runs once more, so a timing flake under the machine's load does not turn the run red; `npm
    // test` names every test that passed only on its retry at the end (scripts/test-all.mjs). Locally: no retry.
    retry: process.env.CI ? 1 : 0,
    projects: [
      { extends: true, test: { name: 'parallel', include: ALL, exclude: SERIAL_FILES } },
      { extends: true, test: { name: 'serial', include: SERIAL_FILES } },
    ],
  },
});
