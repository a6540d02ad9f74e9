import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';
import { CHANGES_SHARED_STATE } from './test/support/shared-state-files.ts';

/** Tests of pure code (no servers, no processes, no shared state). */
const PURE = ['test/domain/**/*.test.ts', 'test/config/**/*.test.ts', 'test/parsers/**/*.test.ts'];

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // vitest's default is one worker fewer than the cores: one on a 2-core machine. The integration
    // files spend much of their time waiting on git, moto, the emulators and Lambda-timed retries,
    // so one more file runs than there are cores: on 2 cores, 3 workers finish the suite in about
    // 80 s where 2 take about 90 s, for 3-5 % more CPU.
    maxWorkers: availableParallelism() + 1,
    projects: [
      {
        extends: true,
        test: { name: 'pure', include: PURE, exclude: CHANGES_SHARED_STATE, isolate: false },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/**/*.test.ts'],
          exclude: [...PURE, ...CHANGES_SHARED_STATE],
          isolate: false,
          globalSetup: ['test/support/global-setup.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'isolated',
          include: CHANGES_SHARED_STATE,
          globalSetup: ['test/support/global-setup.ts'],
        },
      },
    ],
  },
});
