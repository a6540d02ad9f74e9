import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SHARED_BUNDLES_ENV } from './function-process/index.ts';
import { SHARED_MOTO_ENV, spawnMoto } from './moto.ts';

/**
 * vitest's global setup: one moto_server for the whole run (files name their queues, topics and
 * parameters uniquely instead of starting a server each), and one directory where the function
 * bundles are built once, by the first file that needs each. Workers inherit both through the
 * environment, which the harness (moto.ts, function-process/) reads, so the exported helpers keep
 * their signatures.
 */
export default async function setup(): Promise<() => Promise<void>> {
  // Each project of the run names this setup; the first one to run serves them all.
  if (process.env[SHARED_MOTO_ENV] !== undefined) return async () => undefined;
  const [moto, bundles] = await Promise.all([
    spawnMoto(),
    mkdtemp(join(tmpdir(), 'flowkeeper-test-bundles-')),
  ]);
  process.env[SHARED_MOTO_ENV] = moto.endpoint;
  process.env[SHARED_BUNDLES_ENV] = bundles;
  return async () => {
    delete process.env[SHARED_MOTO_ENV];
    delete process.env[SHARED_BUNDLES_ENV];
    await Promise.allSettled([moto.stop(), rm(bundles, { recursive: true, force: true })]);
  };
}
