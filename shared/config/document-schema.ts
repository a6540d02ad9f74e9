/**
 * The whole configuration document: repositories, commit settings, one rule per ECR repository, the
 * branch flow of repositories and the GitLab → CodeCommit mirrors.
 */
import * as z from 'zod';
import { accounts } from '#config/aws-access-schema.ts';
import { commit } from '#config/commit-schema.ts';
import { discoverTarget } from '#config/discover-target-schema.ts';
import { fileTargets } from '#config/file-target-schemas.ts';
import { flow } from '#config/flow-schema.ts';
import { mirrors } from '#config/mirrors-schema.ts';
import { notifications } from '#config/notifications-schema.ts';
import { previews } from '#config/previews-schema.ts';
import { repositories } from '#config/repositories-schema.ts';
import { checkedString, closedObject } from '#config/schema-building-blocks.ts';
import { parameterTarget } from '#config/ssm-target-schema.ts';
import { tags } from '#config/tag-policy-schema.ts';
import type { Config } from '#config/types.ts';
import { ECR_NAME_PATTERN, imageNameProblem, isEcrRepositoryName } from '#config/value-rules.ts';

const updateTarget = z
  .discriminatedUnion('kind', [...fileTargets, discoverTarget, parameterTarget])
  .meta({ description: 'A manifest value to update; `kind` selects the manifest kind.' });

const image = closedObject({
  ecr: checkedString(isEcrRepositoryName, (value) => {
    return `must be an ECR repository name (2-256 characters: lowercase letters and digits separated by ".", "_", "-" or "/"; got ${JSON.stringify(value)})`;
  }).meta({
    description: 'ECR repository name as pushes report it (may contain `/`).',
    examples: ['my-app-dev', 'team/my-app'],
    pattern: ECR_NAME_PATTERN,
    minLength: 2,
    maxLength: 256,
  }),
  uri: checkedString(
    (value) => imageNameProblem(value) === undefined,
    (value) => imageNameProblem(value) ?? '',
  )
    .meta({
      description:
        'Image name written by targets with `setName`, without tag or digest; ' +
        '`<account>.dkr.ecr.<region>.amazonaws.com/<ecr>` of the push when omitted.',
      examples: ['111122223333.dkr.ecr.eu-west-1.amazonaws.com/my-app-dev'],
    })
    .optional(),
  tags,
  digest: z
    .enum(['ignore', 'pin'])
    .meta({ description: 'Also write the pushed digest (`pin`), or the tag only (`ignore`).' })
    .default('ignore'),
  update: z
    .array(updateTarget)
    .min(1, { error: 'must list at least one target' })
    .meta({
      description:
        'Manifest values to update when this repository receives a winning tag. No two targets in the ' +
        'configuration may write the same value: the same repository (also under two names), branch and ' +
        'file, and the same value in it, whether through one kind or two (a Helm `path: image` and a yaml ' +
        '`path: image.tag`).',
    }),
}).meta({ title: 'Image rule', description: 'What to do when an ECR repository receives a push.' });

export const configSchema = closedObject(
  {
    repositories,
    commit,
    images: z
      .array(image)
      .min(1, { error: 'must list at least one image' })
      .meta({
        title: 'Images',
        description:
          'One rule per ECR repository; list the targets of a repository under one entry. A document ' +
          'needs `images`, `flow` or `mirrors`.',
      })
      .default([]),
    flow,
    mirrors,
    notifications,
    previews,
    accounts,
  },
  'an object with repositories and images',
).meta({
  title: 'Flowkeeper configuration',
  description:
    'Which images are followed, which manifests they update, how branches may change, and which ' +
    'mirrors are kept true.',
  anyOf: [
    { required: ['images'] },
    { required: ['flow'] },
    { required: ['mirrors'] },
    { required: ['previews'] },
  ],
});

type AssignableTo<T extends U, U> = T;
/** Compile-time proof that the schema produces exactly the shape the rest of the code relies on. */
export type ConfigSchemaOutput = AssignableTo<z.output<typeof configSchema>, Config>;
