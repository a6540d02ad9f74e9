/**
 * The `previews` section: preview environments, one directory per branch or pull request in a
 * manifests repository, rendered from a template directory and removed when the source closes.
 * Which repositories a preview set may name is checked across the document (`preview-rules.ts`).
 */
import * as z from 'zod';
import { fileTargetsAt } from '#config/file-target-schemas.ts';
import { checkedString, closedObject, requiredText } from '#config/schema-building-blocks.ts';
import type { PreviewSetConfig } from '#config/types.ts';
import {
  branchNameProblem,
  ECR_NAME_PATTERN,
  isEcrRepositoryName,
  isRepositoryPath,
  namedGroups,
  regexProblem,
} from '#config/value-rules.ts';
import { globProblem } from '#domain/branch-globs.ts';

const NAME = /^[a-z][a-z0-9-]{0,29}$/;
const SLUG_PREFIX = /^(?:[a-z][a-z0-9-]{0,19})?$/;
const CAPTURES = ['slug', 'branch', 'pr'] as const;

const folder = (description: string, example: string) =>
  checkedString(
    (value) => isRepositoryPath(value.replace(/\/+$/, '')),
    (value) => `must be a folder inside the repository, such as ${example} (got ${JSON.stringify(value)})`,
  ).meta({ description, examples: [example] });

const previewTarget = z
  .discriminatedUnion(
    'kind',
    fileTargetsAt({
      file: checkedString(isRepositoryPath, (value) => {
        return `must be a relative path inside the preview directory (got ${JSON.stringify(value)})`;
      }).meta({ description: 'Path of the manifest relative to the preview directory.' }),
    }),
  )
  .meta({
    description:
      'The value an image push bumps, inside the preview directory: any manifest kind of `images[].update`, ' +
      'its `file` relative to the preview directory.',
  });

const image = closedObject({
  ecr: checkedString(isEcrRepositoryName, (value) => {
    return `must be an ECR repository name (got ${JSON.stringify(value)})`;
  }).meta({ description: 'ECR repository whose pushes update previews.', pattern: ECR_NAME_PATTERN }),
  tag: checkedString(
    (value) => regexProblem(value) === undefined,
    (value) => regexProblem(value) ?? '',
  ).meta({
    description:
      'Regular expression (linear-time, like tag patterns) a preview image tag matches, with one named ' +
      'capture saying which preview it belongs to: `slug`, `branch` or `pr` (the pull-request id or ' +
      'merge-request iid).',
    examples: ['^pr-(?<pr>\\d+)-[0-9a-f]{7}$', '^(?<slug>[a-z0-9-]+)-[0-9a-f]{7}$'],
  }),
  uri: requiredText
    .meta({
      description:
        'Image name written with the tag (`{image}` and targets with `setName`); ' +
        '`<account>.dkr.ecr.<region>.amazonaws.com/<ecr>` of the event when omitted.',
    })
    .optional(),
  target: previewTarget,
})
  .meta({ description: 'How an image push finds its preview and what it bumps there.' })
  .superRefine((value, ctx) => {
    if (regexProblem(value.tag) !== undefined) return;
    const captures = namedGroups(value.tag).filter((name) => (CAPTURES as readonly string[]).includes(name));
    if (captures.length !== 1) {
      ctx.addIssue({
        code: 'custom',
        path: ['tag'],
        message: `must have exactly one named capture among ${CAPTURES.join(', ')} (found ${captures.length === 0 ? 'none' : captures.join(', ')})`,
      });
    }
  });

const previewSet = closedObject({
  name: checkedString(
    (value) => NAME.test(value),
    (value) =>
      `must be 1-30 lower-case letters, digits or "-", starting with a letter (got ${JSON.stringify(value)})`,
  ).meta({ description: 'Name of the preview set, used in comments and markers.', examples: ['web'] }),
  repository: requiredText.meta({
    description: 'The manifests repository (a key of `repositories`) that holds the previews.',
    examples: ['manifests'],
  }),
  branch: checkedString(
    (value) => branchNameProblem(value) === undefined,
    (value) => branchNameProblem(value) ?? '',
  ).meta({
    description: 'Branch of the manifests repository that holds previews (the one Argo CD or Flux watches).',
  }),
  template: folder('Template directory rendered into each preview.', 'previews/_template'),
  path: checkedString(
    (value) => {
      const parts = value.replace(/\/+$/, '').split('/');
      return parts.at(-1) === '{slug}' && parts.length > 1 && isRepositoryPath(parts.slice(0, -1).join('/'));
    },
    (value) => `must be a folder ending in /{slug}, such as previews/{slug} (got ${JSON.stringify(value)})`,
  ).meta({
    description: 'Where each preview goes; the last segment is `{slug}`.',
    examples: ['previews/{slug}'],
  }),
  slugPrefix: checkedString(
    (value) => SLUG_PREFIX.test(value),
    (value) =>
      `must be empty or up to 20 lower-case letters, digits or "-", starting with a letter (got ${JSON.stringify(value)})`,
  )
    .meta({ description: 'Put in front of every slug (counted in its 63 characters).', examples: ['pr-'] })
    .default(''),
  source: closedObject({
    repository: requiredText.meta({
      description:
        'The application repository whose pull requests (CodeCommit) or merge requests (GitLab) get previews: a key of `repositories`.',
    }),
    branches: z
      .array(
        checkedString(
          (value) => globProblem(value) === undefined,
          (value) => globProblem(value) ?? '',
        ),
      )
      .min(1, { error: 'must list at least one branch' })
      .meta({ description: 'Source branches (globs) that get a preview.', examples: [['feature/**']] })
      .default(['**']),
    destination: checkedString(
      (value) => branchNameProblem(value) === undefined,
      (value) => branchNameProblem(value) ?? '',
    )
      .meta({ description: 'Only pull requests into this branch get a preview.', examples: ['main'] })
      .optional(),
    branchCreated: z
      .boolean()
      .meta({
        description:
          'Also open a preview when a matching branch is created (CodeCommit), closed when it is deleted.',
      })
      .default(false),
  }).meta({ description: 'Which pull requests, merge requests or branches get a preview.' }),
  url: checkedString(
    (value) => value.includes('{slug}') && /^https?:\/\//.test(value),
    (value) => `must be an http(s) URL holding {slug} (got ${JSON.stringify(value)})`,
  ).meta({ description: 'URL of a preview.', examples: ['https://{slug}.preview.example.com'] }),
  image: image.optional(),
  limits: closedObject({
    maxOpen: z
      .int()
      .min(1)
      .max(500)
      .meta({ description: 'Most previews open at once; more wait.' })
      .default(20),
    ttlHours: z
      .int()
      .min(1)
      .max(24 * 365)
      .meta({ description: 'Hours after which the sweep removes a preview, open source or not.' })
      .default(168),
  })
    .meta({ description: 'Limits: how many previews may be open at once, and for how long.' })
    .prefault({}),
}).meta({ title: 'Preview set', description: 'Preview environments for the branches of one repository.' });

export const previews = z
  .array(previewSet)
  .meta({
    title: 'Previews',
    description:
      'Preview environments: a directory per pull request, merge request or branch, rendered from a template, ' +
      'updated by image pushes and removed on close. Template values may hold {slug}, {branch}, ' +
      '{pullRequest}, {url} and {image}.',
  })
  .optional();

type AssignableTo<T extends U, U> = T;
/** Compile-time proof that the schema produces the configuration's preview shape. */
export type PreviewsOutput = AssignableTo<z.output<typeof previewSet>, PreviewSetConfig>;
