import type { PreviewSource } from '#app/ports/preview-source.ts';
import type { Config } from '#config/types.ts';
import { FlowkeeperError } from '#domain/errors.ts';
import { createCodeCommitPreviewSource } from './codecommit/preview-source.ts';
import { createGitLabPreviewSource } from './gitlab/preview-source.ts';
import { describeTokenSource, tokenProvider } from './gitlab/token.ts';
import { createLocalPreviewSource } from './local/preview-source.ts';

/** The preview source behind each configured repository key, created once per configuration. */
export function previewSourcesFor(config: Config): (repository: string) => PreviewSource {
  const sources = new Map<string, PreviewSource>();
  return (repository) => {
    let source = sources.get(repository);
    if (!source) {
      const settings = config.repositories[repository];
      if (!settings)
        throw new FlowkeeperError(`repository ${repository} is not configured: add it under repositories`);
      switch (settings.provider) {
        case 'local':
          source = createLocalPreviewSource(settings.path);
          break;
        case 'codecommit':
          source = createCodeCommitPreviewSource({
            repositoryName: settings.name,
            ...(settings.region ? { region: settings.region } : {}),
          });
          break;
        case 'gitlab':
          source = createGitLabPreviewSource({
            url: settings.url,
            project: settings.project,
            token: tokenProvider(settings.token),
            tokenSource: describeTokenSource(settings.token),
          });
          break;
      }
      sources.set(repository, source);
    }
    return source;
  };
}
