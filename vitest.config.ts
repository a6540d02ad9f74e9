import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

/** Tests of pure code (no servers, no processes, no shared state): one module graph per worker. */
const PURE = ['test/domain/**/*.test.ts', 'test/config/**/*.test.ts', 'test/parsers/**/*.test.ts'];
/** Pure, but they replace a module with `vi.mock`, which needs a module graph of their own. */
const MOCKS_MODULES = ['test/domain/editors/manifest-limits.test.ts', 'test/config/load-file.test.ts'];

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // vitest's default is one worker fewer than the cores: one on a 2-core machine. The integration
    // files spend most of their time waiting on git, moto and the emulators, so at least two run
    // side by side.
    maxWorkers: Math.max(2, availableParallelism()),
    projects: [
      { extends: true, test: { name: 'pure', include: PURE, exclude: MOCKS_MODULES, isolate: false } },
      { extends: true, test: { name: 'pure-mocking', include: MOCKS_MODULES } },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/**/*.test.ts'],
          exclude: PURE,
          globalSetup: ['test/support/global-setup.ts'],
        },
      },
    ],
  },
});
