/**
 * Files that change what other files would see in the same module graph and cannot undo it: they
 * replace a module (`vi.mock`) or leave state in a module-level singleton. Each runs in a fresh
 * worker of its own; every other file shares one module graph per worker, which spares a process
 * start and a fresh import of the SDK per file. A file that stubs the environment or spies and
 * undoes it before it ends shares a worker (test/tooling/vitest-projects.test.ts holds it to that).
 */
export const CHANGES_SHARED_STATE: string[] = [
  'test/domain/editors/manifest-limits.test.ts',
  'test/config/load-file.test.ts',
  'test/adapters/local/git-host-batching.test.ts',
  'test/adapters/aws/powertools-metrics.test.ts',
  // Starts its own moto and seeds it through the product's shared SSM client.
  'test/aws/emulators.test.ts',
];
