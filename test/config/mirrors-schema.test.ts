import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { mergeConfigParts } from '#config/merge-documents.ts';
import { parseConfig } from '#config/schema.ts';
import type { Config, MirrorConfig } from '#config/types.ts';
import { ConfigError } from '#domain/errors.ts';

const REPOSITORIES = `
repositories:
  gitlab-manifests:
    provider: gitlab
    url: https://gitlab.example.com
    project: platform/app-manifests
    token: { ssm: /flowkeeper/gitlab-token }
  manifests-mirror: { provider: codecommit, name: app-manifests }
  local: { provider: local, path: /srv/manifests }
`;

/** A document with the repositories above and the given `mirrors` section (YAML). */
const withMirrors = (mirrors: string) => `${REPOSITORIES}mirrors:\n${mirrors}\n`;

/** A document whose only mirror is the given YAML flow mapping. */
const withMirror = (mirror: string) => withMirrors(`  - ${mirror}`);

const PAIR = 'gitlab: gitlab-manifests, codecommit: manifests-mirror';

function issuesOf(yaml: string): string[] {
  try {
    parseConfig(parse(yaml), 'test.yaml');
  } catch (error) {
    if (error instanceof ConfigError) return error.issues;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

const mirrorsOf = (yaml: string): MirrorConfig[] => parseConfig(parse(yaml), 'test.yaml').mirrors;

describe('the mirrors section', () => {
  it('parses a GitLab-primary configuration with its CodeCommit mirror', () => {
    const yaml = `
repositories:
  gitlab-manifests:
    provider: gitlab
    url: https://gitlab.example.com/
    project: platform/app-manifests
    token: { secretsManager: gitlab/flowkeeper-token }
  manifests-mirror: { provider: codecommit, name: app-manifests, region: eu-west-1 }
images:
  - ecr: my-app
    tags: { semver: '>=1.0.0' }
    update:
      - { repository: gitlab-manifests, branch: main, file: overlays/prod/kustomization.yaml, kind: kustomize, image: my-app }
mirrors:
  - gitlab: gitlab-manifests
    codecommit: manifests-mirror
    branches: [main, 'release/*']
    mirrorId: 7
    adopt: true
    driftAlertMinutes: 60
`;
    const expected: Config = {
      repositories: {
        'gitlab-manifests': {
          provider: 'gitlab',
          url: 'https://gitlab.example.com',
          project: 'platform/app-manifests',
          token: { secretsManager: 'gitlab/flowkeeper-token' },
        },
        'manifests-mirror': { provider: 'codecommit', name: 'app-manifests', region: 'eu-west-1' },
      },
      commit: { author: { name: 'Flowkeeper', email: 'flowkeeper@noreply.local' }, maxAttempts: 5 },
      images: [
        {
          ecr: 'my-app',
          tags: {
            ordering: { kind: 'semver', range: '>=1.0.0', prerelease: false },
            include: [],
            exclude: [],
          },
          digest: 'ignore',
          update: [
            {
              repository: 'gitlab-manifests',
              branch: 'main',
              file: 'overlays/prod/kustomization.yaml',
              kind: 'kustomize',
              image: 'my-app',
              setName: false,
            },
          ],
        },
      ],
      flow: {},
      mirrors: [
        {
          gitlab: 'gitlab-manifests',
          codecommit: 'manifests-mirror',
          branches: ['main', 'release/*'],
          mirrorId: 7,
          adopt: true,
          driftAlertMinutes: 60,
        },
      ],
    };
    expect(parseConfig(parse(yaml), 'test.yaml')).toStrictEqual(expected);
  });

  it('applies the defaults to a mirror that names its repositories and branches only', () => {
    expect(mirrorsOf(withMirror(`{ ${PAIR}, branches: [main] }`))).toStrictEqual([
      {
        gitlab: 'gitlab-manifests',
        codecommit: 'manifests-mirror',
        branches: ['main'],
        adopt: false,
        driftAlertMinutes: 30,
      },
    ]);
  });

  it('accepts a document with mirrors and neither images nor flow', () => {
    const config = parseConfig(parse(withMirror(`{ ${PAIR}, branches: ['**'] }`)), 'test.yaml');
    expect(config.images).toEqual([]);
    expect(config.flow).toEqual({});
    expect(config.mirrors).toHaveLength(1);
  });

  it('defaults to no mirrors', () => {
    const yaml = `${REPOSITORIES}flow: { manifests-mirror: { promotion: [main] } }\n`;
    expect(mirrorsOf(yaml)).toStrictEqual([]);
  });

  it('takes the bounds of driftAlertMinutes', () => {
    for (const minutes of [1, 10080]) {
      expect(
        mirrorsOf(withMirror(`{ ${PAIR}, branches: [main], driftAlertMinutes: ${minutes} }`))[0],
      ).toMatchObject({ driftAlertMinutes: minutes });
    }
  });

  it('accepts one GitLab project mirrored into same-named CodeCommit repositories of two regions', () => {
    const yaml = `${REPOSITORIES.replace(
      '  local:',
      '  mirror-us: { provider: codecommit, name: app-manifests, region: us-east-1 }\n  local:',
    )}mirrors:
  - { ${PAIR}, branches: [main] }
  - { gitlab: gitlab-manifests, codecommit: mirror-us, branches: [main], mirrorId: 8 }
`;
    expect(mirrorsOf(yaml).map((mirror) => mirror.codecommit)).toEqual(['manifests-mirror', 'mirror-us']);
  });
});

describe('type errors in the mirrors section', () => {
  it.each([
    ['mirrors: {}', ['mirrors: must be a list (got an object)']],
    ['mirrors: []', ['mirrors: must list at least one mirror']],
    ['mirrors: [gitlab-manifests]', ['mirrors[0]: must be an object (got "gitlab-manifests")']],
    [
      'mirrors: [{}]',
      ['mirrors[0].gitlab: required', 'mirrors[0].codecommit: required', 'mirrors[0].branches: required'],
    ],
  ])('reports %s', (section, issues) => {
    expect(issuesOf(`${REPOSITORIES}${section}\n`)).toEqual(issues);
  });

  it.each([
    ['branches: main', ['mirrors[0].branches: must be a list (got "main")']],
    ['branches: []', ['mirrors[0].branches: must list at least one branch']],
    ['branches: [main, 5]', ['mirrors[0].branches[1]: must be a string (got 5)']],
    [
      "branches: ['release/***']",
      ["mirrors[0].branches[0]: 'release/***' has three or more * in a row; use * or **"],
    ],
    [
      'branches: [refs/heads/main]',
      [
        "mirrors[0].branches[0]: 'refs/heads/main' is a full ref; write the short pattern (main, not refs/heads/main)",
      ],
    ],
    ["branches: ['']", ['mirrors[0].branches[0]: the pattern must not be empty']],
    ["branches: ['a..b']", ['mirrors[0].branches[0]: \'a..b\' must not contain ".."']],
    ['branches: [main], mirrorId: 0', ['mirrors[0].mirrorId: must be at least 1 (got 0)']],
    ['branches: [main], mirrorId: 2.5', ['mirrors[0].mirrorId: must be an integer (got 2.5)']],
    ["branches: [main], mirrorId: '7'", ['mirrors[0].mirrorId: must be a number (got "7")']],
    ['branches: [main], adopt: yes', ['mirrors[0].adopt: must be true or false (got "yes")']],
    ['branches: [main], driftAlertMinutes: 0', ['mirrors[0].driftAlertMinutes: must be at least 1 (got 0)']],
    [
      'branches: [main], driftAlertMinutes: 10081',
      ['mirrors[0].driftAlertMinutes: must be at most 10080 (got 10081)'],
    ],
    [
      'branches: [main], driftAlertMinutes: 7.5',
      ['mirrors[0].driftAlertMinutes: must be an integer (got 7.5)'],
    ],
    [
      'branch: [main]',
      ['mirrors[0].branch: unknown key; did you mean "branches"?', 'mirrors[0].branches: required'],
    ],
    ['branches: [main], mirror_id: 7', ['mirrors[0].mirror_id: unknown key; did you mean "mirrorId"?']],
    [
      'branches: [main], gitlab: { project: platform/app-manifests }',
      [
        'mirrors[0].gitlab: must be the name of a repository with provider gitlab, defined under repositories (got an object)',
      ],
    ],
  ])('reports %s', (fields, issues) => {
    const mirror = fields.includes('gitlab:')
      ? `{ codecommit: manifests-mirror, ${fields} }`
      : `{ ${PAIR}, ${fields} }`;
    expect(issuesOf(withMirror(mirror))).toEqual(issues);
  });
});

describe('mirrors across the document', () => {
  it('reports repositories that are not defined', () => {
    expect(issuesOf(withMirror('{ gitlab: gitlab, codecommit: mirror, branches: [main] }'))).toEqual([
      'mirrors[0].gitlab: unknown repository "gitlab"; known: gitlab-manifests, manifests-mirror, local',
      'mirrors[0].codecommit: unknown repository "mirror"; known: gitlab-manifests, manifests-mirror, local',
    ]);
  });

  it('reports repositories of the wrong provider', () => {
    expect(
      issuesOf(withMirror('{ gitlab: manifests-mirror, codecommit: gitlab-manifests, branches: [main] }')),
    ).toEqual([
      'mirrors[0].gitlab: must name a GitLab repository; "manifests-mirror" is a CodeCommit repository',
      'mirrors[0].codecommit: must name a CodeCommit repository; "gitlab-manifests" is a GitLab repository',
    ]);
    expect(issuesOf(withMirror('{ gitlab: gitlab-manifests, codecommit: local, branches: [main] }'))).toEqual(
      ['mirrors[0].codecommit: must name a CodeCommit repository; "local" is a local repository'],
    );
  });

  it('reports the same pair twice, also under other names for the same repositories', () => {
    const repositories = REPOSITORIES.replace(
      '  local:',
      [
        '  same-project:',
        '    provider: gitlab',
        '    url: https://GitLab.example.com/',
        '    project: Platform/App-Manifests',
        '    token: { secretsManager: gitlab/token }',
        '  same-mirror: { provider: codecommit, name: app-manifests }',
        '  local:',
      ].join('\n'),
    );
    const yaml = `${repositories}mirrors:
  - { ${PAIR}, branches: [main] }
  - { ${PAIR}, branches: ['release/*'] }
  - { gitlab: same-project, codecommit: same-mirror, branches: [dev] }
`;
    expect(issuesOf(yaml)).toEqual([
      'mirrors[1]: duplicates mirrors[0] (same GitLab project and CodeCommit repository)',
      'mirrors[2]: duplicates mirrors[0] (same GitLab project and CodeCommit repository)',
    ]);
  });

  it('reports a CodeCommit repository mirrored from two GitLab projects', () => {
    const repositories = REPOSITORIES.replace(
      '  local:',
      [
        '  other-project:',
        '    provider: gitlab',
        '    url: https://gitlab.example.com',
        '    project: 4711',
        '    token: { ssm: /flowkeeper/gitlab-token }',
        '  same-mirror: { provider: codecommit, name: app-manifests }',
        '  local:',
      ].join('\n'),
    );
    const yaml = `${repositories}mirrors:
  - { ${PAIR}, branches: [main] }
  - { gitlab: other-project, codecommit: manifests-mirror, branches: [main] }
  - { gitlab: other-project, codecommit: same-mirror, branches: [main] }
`;
    expect(issuesOf(yaml)).toEqual([
      'mirrors[1].codecommit: this CodeCommit repository is already the mirror of "gitlab-manifests" at mirrors[0]; a CodeCommit repository mirrors one GitLab project only',
      'mirrors[2]: duplicates mirrors[1] (same GitLab project and CodeCommit repository)',
    ]);
  });

  it('reports a remote mirror id given to mirrors into two CodeCommit repositories', () => {
    const yaml = `${REPOSITORIES.replace('  local:', '  second: { provider: codecommit, name: second }\n  local:')}mirrors:
  - { ${PAIR}, branches: [main], mirrorId: 7 }
  - { gitlab: gitlab-manifests, codecommit: second, branches: [main], mirrorId: 7 }
`;
    expect(issuesOf(yaml)).toEqual([
      'mirrors[1].mirrorId: remote mirror 7 of this GitLab project is already used by mirrors[0], which pushes to another CodeCommit repository',
    ]);
  });

  it('reports a document with neither images, flow nor mirrors', () => {
    expect(issuesOf(REPOSITORIES)).toEqual([
      'images: required: list at least one image, configure the branch flow of a repository under flow, or mirror a GitLab project under mirrors',
    ]);
  });

  it('lists the problems of repositories and mirrors together, in document order', () => {
    const yaml = `
mirrors:
  - { gitlab: gitlab-manifests, codecommit: nowhere, branches: ['-x'], adopt: 1 }
repositories:
  gitlab-manifests: { provider: gitlab, url: 'https://gitlab.example.com/api/v4', project: a/b, token: secret }
`;
    expect(issuesOf(yaml)).toEqual([
      'mirrors[0].codecommit: unknown repository "nowhere"; known: gitlab-manifests',
      `mirrors[0].branches[0]: '-x' must not start with "-"`,
      'mirrors[0].adopt: must be true or false (got 1)',
      'repositories.gitlab-manifests.url: must be the URL of the instance without /api/v4, which Flowkeeper adds: write "https://gitlab.example.com"',
      'repositories.gitlab-manifests.token: must not hold the token itself: store the token in SSM (a SecureString parameter) or in Secrets Manager and reference it here as { ssm: <parameter name> } or { secretsManager: <secret name or ARN> }',
    ]);
  });
});

describe('mirrors split across SSM parameters', () => {
  const repositories = parse(REPOSITORIES) as { repositories: Record<string, unknown> };
  const mirror = (branch: string) => ({
    gitlab: 'gitlab-manifests',
    codecommit: 'manifests-mirror',
    branches: [branch],
  });

  it('concatenates the mirrors of every part in name order', () => {
    const merged = mergeConfigParts(
      [
        { name: '/fk/b-mirrors', document: { mirrors: [mirror('release/*')] } },
        { name: '/fk/a-repositories', document: repositories },
        { name: '/fk/c-more', document: { mirrors: [mirror('main')] } },
      ],
      'test',
    );
    expect(merged).toEqual({ ...repositories, mirrors: [mirror('release/*'), mirror('main')] });
    // The same pair in two parts is caught once the parts are one document.
    expect(() => parseConfig(merged, 'test')).toThrow(
      'mirrors[1]: duplicates mirrors[0] (same GitLab project and CodeCommit repository)',
    );
  });

  it('keeps a mirrors-only configuration valid', () => {
    const merged = mergeConfigParts(
      [
        { name: '/fk/a', document: repositories },
        { name: '/fk/b', document: { mirrors: [mirror('main')] } },
      ],
      'test',
    );
    expect(merged).not.toHaveProperty('images');
    expect(parseConfig(merged, 'test').mirrors).toEqual([
      { ...mirror('main'), adopt: false, driftAlertMinutes: 30 },
    ]);
  });
});
