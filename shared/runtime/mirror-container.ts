import type { MirrorDeps } from '#app/mirror/mirror-sync.ts';
import { type Core, createCore, eventContext } from './container-core.ts';
import type { EventContext } from './handle-event.ts';

/** Mirror sync and the drift check: GitLab primaries, CodeCommit replicas, metrics. */
export interface MirrorContainer extends EventContext {
  mirror(): Promise<MirrorDeps>;
}

export function createMirrorContainer(name: string, env: NodeJS.ProcessEnv = process.env): MirrorContainer {
  const core = createCore(name, env);
  return { ...eventContext(core), mirror: () => mirrorDeps(core) };
}

/** What mirror reconciliation needs, for the configuration current now. */
export async function mirrorDeps(core: Core): Promise<MirrorDeps> {
  const config = await core.config();
  const [{ mirrors }, { createPowertoolsMetrics }] = await Promise.all([
    core.gitHosts(config),
    import('#adapters/aws/powertools-metrics.ts'),
  ]);
  return {
    config,
    primary: mirrors.primary,
    replica: mirrors.replica,
    alerts: core.alerts,
    metrics: createPowertoolsMetrics(),
    now: () => Date.now(),
    dryRun: core.dryRun(),
  };
}
