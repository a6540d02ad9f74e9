import type { ApplyDeps } from '#app/image-bump/apply-image.ts';
import type { MirrorDeps } from '#app/mirror/mirror-sync.ts';
import type { ImageRegistry } from '#app/ports/image-registry.ts';
import type { ParameterStore } from '#app/ports/parameter-store.ts';
import { createCore, eventContext, lazily } from './container-core.ts';
import type { EventContext } from './handle-event.ts';
import { mirrorDeps } from './mirror-container.ts';

/** What an image bump needs, with the registry the scheduled reconcile lists images in. */
export type ImageDeps = ApplyDeps & { registry: ImageRegistry };

/**
 * The container of the image bump and reconcile functions: what a Lambda container keeps between
 * invocations (the logger, the configuration loader with its TTL cache, git hosts per
 * configuration) and the AWS clients they use, each created, and its module imported, on first use
 * only, so a local run that needs no AWS service never builds one and importing the handler loads
 * none of them (container-core.ts says how the bundles are split). One dependency set per feature:
 * `imageBump` (pushes, scans and the scheduled reconcile, which applies images the same way) and
 * `mirror` (starting push mirrors after commits to GitLab primaries). The branch flow and build
 * reports have flow-container.ts, mirror sync mirror-container.ts.
 */
export interface ImageContainer extends EventContext {
  imageBump(): Promise<ImageDeps>;
  mirror(): Promise<MirrorDeps>;
}

export function createImageContainer(name: string, env: NodeJS.ProcessEnv = process.env): ImageContainer {
  const core = createCore(name, env);
  const parameters = lazyParameterStore();
  const registry = lazyRegistry();
  return {
    ...eventContext(core),
    async imageBump() {
      const config = await core.config();
      const { hostFor } = await core.gitHosts(config);
      const configParameter = core.env.FLOWKEEPER_CONFIG_PARAMETER;
      return {
        config,
        hostFor,
        parameters,
        registry,
        reservedParameters: configParameter ? [configParameter] : [],
        dryRun: core.dryRun(),
      };
    },
    mirror: () => mirrorDeps(core),
  };
}

/** SSM parameters (`ssm` targets), created when the first one is read. */
function lazyParameterStore(): ParameterStore {
  const store = lazily(async () =>
    (await import('#adapters/aws/ssm-parameter-store.ts')).createSsmParameterStore(),
  );
  return {
    get: async (parameterName) => (await store()).get(parameterName),
    put: async (parameterName, value, description) => (await store()).put(parameterName, value, description),
  };
}

/** ECR, created when the first image is looked up. */
function lazyRegistry(): ImageRegistry {
  const registry = lazily(async () => (await import('#adapters/aws/ecr-registry.ts')).createEcrRegistry());
  return {
    describeImage: async (repository, ref) => (await registry()).describeImage(repository, ref),
    listImages: async (repository) => (await registry()).listImages(repository),
    scanFindings: async (repository, digest) => (await registry()).scanFindings(repository, digest),
  };
}
