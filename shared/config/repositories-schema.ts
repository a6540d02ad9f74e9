/** The `repositories` section: git repositories that hold manifests, by name. */
import * as z from 'zod';
import { externalIdNeedsRole, region, roleFields } from '#config/aws-access-schema.ts';
import { gitlabRepository } from '#config/gitlab-repository-schema.ts';
import { checkedString, closedObject } from '#config/schema-building-blocks.ts';

const REPOSITORY_KEY = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
const CODECOMMIT_NAME = /^[\w.-]{1,100}$/;

const localRepository = closedObject({
  provider: z.literal('local').meta({ description: 'Repository kind.' }),
  path: checkedString(
    (value) => value !== '' && !value.includes('\0'),
    () => 'must be a non-empty path without NUL characters',
  ).meta({
    description:
      'Directory of a git repository on disk (bare or with a working tree). In a configuration file a ' +
      'relative path is resolved against the directory of that file; elsewhere it must be absolute.',
    examples: ['./manifests-repo'],
  }),
}).meta({
  title: 'Local repository',
  description: 'A git repository on disk; the embedded default that runs without AWS.',
  examples: [{ provider: 'local', path: './manifests-repo' }],
});

const codecommitRepository = closedObject({
  provider: z.literal('codecommit').meta({ description: 'Repository kind.' }),
  name: checkedString(
    (value) => CODECOMMIT_NAME.test(value) && !value.endsWith('.git'),
    (value) =>
      `must be a CodeCommit repository name (1-100 letters, digits, ".", "_" or "-", not ending in ".git"; got ${JSON.stringify(value)})`,
  ).meta({
    description: 'CodeCommit repository name.',
    examples: ['app-manifests'],
    pattern: CODECOMMIT_NAME.source,
  }),
  region: region("AWS region of the repository; the function's own region when omitted."),
  ...roleFields('the repository'),
})
  .meta({
    title: 'CodeCommit repository',
    description:
      "An AWS CodeCommit repository, in Flowkeeper's account or, through `roleArn`, in another one " +
      '(docs/multi-account.md).',
    examples: [
      { provider: 'codecommit', name: 'app-manifests', region: 'eu-west-1' },
      {
        provider: 'codecommit',
        name: 'prod-manifests',
        region: 'eu-west-1',
        roleArn: 'arn:aws:iam::333333333333:role/flowkeeper-manifests-writer',
      },
    ],
  })
  .superRefine(externalIdNeedsRole);

const repository = z
  .discriminatedUnion('provider', [localRepository, codecommitRepository, gitlabRepository])
  .meta({ description: 'Where a git repository lives; `provider` selects the kind.' });

export const repositories = z
  .record(
    z.string().regex(REPOSITORY_KEY, {
      error:
        'repository names start with a letter or digit and hold only letters, digits, ".", "_" and "-" (at most 100)',
    }),
    repository,
  )
  .refine((value) => Object.keys(value).length > 0, { error: 'must define at least one repository' })
  .meta({
    title: 'Repositories',
    description:
      'Git repositories that hold manifests, by name. Targets, flows and mirrors refer to them by that name.',
    minProperties: 1,
  });
