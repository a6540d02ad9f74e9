import type { ApplyDeps } from '#app/image-bump/apply-image.ts';
import type { MirrorDeps } from '#app/mirror/mirror-sync.ts';
import type { ImageRegistry } from '#app/ports/image-registry.ts';
import type { ParameterLocation, ParameterStore } from '#app/ports/parameter-store.ts';
import type { Config } from '#config/types.ts';
import { type Core, createCore, eventContext, lazily } from './container-core.ts';
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
  const registry = lazyRegistry(core);
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

/**
 * SSM parameters (`ssm` targets), a store per region and assumed role, each created when its first
 * parameter is read.
 */
function lazyParameterStore(): ParameterStore {
  const stores = new Map<string, () => Promise<ParameterStore>>();
  const storeAt = (at: ParameterLocation | undefined): Promise<ParameterStore> => {
    const key = `${at?.region ?? ''}|${at?.roleArn ?? ''}|${at?.externalId ?? ''}`;
    let store = stores.get(key);
    if (store === undefined) {
      store = lazily(async () => {
        const { createSsmParameterStore } = await import('#adapters/aws/ssm-parameter-store.ts');
        const { credentialsOption } = await import('#adapters/aws/assumed-role.ts');
        return createSsmParameterStore({
          ...(at?.region === undefined ? {} : { region: at.region }),
          ...(at === undefined ? {} : credentialsOption(at)),
        });
      });
      stores.set(key, store);
    }
    return store();
  };
  return {
    get: async (parameterName, at) => (await storeAt(at)).get(parameterName),
    put: async (parameterName, value, description, at) =>
      (await storeAt(at)).put(parameterName, value, description),
  };
}

/**
 * ECR, created when the first image is looked up, and again when the configuration changes: the
 * registry of a source account is read through its `accounts.<id>.ecrReadRoleArn`.
 */
function lazyRegistry(core: Core): ImageRegistry {
  let current: { config: Config; registry: ImageRegistry } | undefined;
  const registry = async (): Promise<ImageRegistry> => {
    const config = await core.config();
    if (current?.config !== config) {
      const { createEcrRegistry } = await import('#adapters/aws/ecr-registry.ts');
      const { credentialsOption } = await import('#adapters/aws/assumed-role.ts');
      const accounts = config.accounts ?? {};
      current = {
        config,
        registry: createEcrRegistry({
          credentialsFor: (account) => {
            const settings = accounts[account];
            return (
              settings &&
              credentialsOption({ roleArn: settings.ecrReadRoleArn, externalId: settings.externalId })
                .credentials
            );
          },
        }),
      };
    }
    return current.registry;
  };
  return {
    describeImage: async (repository, ref, origin) =>
      (await registry()).describeImage(repository, ref, origin),
    listImages: async (repository, origin) => (await registry()).listImages(repository, origin),
    scanFindings: async (repository, digest, origin) =>
      (await registry()).scanFindings(repository, digest, origin),
  };
}
