/**
 * The `flow` section: the branch flow of each repository and what Flowkeeper does around its pull
 * requests. The schema checks types and keys; what the rules mean (branch names, globs, cycles,
 * pusher ARNs) is checked by the domain, see `flow-rule-issues.ts`.
 */
import * as z from 'zod';
import { describeValue } from '#config/issue-messages.ts';
import { checkedString, closedObject } from '#config/schema-building-blocks.ts';

const CODEBUILD_PROJECT = /^[A-Za-z0-9][A-Za-z0-9_-]{1,254}$/;
const IAM_PRINCIPAL = '^arn:[\\w-]+:(iam|sts)::\\d{12}:\\S+$';

export const allowRule = closedObject({
  from: z.string().meta({
    description:
      'Glob of source branches: `*` stays within one path segment, `**` crosses segments (`release/**`).',
    examples: ['feature/*', 'hotfix/**'],
  }),
  to: z
    .xor([z.string(), z.array(z.string()).meta({ minItems: 1 })], {
      error: (issue) => {
        if (issue.code !== 'invalid_union') return undefined;
        if (issue.input === undefined) return 'required';
        return Array.isArray(issue.input)
          ? 'must list branch names, each a string'
          : `must be a branch name or a list of branch names (got ${describeValue(issue.input)})`;
      },
    })
    .meta({ description: 'Branch, or list of branches, those sources may open pull requests into.' }),
}).meta({
  title: 'Allow rule',
  description: 'A pull-request route beside the promotion order.',
  examples: [{ from: 'hotfix/*', to: ['main', 'prod'] }],
});

const rules = {
  promotion: z.array(z.string()).meta({
    description:
      'Environment branches in promotion order; each stage takes pull requests from the one before it.',
    minItems: 1,
    examples: [['main', 'pre-prod', 'prod']],
  }),
  allow: z
    .array(allowRule)
    .meta({ description: 'Further pull-request routes, such as feature branches into the first stage.' })
    .default([]),
  protected: z
    .array(z.string())
    .meta({
      description:
        'Globs of branches that take no direct pushes, only merges of allowed pull requests and pushes ' +
        'by trusted pushers; every promotion stage when omitted, none when empty.',
      examples: [['main', 'release/**']],
    })
    .optional(),
  trustedPushers: z
    .array(
      z.string().meta({
        description: 'IAM user or role ARN.',
        pattern: IAM_PRINCIPAL,
        examples: ['arn:aws:iam::111122223333:role/release-bot'],
      }),
    )
    .meta({
      description:
        'IAM users and roles that may push to protected branches directly; a role ARN also covers ' +
        'its assumed-role sessions.',
    })
    .default([]),
};

const validation = closedObject({
  project: checkedString(
    (value) => CODEBUILD_PROJECT.test(value),
    (value) =>
      `must be a CodeBuild project name (2-255 letters, digits, "-" or "_", starting with a letter or digit; got ${JSON.stringify(value)})`,
  ).meta({
    description: 'CodeBuild project started on the source commit of each allowed pull request revision.',
    examples: ['manifests-validate'],
    pattern: CODEBUILD_PROJECT.source,
  }),
  approve: z
    .boolean()
    .meta({
      description:
        'Approve the built revision when the build succeeds, and revoke the approval when it fails.',
    })
    .default(false),
}).meta({
  title: 'Validation build',
  description: 'A CodeBuild project that validates every pull request that follows the flow.',
});

const flowSettings = closedObject({
  ...rules,
  onViolation: z
    .enum(['comment', 'close', 'revoke-approval'])
    .meta({
      description:
        'What a pull request that breaks the flow gets: a comment saying why (`comment`), that comment ' +
        'and closing (`close`), or that comment and no approval from Flowkeeper (`revoke-approval`).',
    })
    .default('comment'),
  openPromotionPullRequest: z
    .boolean()
    .meta({ description: 'After a merge into a stage, open the pull request into the next stage.' })
    .default(false),
  validation: validation.optional(),
}).meta({
  title: 'Branch flow',
  description: 'How changes move between the branches of one repository.',
  examples: [
    {
      promotion: ['main', 'pre-prod', 'prod'],
      allow: [
        { from: 'feature/*', to: 'main' },
        { from: 'hotfix/*', to: ['main', 'pre-prod', 'prod'] },
      ],
      onViolation: 'close',
      openPromotionPullRequest: true,
    },
  ],
});

export const flow = z
  .record(z.string(), flowSettings)
  .refine((value) => Object.keys(value).length > 0, {
    error: 'must configure the flow of at least one repository',
  })
  .meta({
    title: 'Branch flows',
    description:
      'Branch-flow rules by repository (a name defined under `repositories`). A document needs `images`, ' +
      '`flow` or `mirrors`.',
    minProperties: 1,
  })
  .default({});
