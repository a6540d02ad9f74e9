import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseConfig } from '#config/schema.ts';
import type { Config, FlowSettings } from '#config/types.ts';
import { ConfigError } from '#domain/errors.ts';

const REPOSITORIES = `
repositories:
  manifests: { provider: codecommit, name: app-manifests }
  app.manifests: { provider: local, path: /srv/app-manifests }
`;

const COMMIT = { author: { name: 'Flowkeeper', email: 'flowkeeper@noreply.local' }, maxAttempts: 5 };

/** A document whose `manifests` flow is the given YAML mapping body (indented by four). */
const withFlow = (body: string) => `${REPOSITORIES}
flow:
  manifests:
${body}
`;

function issuesOf(yaml: string): string[] {
  try {
    parseConfig(parse(yaml), 'test.yaml');
  } catch (error) {
    if (error instanceof ConfigError) return error.issues;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

const flowOf = (yaml: string): FlowSettings | undefined =>
  parseConfig(parse(yaml), 'test.yaml').flow.manifests;

describe('the flow section', () => {
  it('parses a GitLab Flow with feature and hotfix branches', () => {
    const yaml = `${REPOSITORIES}
flow:
  manifests:
    promotion: [main, pre-prod, prod]
    allow:
      - { from: 'feature/*', to: main }
      - { from: 'hotfix/*', to: [main, pre-prod, prod] }
    trustedPushers:
      - arn:aws:iam::111122223333:role/release-bot
      - arn:aws:iam::111122223333:user/alice
    onViolation: close
    openPromotionPullRequest: true
    validation: { project: manifests-validate, approve: true }
`;
    const expected: Config = {
      repositories: {
        manifests: { provider: 'codecommit', name: 'app-manifests' },
        'app.manifests': { provider: 'local', path: '/srv/app-manifests' },
      },
      commit: COMMIT,
      mirrors: [],
      images: [],
      flow: {
        manifests: {
          promotion: ['main', 'pre-prod', 'prod'],
          allow: [
            { from: 'feature/*', to: 'main' },
            { from: 'hotfix/*', to: ['main', 'pre-prod', 'prod'] },
          ],
          trustedPushers: [
            'arn:aws:iam::111122223333:role/release-bot',
            'arn:aws:iam::111122223333:user/alice',
          ],
          onViolation: 'close',
          openPromotionPullRequest: true,
          validation: { project: 'manifests-validate', approve: true },
        },
      },
    };
    expect(parseConfig(parse(yaml), 'test.yaml')).toStrictEqual(expected);
  });

  it('parses a develop → stg → master flow beside the images that bump it', () => {
    const yaml = `${REPOSITORIES}
images:
  - ecr: my-app
    update: [{ repository: app.manifests, branch: develop, file: app.yaml, kind: imagedetail }]
flow:
  app.manifests:
    promotion: [develop, stg, master]
    allow: [{ from: 'feature/**', to: develop }]
    protected: [stg, master, 'release/**']
    onViolation: revoke-approval
    validation: { project: app_manifests-check }
`;
    const expected: Config = {
      repositories: {
        manifests: { provider: 'codecommit', name: 'app-manifests' },
        'app.manifests': { provider: 'local', path: '/srv/app-manifests' },
      },
      commit: COMMIT,
      mirrors: [],
      images: [
        {
          ecr: 'my-app',
          tags: { ordering: { kind: 'semver', range: '*', prerelease: false }, include: [], exclude: [] },
          digest: 'ignore',
          update: [
            {
              repository: 'app.manifests',
              branch: 'develop',
              file: 'app.yaml',
              kind: 'imagedetail',
              setName: false,
            },
          ],
        },
      ],
      flow: {
        'app.manifests': {
          promotion: ['develop', 'stg', 'master'],
          allow: [{ from: 'feature/**', to: 'develop' }],
          protected: ['stg', 'master', 'release/**'],
          trustedPushers: [],
          onViolation: 'revoke-approval',
          openPromotionPullRequest: false,
          validation: { project: 'app_manifests-check', approve: false },
        },
      },
    };
    expect(parseConfig(parse(yaml), 'test.yaml')).toStrictEqual(expected);
  });

  it('applies every default to a flow that names only its promotion order', () => {
    expect(flowOf(withFlow('    promotion: [main]'))).toStrictEqual({
      promotion: ['main'],
      allow: [],
      trustedPushers: [],
      onViolation: 'comment',
      openPromotionPullRequest: false,
    });
  });

  it('keeps an empty protected list, which protects no branch, apart from an absent one', () => {
    expect(flowOf(withFlow('    promotion: [main]\n    protected: []'))?.protected).toEqual([]);
    expect(flowOf(withFlow('    promotion: [main]'))).not.toHaveProperty('protected');
  });

  it('defaults to no flow when the document has images only', () => {
    const yaml = `${REPOSITORIES}
images: [{ ecr: my-app, update: [{ repository: manifests, branch: main, file: a.yaml, kind: imagedetail }] }]
`;
    expect(parseConfig(parse(yaml), 'test.yaml').flow).toStrictEqual({});
  });
});

describe('type errors in the flow section', () => {
  it.each([
    ['flow: [manifests]', ['flow: must be an object (got a list)']],
    ['flow: {}', ['flow: must configure the flow of at least one repository']],
    ['flow: { manifests: main }', ['flow.manifests: must be an object (got "main")']],
  ])('reports %s', (section, issues) => {
    expect(issuesOf(`${REPOSITORIES}${section}\n`)).toEqual(issues);
  });

  it.each([
    ['    allow: []', ['flow.manifests.promotion: required']],
    ['    promotion: main', ['flow.manifests.promotion: must be a list (got "main")']],
    ['    promotion: [main, 2]', ['flow.manifests.promotion[1]: must be a string (got 2)']],
    [
      '    promotion: [main]\n    allow: { from: a, to: main }',
      ['flow.manifests.allow: must be a list (got an object)'],
    ],
    [
      '    promotion: [main]\n    allow: [feature]',
      ['flow.manifests.allow[0]: must be an object (got "feature")'],
    ],
    [
      '    promotion: [main]\n    allow: [{ to: main }, { from: 1, to: main }]',
      ['flow.manifests.allow[0].from: required', 'flow.manifests.allow[1].from: must be a string (got 1)'],
    ],
    [
      '    promotion: [main]\n    allow: [{ from: a }, { from: a, to: 5 }, { from: a, to: [main, 5] }]',
      [
        'flow.manifests.allow[0].to: required',
        'flow.manifests.allow[1].to: must be a branch name or a list of branch names (got 5)',
        'flow.manifests.allow[2].to: must list branch names, each a string',
      ],
    ],
    [
      '    promotion: [main]\n    allow: [{ from: a, too: main }]',
      [
        'flow.manifests.allow[0].too: unknown key; did you mean "to"?',
        'flow.manifests.allow[0].to: required',
      ],
    ],
    ['    promotion: [main]\n    protected: main', ['flow.manifests.protected: must be a list (got "main")']],
    [
      '    promotion: [main]\n    protected: [true]',
      ['flow.manifests.protected[0]: must be a string (got true)'],
    ],
    [
      '    promotion: [main]\n    trustedPushers: arn:aws:iam::111122223333:user/a',
      ['flow.manifests.trustedPushers: must be a list (got "arn:aws:iam::111122223333:user/a")'],
    ],
    [
      '    promotion: [main]\n    trustedPushers: [111122223333]',
      ['flow.manifests.trustedPushers[0]: must be a string (got 111122223333)'],
    ],
    [
      '    promotion: [main]\n    onViolation: closed',
      [
        'flow.manifests.onViolation: must be one of comment, close, revoke-approval (got "closed"); did you mean "close"?',
      ],
    ],
    [
      '    promotion: [main]\n    openPromotionPullRequest: yes please',
      ['flow.manifests.openPromotionPullRequest: must be true or false (got "yes please")'],
    ],
    [
      '    promotion: [main]\n    validation: manifests-validate',
      ['flow.manifests.validation: must be an object (got "manifests-validate")'],
    ],
    [
      '    promotion: [main]\n    validation: { approve: true }',
      ['flow.manifests.validation.project: required'],
    ],
    [
      '    promotion: [main]\n    validation: { project: manifests-validate, approve: 1 }',
      ['flow.manifests.validation.approve: must be true or false (got 1)'],
    ],
    [
      '    promotion: [main]\n    validation: { project: manifests-validate, aprove: true }',
      ['flow.manifests.validation.aprove: unknown key; did you mean "approve"?'],
    ],
    [
      '    promotion: [main]\n    onViolaton: close\n    branches: [main]',
      [
        'flow.manifests.onViolaton: unknown key; did you mean "onViolation"?',
        'flow.manifests.branches: unknown key',
      ],
    ],
  ])('reports %j', (body, issues) => {
    expect(issuesOf(withFlow(body))).toEqual(issues);
  });

  it.each(['x', '-validate', 'manifests.validate', 'manifests validate', 'a'.repeat(256)])(
    'rejects the CodeBuild project name %j',
    (project) => {
      const document = parse(withFlow('    promotion: [main]\n    validation: { project: placeholder }'));
      document.flow.manifests.validation.project = project;
      expect(issuesOf(JSON.stringify(document))).toEqual([
        `flow.manifests.validation.project: must be a CodeBuild project name (2-255 letters, digits, "-" or "_", starting with a letter or digit; got ${JSON.stringify(project)})`,
      ]);
    },
  );

  it.each(['ab', 'Manifests_Validate-2', 'a'.repeat(255)])(
    'accepts the CodeBuild project name %j',
    (project) => {
      const document = parse(withFlow('    promotion: [main]\n    validation: { project: placeholder }'));
      document.flow.manifests.validation.project = project;
      expect(parseConfig(document, 'test.yaml').flow.manifests?.validation?.project).toBe(project);
    },
  );
});

describe('flow rules problems in the flow section', () => {
  it.each([
    [
      '    promotion: []',
      ['flow.manifests.promotion: the promotion order is empty; name at least one branch'],
    ],
    [
      '    promotion: [main, pre-prod, main]',
      ['flow.manifests.promotion[2]: main is already stage promotion[0]'],
    ],
    [
      "    promotion: [main, 'env/*', refs/heads/prod, HEAD, 'a..b']",
      [
        "flow.manifests.promotion[1]: 'env/*' is a pattern; name one branch here",
        "flow.manifests.promotion[2]: 'refs/heads/prod' is a full ref; write the short branch name (main, not refs/heads/main)",
        "flow.manifests.promotion[3]: 'HEAD' is a name git reserves",
        `flow.manifests.promotion[4]: 'a..b' must not contain ".."`,
      ],
    ],
    [
      "    promotion: [main]\n    allow: [{ from: 'feature x/*', to: main }, { from: 'fix/***', to: main }]",
      [
        `flow.manifests.allow[0].from: 'feature x/*' contains " ", which git does not allow in branch names`,
        "flow.manifests.allow[1].from: 'fix/***' has three or more * in a row; use * or **",
      ],
    ],
    [
      "    promotion: [main]\n    allow: [{ from: 'hotfix/*', to: [] }, { from: 'fix/*', to: 'rel/*' }, { from: 'fix/*', to: [main, '-x'] }]",
      [
        'flow.manifests.allow[0].to: names no branch',
        "flow.manifests.allow[1].to: 'rel/*' is a pattern; name one branch here",
        `flow.manifests.allow[2].to[1]: '-x' must not start with "-"`,
      ],
    ],
    [
      '    promotion: [main, pre-prod, prod]\n    allow: [{ from: prod, to: main }]',
      [
        'flow.manifests.allow[0]: prod → main closes a cycle (main → pre-prod → prod → main); changes must only move forward',
      ],
    ],
    [
      "    promotion: [main]\n    protected: [main, 'release//x', 'team/.hidden/*']",
      [
        "flow.manifests.protected[1]: 'release//x' has an empty path segment (leading, trailing or double /)",
        `flow.manifests.protected[2]: 'team/.hidden/*': no path component may start with "."`,
      ],
    ],
    [
      '    promotion: [main]\n    trustedPushers: [arn:aws:iam::111122223333:role/ci, release-bot]',
      [
        "flow.manifests.trustedPushers[1]: 'release-bot' is not an IAM user or role ARN (arn:aws:iam::<account>:...)",
      ],
    ],
  ])('reports %j', (body, issues) => {
    expect(issuesOf(withFlow(body))).toEqual(issues);
  });

  it('places problems of a repository whose name needs quoting under its quoted key', () => {
    const yaml = `${REPOSITORIES}
flow:
  app.manifests: { promotion: [dev, dev] }
`;
    expect(issuesOf(yaml)).toEqual(['flow["app.manifests"].promotion[1]: dev is already stage promotion[0]']);
  });

  it('checks the well-typed items of a list when another item is malformed', () => {
    const body = `    promotion: [main, pre-prod]
    allow:
      - { from: 'feature x', to: main }
      - { from: 'fix/*', to: 5 }
      - { from: 'hotfix/*', to: [] }
    protected: [7, 'a//b']
    trustedPushers: [false, bot]`;
    expect(issuesOf(withFlow(body))).toEqual([
      `flow.manifests.allow[0].from: 'feature x' contains " ", which git does not allow in branch names`,
      'flow.manifests.allow[1].to: must be a branch name or a list of branch names (got 5)',
      'flow.manifests.allow[2].to: names no branch',
      'flow.manifests.protected[0]: must be a string (got 7)',
      "flow.manifests.protected[1]: 'a//b' has an empty path segment (leading, trailing or double /)",
      'flow.manifests.trustedPushers[0]: must be a string (got false)',
      "flow.manifests.trustedPushers[1]: 'bot' is not an IAM user or role ARN (arn:aws:iam::<account>:...)",
    ]);
  });

  it('leaves a malformed promotion order to the schema and still checks the allow rules', () => {
    const body = `    promotion: [main, 3, main]
    allow: [{ from: 'a b', to: main }]`;
    expect(issuesOf(withFlow(body))).toEqual([
      'flow.manifests.promotion[1]: must be a string (got 3)',
      `flow.manifests.allow[0].from: 'a b' contains " ", which git does not allow in branch names`,
    ]);
  });

  it('reports type errors and rule problems of one entry together', () => {
    const body = `    promotion: [main, main]
    onViolation: reject`;
    expect(issuesOf(withFlow(body))).toEqual([
      'flow.manifests.promotion[1]: main is already stage promotion[0]',
      'flow.manifests.onViolation: must be one of comment, close, revoke-approval (got "reject")',
    ]);
  });
});

describe('flow across the document', () => {
  it('reports a flow for a repository that is not defined', () => {
    const yaml = `${REPOSITORIES}
flow:
  manifests: { promotion: [main] }
  manifest: { promotion: [main] }
`;
    expect(issuesOf(yaml)).toEqual([
      'flow.manifest: unknown repository "manifest"; known: manifests, app.manifests',
    ]);
  });

  it('reports a document with neither images nor flow', () => {
    expect(issuesOf(REPOSITORIES)).toEqual([
      'images: required: list at least one image, configure the branch flow of a repository under flow, or mirror a GitLab project under mirrors',
    ]);
  });

  it('accepts a document with flow and no images', () => {
    expect(parseConfig(parse(withFlow('    promotion: [main]')), 'test.yaml').images).toEqual([]);
  });

  it('still wants at least one image when images is given beside a flow', () => {
    expect(issuesOf(`${withFlow('    promotion: [main]')}images: []\n`)).toEqual([
      'images: must list at least one image',
    ]);
  });

  it('lists the problems of images and flow in document order', () => {
    const yaml = `${REPOSITORIES}
flow:
  manifests: { promotion: [main], onViolation: warn }
  other: { promotion: [main] }
images:
  - ecr: my-app
    update: [{ repository: manifests, branch: 'a b', file: a.yaml, kind: imagedetail }]
`;
    expect(issuesOf(yaml)).toEqual([
      'flow.manifests.onViolation: must be one of comment, close, revoke-approval (got "warn")',
      'flow.other: unknown repository "other"; known: manifests, app.manifests',
      `images[0].update[0].branch: invalid branch name "a b": contains " ", which git does not allow in branch names`,
    ]);
  });
});
