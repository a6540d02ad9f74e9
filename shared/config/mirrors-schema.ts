/**
 * The `mirrors` section: GitLab projects push-mirrored into CodeCommit repositories, which
 * Flowkeeper keeps in sync and watches for drift. Which repositories a mirror may name is checked
 * across the document, see `mirror-rules.ts`.
 */
import * as z from 'zod';
import { describeValue } from '#config/issue-messages.ts';
import { checkedString, closedObject } from '#config/schema-building-blocks.ts';
import { globProblem } from '#domain/branch-globs.ts';

const MAX_DRIFT_MINUTES = 7 * 24 * 60;

/** A reference to a repository defined under `repositories`, which a mirror never defines inline. */
const repositoryName = (provider: string) =>
  z.string({
    error: (issue) =>
      issue.input === undefined
        ? 'required'
        : `must be the name of a repository with provider ${provider}, defined under repositories (got ${describeValue(issue.input)})`,
  });

const mirror = closedObject({
  gitlab: repositoryName('gitlab').meta({
    description: 'The primary: name of a repository with `provider: gitlab`.',
    examples: ['gitlab-manifests'],
  }),
  codecommit: repositoryName('codecommit').meta({
    description: 'The mirror: name of a repository with `provider: codecommit`.',
    examples: ['manifests-mirror'],
  }),
  branches: z
    .array(
      checkedString(
        (value) => globProblem(value) === undefined,
        (value) => globProblem(value) ?? '',
      ).meta({
        description:
          'Branch name or glob: `*` stays within one path segment, `**` crosses segments (`release/**`).',
      }),
    )
    .min(1, { error: 'must list at least one branch' })
    .meta({
      description: 'Branches kept in sync and checked for drift; globs allowed.',
      examples: [['main', 'release/*']],
    }),
  mirrorId: z
    .int()
    .min(1)
    .meta({
      description:
        'Id of the remote mirror in the GitLab project; when omitted, the mirror whose URL names the ' +
        'CodeCommit repository is used.',
      examples: [7],
    })
    .optional(),
  adopt: z
    .boolean()
    .meta({
      description:
        'Replay commits made only on the CodeCommit side onto GitLab, before the next mirror push ' +
        'overwrites them; when false, such commits are reported as drift.',
    })
    .default(false),
  driftAlertMinutes: z
    .int()
    .min(1)
    .max(MAX_DRIFT_MINUTES)
    .meta({ description: 'Drift that lasts longer than this many minutes is alerted.' })
    .default(30),
}).meta({
  title: 'Mirror',
  description: 'A GitLab project and the CodeCommit repository it push-mirrors into.',
  examples: [{ gitlab: 'gitlab-manifests', codecommit: 'manifests-mirror', branches: ['main', 'release/*'] }],
});

export const mirrors = z
  .array(mirror)
  .min(1, { error: 'must list at least one mirror' })
  .meta({
    title: 'Mirrors',
    description:
      'GitLab → CodeCommit push mirrors to keep true. Each names a GitLab and a CodeCommit repository ' +
      'defined under `repositories`; a pair is listed once, and a CodeCommit repository mirrors one ' +
      'GitLab project. A document needs `images`, `flow` or `mirrors`.',
  })
  .default([]);
