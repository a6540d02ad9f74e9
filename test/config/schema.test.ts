import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseConfig } from '#config/schema.ts';
import type { Config } from '#config/types.ts';
import { ConfigError } from '#domain/errors.ts';

const REPOSITORIES = `
repositories:
  manifests: { provider: local, path: /srv/manifests }
  prod: { provider: codecommit, name: app-manifests }
`;

/** A document whose only image updates `target` (YAML flow mapping). */
const withTarget = (target: string) => `${REPOSITORIES}
images:
  - ecr: my-app
    update:
      - ${target}
`;

/** A document whose only image has the given `tags` (YAML flow mapping). */
const withTags = (tags: string) => `${REPOSITORIES}
images:
  - ecr: my-app
    tags: ${tags}
    update:
      - { repository: manifests, branch: main, file: app.yaml, kind: kustomize, image: app }
`;

function issuesOf(yaml: string, options?: { baseDirectory?: string }): string[] {
  try {
    parseConfig(parse(yaml), 'test.yaml', options);
  } catch (error) {
    if (error instanceof ConfigError) return error.issues;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

const KUSTOMIZE = {
  repository: 'manifests',
  branch: 'main',
  file: 'app.yaml',
  kind: 'kustomize',
  image: 'app',
  setName: false,
} as const;

const defaults = {
  commit: { author: { name: 'Flowkeeper', email: 'flowkeeper@noreply.local' }, maxAttempts: 5 },
  flow: {},
  mirrors: [],
};

describe('parseConfig with valid documents', () => {
  const cases: { name: string; yaml: string; expected: Config; baseDirectory?: string }[] = [
    {
      name: 'applies every default to a minimal document',
      yaml: `
repositories: { manifests: { provider: local, path: /srv/manifests } }
images:
  - ecr: my-app
    update: [{ repository: manifests, branch: main, file: app.yaml, kind: kustomize, image: app }]
`,
      expected: {
        repositories: { manifests: { provider: 'local', path: '/srv/manifests' } },
        ...defaults,
        images: [
          {
            ecr: 'my-app',
            tags: { ordering: { kind: 'semver', range: '*', prerelease: false }, include: [], exclude: [] },
            digest: 'ignore',
            update: [KUSTOMIZE],
          },
        ],
      },
    },
    {
      name: 'maps every target kind with its options and defaults',
      yaml: `${REPOSITORIES}
images:
  - ecr: team/my-app
    uri: 111122223333.dkr.ecr.eu-west-1.amazonaws.com/team/my-app
    digest: pin
    update:
      - { repository: manifests, branch: dev, file: overlays/dev/kustomization.yaml, kind: kustomize, image: my-app, setName: true }
      - { repository: manifests, branch: stg, file: charts/app/values.yaml, kind: helm, path: image }
      - { repository: manifests, branch: stg, file: charts/app/values.yaml, kind: helm, path: side.image, tagKey: version, repositoryKey: repo, digestKey: sha }
      - { repository: manifests, branch: stg, file: k8s/deploy.yaml, kind: kubernetes, container: web, resource: { kind: Deployment, name: web } }
      - { repository: manifests, branch: stg, file: k8s/deploy.yaml, kind: kubernetes, container: sidecar }
      - { repository: manifests, branch: stg, file: x.yaml, kind: yaml, path: 'spec.containers[0].image', value: tag, document: 0 }
      - { repository: manifests, branch: stg, file: x.yaml, kind: yaml, path: spec.image }
      - { repository: prod, branch: release/1.x, file: ecs/imagedefinitions.json, kind: imagedefinitions, container: web }
      - { repository: prod, branch: release/1.x, file: ecs/imageDetail.json, kind: imagedetail }
      - { repository: prod, branch: release/1.x, file: ecs/taskdef.json, kind: taskdefinition, container: web }
`,
      expected: {
        repositories: {
          manifests: { provider: 'local', path: '/srv/manifests' },
          prod: { provider: 'codecommit', name: 'app-manifests' },
        },
        ...defaults,
        images: [
          {
            ecr: 'team/my-app',
            uri: '111122223333.dkr.ecr.eu-west-1.amazonaws.com/team/my-app',
            tags: { ordering: { kind: 'semver', range: '*', prerelease: false }, include: [], exclude: [] },
            digest: 'pin',
            update: [
              {
                ...KUSTOMIZE,
                branch: 'dev',
                file: 'overlays/dev/kustomization.yaml',
                image: 'my-app',
                setName: true,
              },
              {
                repository: 'manifests',
                branch: 'stg',
                file: 'charts/app/values.yaml',
                kind: 'helm',
                path: 'image',
                tagKey: 'tag',
                repositoryKey: 'repository',
                digestKey: 'digest',
                setName: false,
              },
              {
                repository: 'manifests',
                branch: 'stg',
                file: 'charts/app/values.yaml',
                kind: 'helm',
                path: 'side.image',
                tagKey: 'version',
                repositoryKey: 'repo',
                digestKey: 'sha',
                setName: false,
              },
              {
                repository: 'manifests',
                branch: 'stg',
                file: 'k8s/deploy.yaml',
                kind: 'kubernetes',
                container: 'web',
                resource: { kind: 'Deployment', name: 'web' },
                setName: false,
              },
              {
                repository: 'manifests',
                branch: 'stg',
                file: 'k8s/deploy.yaml',
                kind: 'kubernetes',
                container: 'sidecar',
                setName: false,
              },
              {
                repository: 'manifests',
                branch: 'stg',
                file: 'x.yaml',
                kind: 'yaml',
                path: 'spec.containers[0].image',
                value: 'tag',
                document: 0,
                setName: false,
              },
              {
                repository: 'manifests',
                branch: 'stg',
                file: 'x.yaml',
                kind: 'yaml',
                path: 'spec.image',
                value: 'reference',
                setName: false,
              },
              {
                repository: 'prod',
                branch: 'release/1.x',
                file: 'ecs/imagedefinitions.json',
                kind: 'imagedefinitions',
                container: 'web',
                setName: false,
              },
              {
                repository: 'prod',
                branch: 'release/1.x',
                file: 'ecs/imageDetail.json',
                kind: 'imagedetail',
                setName: false,
              },
              {
                repository: 'prod',
                branch: 'release/1.x',
                file: 'ecs/taskdef.json',
                kind: 'taskdefinition',
                container: 'web',
                setName: false,
              },
            ],
          },
        ],
      },
    },
    {
      name: 'maps a pattern policy, a semver policy with prereleases, and include/exclude lists',
      yaml: `
repositories: { manifests: { provider: codecommit, name: app-manifests, region: eu-west-1 } }
commit: { author: { name: Release Bot }, maxAttempts: 20 }
images:
  - ecr: my-app-dev
    tags: { pattern: '^dev-(?<stamp>\\d{14})-[0-9a-f]{7}$', by: stamp, include: ['^dev-'], exclude: ['-rc$'] }
    update: [{ repository: manifests, branch: dev, file: app.yaml, kind: kustomize, image: app }]
  - ecr: my-app
    tags: { semver: '>=1.0.0 <3', prerelease: true }
    update: [{ repository: manifests, branch: main, file: app.yaml, kind: kustomize, image: app }]
  - ecr: my-app-nightly
    tags: { pattern: '^nightly-', order: lexical }
    update: [{ repository: manifests, branch: nightly, file: app.yaml, kind: kustomize, image: app }]
`,
      expected: {
        repositories: { manifests: { provider: 'codecommit', name: 'app-manifests', region: 'eu-west-1' } },
        commit: { author: { name: 'Release Bot', email: 'flowkeeper@noreply.local' }, maxAttempts: 20 },
        flow: {},
        mirrors: [],
        images: [
          {
            ecr: 'my-app-dev',
            tags: {
              ordering: {
                kind: 'pattern',
                pattern: '^dev-(?<stamp>\\d{14})-[0-9a-f]{7}$',
                order: 'numeric',
                by: 'stamp',
              },
              include: ['^dev-'],
              exclude: ['-rc$'],
            },
            digest: 'ignore',
            update: [{ ...KUSTOMIZE, branch: 'dev' }],
          },
          {
            ecr: 'my-app',
            tags: {
              ordering: { kind: 'semver', range: '>=1.0.0 <3', prerelease: true },
              include: [],
              exclude: [],
            },
            digest: 'ignore',
            update: [KUSTOMIZE],
          },
          {
            ecr: 'my-app-nightly',
            tags: {
              ordering: { kind: 'pattern', pattern: '^nightly-', order: 'lexical' },
              include: [],
              exclude: [],
            },
            digest: 'ignore',
            update: [{ ...KUSTOMIZE, branch: 'nightly' }],
          },
        ],
      },
    },
    {
      name: 'resolves relative local paths against the base directory',
      baseDirectory: '/etc/flowkeeper',
      yaml: `
repositories:
  here: { provider: local, path: ./manifests }
  up: { provider: local, path: ../repos/manifests.git }
  absolute: { provider: local, path: /srv/manifests/ }
images:
  - ecr: my-app
    update: [{ repository: here, branch: main, file: app.yaml, kind: imagedetail }]
`,
      expected: {
        repositories: {
          here: { provider: 'local', path: '/etc/flowkeeper/manifests' },
          up: { provider: 'local', path: '/etc/repos/manifests.git' },
          absolute: { provider: 'local', path: '/srv/manifests' },
        },
        ...defaults,
        images: [
          {
            ecr: 'my-app',
            tags: { ordering: { kind: 'semver', range: '*', prerelease: false }, include: [], exclude: [] },
            digest: 'ignore',
            update: [
              { repository: 'here', branch: 'main', file: 'app.yaml', kind: 'imagedetail', setName: false },
            ],
          },
        ],
      },
    },
  ];

  it.each(cases)('$name', ({ yaml, expected, baseDirectory }) => {
    const options = baseDirectory === undefined ? {} : { baseDirectory };
    expect(parseConfig(parse(yaml), 'test.yaml', options)).toStrictEqual(expected);
  });

  it('accepts the same file, branch and kind when the selector differs', () => {
    const yaml = `${REPOSITORIES}
images:
  - ecr: my-app
    update:
      - { repository: manifests, branch: main, file: k.yaml, kind: kustomize, image: a }
      - { repository: manifests, branch: main, file: k.yaml, kind: kustomize, image: b }
  - ecr: other
    update:
      - { repository: manifests, branch: main, file: x.yaml, kind: yaml, path: a, document: 0 }
      - { repository: manifests, branch: main, file: x.yaml, kind: yaml, path: a, document: 1 }
      - { repository: prod, branch: main, file: k.yaml, kind: kustomize, image: a }
`;
    expect(parseConfig(parse(yaml), 'test.yaml').images.flatMap((image) => image.update)).toHaveLength(5);
  });

  it.each(['main', 'feature/JIRA-12_x', 'release/1.2.x', 'a.b', 'user@host', 'héllo'])(
    'accepts the branch name %j',
    (branch) => {
      const config = parseConfig(
        parse(withTarget(`{ repository: manifests, branch: '${branch}', file: a.yaml, kind: imagedetail }`)),
        't',
      );
      expect(config.images[0]?.update[0]).toMatchObject({ branch });
    },
  );

  it.each([
    'a.yaml',
    'overlays/dev/kustomization.yaml',
    '.github/values.yaml',
    'dir.with.dots/file',
    'spaces are fine.yaml',
  ])('accepts the file path %j', (file) => {
    const config = parseConfig(
      parse(withTarget(`{ repository: manifests, branch: main, file: '${file}', kind: imagedetail }`)),
      't',
    );
    expect(config.images[0]?.update[0]).toMatchObject({ file });
  });
});

describe('parseConfig with invalid documents', () => {
  const cases: { name: string; yaml: string; issues: string[]; baseDirectory?: string }[] = [
    {
      name: 'a list at the top level',
      yaml: '- a\n- b\n',
      issues: ['(root): must be an object with repositories and images (got a list)'],
    },
    {
      name: 'a string at the top level',
      yaml: 'hello\n',
      issues: ['(root): must be an object with repositories and images (got "hello")'],
    },
    {
      name: 'an empty document',
      yaml: '# nothing here\n',
      issues: ['(root): the configuration is empty; expected an object with repositories and images'],
    },
    {
      name: 'missing required keys and an unknown top-level key',
      yaml: 'imagse: []\n',
      issues: [
        'imagse: unknown key; did you mean "images"?',
        'repositories: required',
        'images: required: list at least one image, configure the branch flow of a repository under flow, or mirror a GitLab project under mirrors',
      ],
    },
    {
      name: 'empty images and repositories',
      yaml: 'repositories: {}\nimages: []\n',
      issues: ['repositories: must define at least one repository', 'images: must list at least one image'],
    },
    {
      name: 'repositories given as a list',
      yaml: 'repositories: [manifests]\nimages: []\n',
      issues: ['repositories: must be an object (got a list)', 'images: must list at least one image'],
    },
    {
      name: 'a repository name with a space',
      yaml: withTarget('{ repository: manifests, branch: main, file: a.yaml, kind: imagedetail }').replace(
        'prod:',
        '"my prod":',
      ),
      issues: [
        'repositories["my prod"]: repository names start with a letter or digit and hold only letters, digits, ".", "_" and "-" (at most 100)',
      ],
    },
    {
      name: 'an unknown provider',
      yaml: `
repositories: { manifests: { provider: bitbucket, project: a/b } }
images: [{ ecr: my-app, update: [{ repository: manifests, branch: main, file: a.yaml, kind: imagedetail }] }]
`,
      issues: ['repositories.manifests.provider: must be one of local, codecommit, gitlab (got "bitbucket")'],
    },
    {
      name: 'a local repository without path and a misspelt key',
      yaml: `
repositories: { manifests: { provider: local, pth: /srv/m } }
images: [{ ecr: my-app, update: [{ repository: manifests, branch: main, file: a.yaml, kind: imagedetail }] }]
`,
      issues: [
        'repositories.manifests.pth: unknown key; did you mean "path"?',
        'repositories.manifests.path: required',
      ],
    },
    {
      name: 'an invalid CodeCommit name and region',
      yaml: `
repositories: { prod: { provider: codecommit, name: manifests.git, region: Europe } }
images: [{ ecr: my-app, update: [{ repository: prod, branch: main, file: a.yaml, kind: imagedetail }] }]
`,
      issues: [
        'repositories.prod.name: must be a CodeCommit repository name (1-100 letters, digits, ".", "_" or "-", not ending in ".git"; got "manifests.git")',
        'repositories.prod.region: must be an AWS region such as eu-west-1 (got "Europe")',
      ],
    },
    {
      name: 'a relative local path without a configuration file',
      yaml: withTarget('{ repository: manifests, branch: main, file: a.yaml, kind: imagedetail }').replace(
        '/srv/manifests',
        './manifests',
      ),
      issues: [
        'repositories.manifests.path: must be an absolute path: there is no configuration file to resolve it against (got "./manifests")',
      ],
    },
    {
      name: 'commit settings out of range and of the wrong type',
      yaml: `${withTarget('{ repository: manifests, branch: main, file: a.yaml, kind: imagedetail }')}
commit: { author: { name: 'Bot <bot>', mail: x }, maxAttempts: 21 }
`,
      issues: [
        'commit.author.name: must be a non-empty name without "<", ">" or line breaks',
        'commit.author.mail: unknown key; did you mean "email"?',
        'commit.maxAttempts: must be at most 20 (got 21)',
      ],
    },
    {
      name: 'a fractional maxAttempts, a string maxAttempts and an invalid email',
      yaml: `${withTarget('{ repository: manifests, branch: main, file: a.yaml, kind: imagedetail }')}
commit: { maxAttempts: 2.5, author: { email: 'not an email' } }
`,
      issues: [
        'commit.maxAttempts: must be an integer (got 2.5)',
        'commit.author.email: must be an email address (got "not an email")',
      ],
    },
    {
      name: 'zero maxAttempts',
      yaml: `${withTarget('{ repository: manifests, branch: main, file: a.yaml, kind: imagedetail }')}
commit: { maxAttempts: 0 }
`,
      issues: ['commit.maxAttempts: must be at least 1 (got 0)'],
    },
    {
      name: 'ECR names breaking the naming rules',
      yaml: `${REPOSITORIES}
images:
  - { ecr: My-App, update: [{ repository: manifests, branch: a, file: a.yaml, kind: imagedetail }] }
  - { ecr: a, update: [{ repository: manifests, branch: b, file: a.yaml, kind: imagedetail }] }
  - { ecr: team//app, update: [{ repository: manifests, branch: c, file: a.yaml, kind: imagedetail }] }
  - { ecr: 42, update: [{ repository: manifests, branch: d, file: a.yaml, kind: imagedetail }] }
`,
      issues: [
        'images[0].ecr: must be an ECR repository name (2-256 characters: lowercase letters and digits separated by ".", "_", "-" or "/"; got "My-App")',
        'images[1].ecr: must be an ECR repository name (2-256 characters: lowercase letters and digits separated by ".", "_", "-" or "/"; got "a")',
        'images[2].ecr: must be an ECR repository name (2-256 characters: lowercase letters and digits separated by ".", "_", "-" or "/"; got "team//app")',
        'images[3].ecr: must be a string (got 42)',
      ],
    },
    {
      name: 'the same ECR repository twice',
      yaml: `${REPOSITORIES}
images:
  - { ecr: my-app, update: [{ repository: manifests, branch: dev, file: a.yaml, kind: imagedetail }] }
  - { ecr: other, update: [{ repository: manifests, branch: dev, file: b.yaml, kind: imagedetail }] }
  - { ecr: my-app, update: [{ repository: manifests, branch: stg, file: a.yaml, kind: imagedetail }] }
`,
      issues: ['images[2].ecr: "my-app" is already configured at images[0]; merge their update lists'],
    },
    {
      name: 'image URIs with a tag, with a digest, and malformed',
      yaml: `${REPOSITORIES}
images:
  - { ecr: a1, uri: 'registry.example.com:5000/app:1.0', update: [{ repository: manifests, branch: a, file: a.yaml, kind: imagedetail }] }
  - { ecr: a2, uri: 'registry.example.com/app@sha256:abcd', update: [{ repository: manifests, branch: b, file: a.yaml, kind: imagedetail }] }
  - { ecr: a3, uri: 'Registry Example/App', update: [{ repository: manifests, branch: c, file: a.yaml, kind: imagedetail }] }
`,
      issues: [
        'images[0].uri: must be an image name without tag or digest (got "registry.example.com:5000/app:1.0")',
        'images[1].uri: must be an image name without tag or digest (got "registry.example.com/app@sha256:abcd")',
        'images[2].uri: must be an image name such as 111122223333.dkr.ecr.eu-west-1.amazonaws.com/my-app (got "Registry Example/App")',
      ],
    },
    {
      name: 'semver and pattern together',
      yaml: withTags(`{ semver: '^1', pattern: '^v' }`),
      issues: ['images[0].tags: set either semver or pattern, not both'],
    },
    {
      name: 'order and by without pattern',
      yaml: withTags(`{ semver: '^1', order: lexical, by: stamp }`),
      issues: [
        'images[0].tags.order: only allowed with pattern',
        'images[0].tags.by: only allowed with pattern',
      ],
    },
    {
      name: 'prerelease with pattern',
      yaml: withTags(`{ pattern: '^v', prerelease: true }`),
      issues: ['images[0].tags.prerelease: only allowed with semver'],
    },
    {
      name: 'by naming a group the pattern does not have',
      yaml: withTags(`{ pattern: '^dev-(?<stamp>\\d+)$', by: stmp }`),
      issues: ['images[0].tags.by: "stmp" is not a named group of pattern (named groups: stamp)'],
    },
    {
      name: 'by with a pattern that has no named group',
      yaml: withTags(`{ pattern: '^dev-(\\d+)$', by: stamp }`),
      issues: ['images[0].tags.by: "stamp" is not a named group of pattern (pattern has no named groups)'],
    },
    {
      name: 'regular expressions that do not compile',
      yaml: withTags(`{ pattern: '^dev-(\\d+$', include: ['[a-'], exclude: ['ok', '*x'] }`),
      issues: [
        'images[0].tags.pattern: does not compile: Invalid regular expression: /^dev-(\\d+$/: Unterminated group',
        'images[0].tags.include[0]: does not compile: Invalid regular expression: /[a-/: Unterminated character class',
        'images[0].tags.exclude[1]: does not compile: Invalid regular expression: /*x/: Nothing to repeat',
      ],
    },
    {
      name: 'an invalid semver range and a misspelt order',
      yaml: withTags(`{ semver: '>=1.0.0 <<2', orde: numeric }`),
      issues: [
        'images[0].tags.semver: invalid semver range ">=1.0.0 <<2"',
        'images[0].tags.orde: unknown key; did you mean "order"?',
      ],
    },
    {
      name: 'an unknown order and digest mode',
      yaml: `${withTags(`{ pattern: '^v', order: numerical }`)}    digest: pinned\n`,
      issues: [
        'images[0].tags.order: must be one of numeric, lexical, push-time (got "numerical"); did you mean "numeric"?',
        'images[0].digest: must be one of ignore, pin (got "pinned"); did you mean "pin"?',
      ],
    },
    {
      name: 'an empty update list',
      yaml: `${REPOSITORIES}\nimages: [{ ecr: my-app, update: [] }]\n`,
      issues: ['images[0].update: must list at least one target'],
    },
    {
      name: 'a misspelt target key',
      yaml: withTarget(
        '{ repository: manifests, branch: main, file: a.json, kind: imagedefinitions, contaner: web }',
      ),
      issues: [
        'images[0].update[0].contaner: unknown key; did you mean "container"?',
        'images[0].update[0].container: required',
      ],
    },
    {
      name: 'a key that belongs to another kind',
      yaml: withTarget(
        '{ repository: manifests, branch: main, file: a.json, kind: imagedetail, container: web }',
      ),
      issues: ['images[0].update[0].container: unknown key'],
    },
    {
      name: 'a file outside the repository',
      yaml: withTarget('{ repository: manifests, branch: main, file: ../x, kind: imagedetail }'),
      issues: ['images[0].update[0].file: must be a relative path inside the repository (got "../x")'],
    },
    {
      name: 'a repository that is not defined',
      yaml: `${REPOSITORIES}
images:
  - ecr: my-app
    update:
      - { repository: manifests, branch: main, file: a.yaml, kind: imagedetail }
      - { repository: prod, branch: main, file: a.yaml, kind: imagedetail }
      - { repository: manifest, branch: main, file: b.yaml, kind: imagedetail }
`,
      issues: ['images[0].update[2].repository: unknown repository "manifest"; known: manifests, prod'],
    },
    {
      name: 'an unknown kind, with the common keys still checked',
      yaml: withTarget('{ repository: manifests, branch: a..b, file: /abs, kind: kustomise, image: app }'),
      issues: [
        'images[0].update[0].branch: invalid branch name "a..b": must not contain ".."',
        'images[0].update[0].file: must be a relative path inside the repository (got "/abs")',
        'images[0].update[0].kind: must be one of kustomize, helm, kubernetes, yaml, imagedefinitions, imagedetail, taskdefinition, discover, ssm (got "kustomise"); did you mean "kustomize"?',
      ],
    },
    {
      name: 'a target without kind',
      yaml: withTarget('{ repository: manifests, branch: main, file: a.yaml }'),
      issues: [
        'images[0].update[0].kind: required; one of kustomize, helm, kubernetes, yaml, imagedefinitions, imagedetail, taskdefinition, discover, ssm',
      ],
    },
    {
      name: 'a target that is not an object',
      yaml: withTarget('overlays/dev/kustomization.yaml'),
      issues: ['images[0].update[0]: must be an object (got "overlays/dev/kustomization.yaml")'],
    },
    {
      name: 'a kubernetes resource that narrows nothing',
      yaml: withTarget(
        '{ repository: manifests, branch: main, file: k.yaml, kind: kubernetes, container: web, resource: {} }',
      ),
      issues: ['images[0].update[0].resource: must set kind or name'],
    },
    {
      name: 'invalid yaml-path options',
      yaml: withTarget(
        '{ repository: manifests, branch: main, file: x.yaml, kind: yaml, path: a..b, value: tags, document: -1 }',
      ),
      issues: [
        'images[0].update[0].path: must be a dotted path such as spec.image, a.b[0].c or spec.containers[name=web].image (got "a..b")',
        'images[0].update[0].value: must be one of reference, tag (got "tags"); did you mean "tag"?',
        'images[0].update[0].document: must be at least 0 (got -1)',
      ],
    },
    {
      name: 'a helm target without path, an empty tagKey and a string setName',
      yaml: withTarget(
        "{ repository: manifests, branch: main, file: v.yaml, kind: helm, tagKey: '', setName: 'yes' }",
      ),
      issues: [
        'images[0].update[0].tagKey: must not be empty',
        'images[0].update[0].setName: must be true or false (got "yes")',
        'images[0].update[0].path: required',
      ],
    },
    {
      name: 'duplicate targets across images',
      yaml: `${REPOSITORIES}
images:
  - ecr: my-app
    update:
      - { repository: manifests, branch: main, file: k.yaml, kind: kustomize, image: app }
      - { repository: manifests, branch: main, file: d.yaml, kind: kubernetes, container: web, resource: { kind: Deployment } }
  - ecr: other-app
    update:
      - { repository: manifests, branch: main, file: k.yaml, kind: kustomize, image: app, setName: true }
      - { repository: manifests, branch: main, file: d.yaml, kind: kubernetes, container: web, resource: { kind: Deployment } }
      - { repository: manifests, branch: main, file: d.json, kind: imagedetail }
      - { repository: manifests, branch: main, file: d.json, kind: imagedetail }
`,
      issues: [
        'images[1].update[0]: duplicates images[0].update[0] (same repository, branch, file, kind and image)',
        'images[1].update[1]: duplicates images[0].update[1] (same repository, branch, file, kind, container and resource)',
        'images[1].update[3]: duplicates images[1].update[2] (same repository, branch, file and kind)',
      ],
    },
    {
      name: 'many problems at once, reported in document order',
      yaml: `
repositories:
  manifests: { provider: local, path: /srv/manifests }
images:
  - ecr: My-App
    tags: { semver: 'nope' }
    update:
      - { repository: manifest, branch: main, file: 'a\\b.yaml', kind: helm, path: image }
      - { repository: manifests, branch: 'feature branch', file: b.yaml, kind: kustomize }
commit: { maxAttempts: 99 }
extra: true
`,
      issues: [
        'images[0].ecr: must be an ECR repository name (2-256 characters: lowercase letters and digits separated by ".", "_", "-" or "/"; got "My-App")',
        'images[0].tags.semver: invalid semver range "nope"',
        'images[0].update[0].repository: unknown repository "manifest"; known: manifests',
        'images[0].update[0].file: must be a relative path inside the repository (got "a\\\\b.yaml")',
        'images[0].update[1].branch: invalid branch name "feature branch": contains " ", which git does not allow in branch names',
        'images[0].update[1].image: required',
        'commit.maxAttempts: must be at most 20 (got 99)',
        'extra: unknown key',
      ],
    },
  ];

  it.each(cases)('reports $name', ({ yaml, issues, baseDirectory }) => {
    expect(issuesOf(yaml, baseDirectory === undefined ? {} : { baseDirectory })).toEqual(issues);
  });

  it.each([
    ['../x', '../x'],
    ['/etc/passwd', '/etc/passwd'],
    ['a/../../b', 'a/../../b'],
    ['./a.yaml', './a.yaml'],
    ['a//b.yaml', 'a//b.yaml'],
    ['overlays/', 'overlays/'],
    ['overlays\\dev.yaml', 'overlays\\\\dev.yaml'],
    ['C:/manifests/a.yaml', 'C:/manifests/a.yaml'],
    ['.git/config', '.git/config'],
    ['sub/.GIT/hooks', 'sub/.GIT/hooks'],
    ['a\u0000b', 'a\\u0000b'],
    ['a\nb', 'a\\nb'],
    ['', ''],
  ])('rejects the file path %j', (file, shown) => {
    const doc = parse(
      withTarget('{ repository: manifests, branch: main, file: placeholder, kind: imagedetail }'),
    );
    doc.images[0].update[0].file = file;
    expect(issuesOf(JSON.stringify(doc))).toEqual([
      `images[0].update[0].file: must be a relative path inside the repository (got "${shown}")`,
    ]);
  });

  it.each([
    ['a..b', 'must not contain ".."'],
    ['-feature', 'must not start with "-"'],
    ['topic.lock', 'no path component may end with ".lock"'],
    ['team/x.lock/y', 'no path component may end with ".lock"'],
    ['feature/.hidden', 'no path component may start with "."'],
    ['feature/', 'has an empty path segment (leading, trailing or double /)'],
    ['/feature', 'has an empty path segment (leading, trailing or double /)'],
    ['a//b', 'has an empty path segment (leading, trailing or double /)'],
    ['main.', 'ends with ., which git does not allow'],
    ['@', 'is a name git reserves'],
    ['HEAD', 'is a name git reserves'],
    ['main@{1}', 'must not contain "@{"'],
    ['a b', 'contains " ", which git does not allow in branch names'],
    ['a\tb', 'contains "\\t", which git does not allow in branch names'],
    ['a\u007fb', 'contains "\\u007f", which git does not allow in branch names'],
    ['a\u00a0b', 'contains "\\u00a0", which git does not allow in branch names'],
    ['a~1', 'contains "~", which git does not allow in branch names'],
    ['a^', 'contains "^", which git does not allow in branch names'],
    ['a:b', 'contains ":", which git does not allow in branch names'],
    ['a?', 'contains "?", which git does not allow in branch names'],
    ['a[1]', 'contains "[", which git does not allow in branch names'],
    ['a\\b', 'contains "\\\\", which git does not allow in branch names'],
    ['a*', 'is a pattern; name one branch here'],
    ['refs/heads/main', 'is a full ref; write the short branch name (main, not refs/heads/main)'],
    ['', 'must not be empty'],
    ['  ', 'must not be empty'],
  ])('rejects the branch name %j', (branch, reason) => {
    const doc = parse(
      withTarget('{ repository: manifests, branch: placeholder, file: a.yaml, kind: imagedetail }'),
    );
    doc.images[0].update[0].branch = branch;
    expect(issuesOf(JSON.stringify(doc))).toEqual([
      `images[0].update[0].branch: invalid branch name ${JSON.stringify(branch)}: ${reason}`,
    ]);
  });

  it('throws a ConfigError naming the source, with every issue in the message', () => {
    const error = (() => {
      try {
        parseConfig({ images: 'none' }, 'ssm:/flowkeeper/config');
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).source).toBe('ssm:/flowkeeper/config');
    expect((error as ConfigError).message).toBe(
      'invalid configuration in ssm:/flowkeeper/config: images: must be a list (got "none"); repositories: required',
    );
  });
});

describe('values two targets would fight over', () => {
  const document = (repositories: string, targets: string[]) => `
repositories:
${repositories}
images:
  - ecr: my-app
    update:
      - ${targets[0]}
  - ecr: my-app-dev
    tags: { pattern: '^dev-(?<stamp>\\d{14})$', by: stamp }
    update:
${targets
  .slice(1)
  .map((t) => `      - ${t}`)
  .join('\n')}
`;
  const repos = `
  manifests: { provider: codecommit, name: app-manifests }
  again: { provider: codecommit, name: app-manifests, region: eu-west-1 }
  elsewhere: { provider: codecommit, name: other-manifests }
  local: { provider: local, path: /srv/manifests }
  local-git: { provider: local, path: /srv/manifests/.git }
  gitlab: { provider: gitlab, url: 'https://GitLab.example.com/', project: Platform/Manifests, token: { ssm: /t } }
  gitlab-too: { provider: gitlab, url: 'https://gitlab.example.com', project: platform/manifests, token: { ssm: /t } }`;
  const at = (repository: string, file: string, rest: string) =>
    `{ repository: ${repository}, branch: stg, file: ${file}, ${rest} }`;

  it('refuses a Helm mapping and a yaml path to its tag', () => {
    expect(
      issuesOf(
        document(repos, [
          at('manifests', 'values.yaml', 'kind: helm, path: image'),
          at('manifests', 'values.yaml', 'kind: yaml, path: image.tag, value: tag'),
        ]),
      ),
    ).toEqual([
      "images[1].update[0]: writes the same value as images[0].update[0]: image.tag in values.yaml on branch stg of repository manifests; two images would replace each other's tag there, so keep one target per value",
    ]);
  });

  it('refuses one value reached through two names of one repository', () => {
    const issues = issuesOf(
      document(repos, [
        at('manifests', 'k.yaml', 'kind: kustomize, image: app'),
        at('again', 'k.yaml', 'kind: kustomize, image: app'),
        at('gitlab', 'v.yaml', 'kind: helm, path: image'),
        at('gitlab-too', 'v.yaml', 'kind: helm, path: image'),
        at('local', 'd.yaml', 'kind: kubernetes, container: web'),
        at('local-git', 'd.yaml', 'kind: yaml, path: "spec.template.spec.containers[name=web].image"'),
      ]).replace('      - { repository: gitlab,', '      - { repository: gitlab,'),
    );
    expect(issues).toEqual([
      expect.stringMatching(
        /^images\[1\]\.update\[0\]: writes the same value as images\[0\]\.update\[0\]: images\[name=app\] in k\.yaml on branch stg of repositories manifests and again, which are both CodeCommit app-manifests in eu-west-1;/,
      ),
      expect.stringMatching(
        /^images\[1\]\.update\[2\]: writes the same value as images\[1\]\.update\[1\]: image in v\.yaml on branch stg of repositories gitlab and gitlab-too, which are both GitLab https:\/\/gitlab\.example\.com project platform\/manifests;/,
      ),
      expect.stringMatching(
        /^images\[1\]\.update\[4\]: writes the same value as images\[1\]\.update\[3\]: spec\.template\.spec\.containers\[name=web\]\.image in d\.yaml .* repositories local and local-git, which are both local \/srv\/manifests;/,
      ),
    ]);
  });

  it('refuses kustomize and a yaml path into its entry, and kubernetes targets whose resources can meet', () => {
    const issues = issuesOf(
      document(repos, [
        at('manifests', 'k.yaml', 'kind: kustomize, image: app'),
        at('manifests', 'k.yaml', 'kind: yaml, path: "images[name=app].newTag", value: tag'),
        at('manifests', 'd.yaml', 'kind: kubernetes, container: web'),
        at('manifests', 'd.yaml', 'kind: kubernetes, container: web, resource: { kind: Deployment }'),
      ]),
    );
    expect(issues).toEqual([
      expect.stringMatching(
        /^images\[1\]\.update\[0\]: writes the same value as images\[0\]\.update\[0\]: images\[name=app\]\.newTag in k\.yaml/,
      ),
      expect.stringMatching(
        /^images\[1\]\.update\[2\]: writes the same value as images\[1\]\.update\[1\]: the image of container web in d\.yaml/,
      ),
    ]);
  });

  it('accepts values that differ: another repository, branch, document, container or resource', () => {
    const yaml = document(repos, [
      at('manifests', 'values.yaml', 'kind: helm, path: image'),
      at('elsewhere', 'values.yaml', 'kind: helm, path: image'),
      '{ repository: manifests, branch: dev, file: values.yaml, kind: helm, path: image }',
      at('manifests', 'values.yaml', 'kind: helm, path: sidecar.image'),
      at('manifests', 'multi.yaml', 'kind: yaml, path: spec.image, document: 0'),
      at('manifests', 'multi.yaml', 'kind: yaml, path: spec.image, document: 1'),
      at('manifests', 'd.yaml', 'kind: kubernetes, container: web, resource: { kind: Deployment }'),
      at('manifests', 'd.yaml', 'kind: kubernetes, container: web, resource: { kind: CronJob }'),
      at('manifests', 'd.yaml', 'kind: kubernetes, container: worker'),
      at(
        'manifests',
        'd.yaml',
        'kind: yaml, path: "spec.template.spec.containers[name=web].image", value: reference',
      ),
    ]);
    expect(() => parseConfig(parse(yaml), 'test.yaml')).not.toThrow();
  });
});

describe('tag patterns prone to catastrophic backtracking', () => {
  it('are run by a linear-time engine, so such a pattern is accepted and cannot hang', () => {
    expect(() => parseConfig(parse(withTags(`{ pattern: '^v?(\\d+\\.?)+$' }`)), 'test.yaml')).not.toThrow();
  });

  it('refuses, path by path, what that engine cannot run', () => {
    const issues = issuesOf(
      withTags(
        `{ pattern: '^(?<v>\\d+)(?!-dirty)$', by: v, include: ['^(a)\\1$'], exclude: ['ok', '(?<=x)y'] }`,
      ),
    );
    expect(issues).toEqual([
      expect.stringMatching(
        /^images\[0\]\.tags\.pattern: cannot run in linear time \(.*\): tag patterns run on a linear-time engine \(RE2\), which has no lookahead, lookbehind or backreferences/,
      ),
      expect.stringMatching(/^images\[0\]\.tags\.include\[0\]: cannot run in linear time/),
      expect.stringMatching(/^images\[0\]\.tags\.exclude\[1\]: cannot run in linear time/),
    ]);
  });
});

describe('a Helm path that ends at the tag key', () => {
  it('is refused with a hint to use kind: yaml with value: tag', () => {
    expect(
      issuesOf(
        withTarget('{ repository: manifests, branch: main, file: v.yaml, kind: helm, path: image.tag }'),
      ),
    ).toEqual([
      'images[0].update[0].path: "image.tag" ends at the tag key "tag": a helm path names the mapping that holds the tag (path: image) or a whole repo:tag string, and a tag written here as an image reference would read "1.4.1:1.4.2"; to write a bare tag at this path use `kind: yaml` with `value: tag`',
    ]);
    expect(
      issuesOf(
        withTarget(
          '{ repository: manifests, branch: main, file: v.yaml, kind: helm, path: app.image.version, tagKey: version }',
        ),
      ),
    ).toEqual([
      expect.stringMatching(
        /^images\[0\]\.update\[0\]\.path: "app\.image\.version" ends at the tag key "version"/,
      ),
    ]);
  });
});
