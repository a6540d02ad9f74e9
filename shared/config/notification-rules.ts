/**
 * Rules of the `notifications` section that look at the rest of the document: a channel's
 * `repositories` filter names repositories defined under `repositories`, and its `images` filter
 * names an `ecr` of `images`, so a misspelt filter never silences a channel. They run on the raw
 * input, next to the schema.
 */
import { unknownRepository } from '#config/cross-document-rules.ts';
import { didYouMean } from '#config/did-you-mean.ts';
import { type Issue, isRecord } from '#config/issue-list.ts';

export function notificationIssues(input: Record<string, unknown>): Issue[] {
  const { notifications } = input;
  if (!isRecord(notifications) || !isRecord(notifications.channels)) return [];
  const repositoryNames = isRecord(input.repositories) ? Object.keys(input.repositories) : [];
  const ecrNames = Array.isArray(input.images)
    ? input.images.flatMap((image) => (isRecord(image) && typeof image.ecr === 'string' ? [image.ecr] : []))
    : [];
  const issues: Issue[] = [];
  for (const [name, channel] of Object.entries(notifications.channels)) {
    if (!isRecord(channel)) continue;
    const at = (key: string, index: number) => ['notifications', 'channels', name, key, index];
    if (Array.isArray(channel.repositories)) {
      for (const [index, repository] of channel.repositories.entries()) {
        if (typeof repository === 'string' && !repositoryNames.includes(repository)) {
          issues.push({
            path: at('repositories', index),
            message: unknownRepository(repository, repositoryNames),
          });
        }
      }
    }
    if (Array.isArray(channel.images)) {
      for (const [index, ecr] of channel.images.entries()) {
        if (typeof ecr === 'string' && !ecrNames.includes(ecr)) {
          issues.push({
            path: at('images', index),
            message: `unknown image ${JSON.stringify(ecr)}: no entry of images has this ecr${didYouMean(ecr, ecrNames)}`,
          });
        }
      }
    }
  }
  return issues;
}
