/**
 * Files that change what other files would see in the same module graph: they replace a module
 * (`vi.mock`), stub the environment (`vi.stubEnv`) or spy on a shared object. Each runs in a
 * fresh worker of its own; every other file shares one module graph per worker, which spares a
 * process start and a fresh import of the SDK per file.
 */
export const CHANGES_SHARED_STATE: string[] = [
  'test/domain/editors/manifest-limits.test.ts',
  'test/config/load-file.test.ts',
  'test/adapters/local/git-host-batching.test.ts',
  'test/adapters/aws/assumed-role.test.ts',
  'test/adapters/aws/cross-account.test.ts',
  'test/adapters/aws/ecr-registry.test.ts',
  'test/adapters/aws/powertools-metrics.test.ts',
  'test/adapters/aws/sns-alert-sink.test.ts',
  'test/adapters/aws/ssm-config-loader.test.ts',
  'test/adapters/aws/ssm-parameter-store.test.ts',
  'test/runtime/define-handler.test.ts',
  'test/runtime/notify-outcome.test.ts',
  'test/app/mirror/gitlab-mirror.test.ts',
  // Starts its own moto and seeds it through the product's shared SSM client.
  'test/aws/emulators.test.ts',
];
