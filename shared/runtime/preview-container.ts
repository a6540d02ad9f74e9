import type { ImageRegistry } from '#app/ports/image-registry.ts';
import type { PreviewSource } from '#app/ports/preview-source.ts';
import type { PreviewDeps } from '#app/previews/deps.ts';
import type { Config } from '#config/types.ts';
import { createCore, eventContext, lazily } from './container-core.ts';
import type { EventContext } from './handle-event.ts';

/** The preview function: git hosts, the preview sources (pull and merge requests) and ECR. */
export interface PreviewContainer extends EventContext {
  previews(): Promise<PreviewDeps>;
}

export function createPreviewContainer(name: string, env: NodeJS.ProcessEnv = process.env): PreviewContainer {
  const core = createCore(name, env);
  const registry = lazyRegistry();
  let sources: { config: Config; sourceFor: (repository: string) => PreviewSource } | undefined;
  return {
    ...eventContext(core),
    async previews() {
      const config = await core.config();
      const { hostFor } = await core.gitHosts(config);
      if (sources?.config !== config) {
        const { previewSourcesFor } = await import('#adapters/preview-sources.ts');
        sources = { config, sourceFor: previewSourcesFor(config) };
      }
      return { config, hostFor, sourceFor: sources.sourceFor, registry, now: () => new Date() };
    },
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
