import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseConfig } from '#config/schema.ts';
import type { RepositoryConfig } from '#config/types.ts';
import { ConfigError } from '#domain/errors.ts';

/** A document whose `gitlab` repository is the given YAML flow mapping, next to one image. */
const withGitLab = (repository: string) => `
repositories:
  gitlab: ${repository}
images:
  - ecr: my-app
    update: [{ repository: gitlab, branch: main, file: app.yaml, kind: kustomize, image: app }]
`;

const TOKEN = '{ ssm: /flowkeeper/gitlab-token }';

function issuesOf(yaml: string): string[] {
  try {
    parseConfig(parse(yaml), 'test.yaml');
  } catch (error) {
    if (error instanceof ConfigError) return error.issues;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

const repositoryOf = (yaml: string): RepositoryConfig | undefined =>
  parseConfig(parse(yaml), 'test.yaml').repositories.gitlab;

/** The repository with `key` set to `value` (YAML); the other fields are valid. */
const withField = (key: 'url' | 'project' | 'token', value: string) => {
  const fields = {
    url: "'https://gitlab.example.com'",
    project: 'platform/app',
    token: TOKEN,
    [key]: value,
  };
  return withGitLab(
    `{ provider: gitlab, url: ${fields.url}, project: ${fields.project}, token: ${fields.token} }`,
  );
};

describe('GitLab repositories', () => {
  it('parses a project path and an SSM token parameter', () => {
    expect(repositoryOf(withField('project', 'platform/app-manifests'))).toStrictEqual({
      provider: 'gitlab',
      url: 'https://gitlab.example.com',
      project: 'platform/app-manifests',
      token: { ssm: '/flowkeeper/gitlab-token' },
    });
  });

  it.each([
    ['a nested group', 'platform/eu/west/app.manifests', 'platform/eu/west/app.manifests'],
    ['a numeric id written as a number', '4711', '4711'],
    ['a numeric id written as text', "'4711'", '4711'],
    ['an underscore and dots', '_infra/.config_repo', '_infra/.config_repo'],
  ])('takes %s as project', (_, yaml, expected) => {
    expect(repositoryOf(withField('project', yaml))).toMatchObject({ project: expected });
  });

  it.each([
    ['https://gitlab.com/', 'https://gitlab.com'],
    ['https://gitlab.example.com//', 'https://gitlab.example.com'],
    ['https://example.com/gitlab/', 'https://example.com/gitlab'],
    ['https://gitlab.example.com:8443', 'https://gitlab.example.com:8443'],
    ['http://localhost:8929', 'http://localhost:8929'],
    ['http://127.0.0.1:8929/', 'http://127.0.0.1:8929'],
    ['http://localhost', 'http://localhost'],
  ])('takes %s as url %s', (url, expected) => {
    expect(repositoryOf(withField('url', `'${url}'`))).toMatchObject({ url: expected });
  });

  it.each([
    ['{ secretsManager: gitlab/flowkeeper-token }', { secretsManager: 'gitlab/flowkeeper-token' }],
    [
      '{ secretsManager: "arn:aws:secretsmanager:eu-west-1:111122223333:secret:gitlab/token-AbCdEf" }',
      { secretsManager: 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:gitlab/token-AbCdEf' },
    ],
    ['{ ssm: gitlab-token }', { ssm: 'gitlab-token' }],
    [
      '{ ssm: "arn:aws:ssm:eu-west-1:111122223333:parameter/shared/gitlab-token" }',
      { ssm: 'arn:aws:ssm:eu-west-1:111122223333:parameter/shared/gitlab-token' },
    ],
  ])('takes %s as token source', (token, expected) => {
    expect(repositoryOf(withField('token', token))).toMatchObject({ token: expected });
  });

  it('reports every missing key and a misspelt one', () => {
    expect(issuesOf(withGitLab('{ provider: gitlab, tokenParameter: /flowkeeper/gitlab-token }'))).toEqual([
      'repositories.gitlab.tokenParameter: unknown key; did you mean "token"?',
      'repositories.gitlab.url: required',
      'repositories.gitlab.project: required',
      'repositories.gitlab.token: required',
    ]);
  });
});

describe('the url of a GitLab repository', () => {
  it.each([
    [
      'http://gitlab.example.com',
      'must start with https:// (http:// only for localhost and 127.0.0.1) (got "http://gitlab.example.com")',
    ],
    [
      'gitlab.example.com',
      'must start with https:// (http:// only for localhost and 127.0.0.1) (got "gitlab.example.com")',
    ],
    [
      'https://gitlab.example.com/api/v4',
      'must be the URL of the instance without /api/v4, which Flowkeeper adds: write "https://gitlab.example.com"',
    ],
    [
      'https://example.com/gitlab/api/v4/',
      'must be the URL of the instance without /api/v4, which Flowkeeper adds: write "https://example.com/gitlab"',
    ],
    [
      'https://gitlab.example.com/?private=1',
      'must be the URL of a GitLab instance, without query or fragment (got "https://gitlab.example.com/?private=1")',
    ],
    [
      'https://gitlab.example.com#top',
      'must be the URL of a GitLab instance, without query or fragment (got "https://gitlab.example.com#top")',
    ],
    ['https://', 'must be the URL of a GitLab instance such as https://gitlab.com (got "https://")'],
    [
      'https:///gitlab',
      'must be the URL of a GitLab instance such as https://gitlab.com (got "https:///gitlab")',
    ],
    ['https://gitlab example.com', 'must be a URL without spaces or "\\" (got "https://gitlab example.com")'],
    ['', 'must start with https:// (http:// only for localhost and 127.0.0.1) (got "")'],
  ])('reports %j', (url, message) => {
    expect(issuesOf(withField('url', `'${url}'`))).toEqual([`repositories.gitlab.url: ${message}`]);
  });

  it('reports credentials in the url without repeating them', () => {
    for (const url of [
      'https://oauth2:glpat-s3cr3tvalue@gitlab.example.com',
      'https://s3cr3tvalue@gitlab.example.com',
    ]) {
      const issues = issuesOf(withField('url', `'${url}'`));
      expect(issues).toEqual([
        'repositories.gitlab.url: must not hold credentials: store the access token in SSM or Secrets Manager and name it under token',
      ]);
      expect(issues.join('\n')).not.toContain('s3cr3t');
    }
  });

  it('reports a url that is not a string', () => {
    expect(issuesOf(withField('url', '[https://gitlab.com]'))).toEqual([
      'repositories.gitlab.url: must be a string (got a list)',
    ]);
  });
});

describe('the project of a GitLab repository', () => {
  it.each([
    [
      'app-manifests',
      'must be the full path of the project with its group (group/project) or its numeric id (got "app-manifests")',
    ],
    ['platform/app.git', 'must be the project path without ".git" (got "platform/app.git")'],
    [
      "'https://gitlab.example.com/platform/app'",
      'must be the project path such as platform/app-manifests, not its URL; the instance goes under url (got "https://gitlab.example.com/platform/app")',
    ],
    ['/platform/app', 'must be the project path without leading or trailing "/" (got "/platform/app")'],
    ['platform/app/', 'must be the project path without leading or trailing "/" (got "platform/app/")'],
    [
      'platform/-app',
      'must be a GitLab project path: "/"-separated segments of letters, digits, "_", "-" and ".", each starting with a letter, digit, "_" or "." and not ending in "." (got "platform/-app")',
    ],
    [
      'platform//app',
      'must be a GitLab project path: "/"-separated segments of letters, digits, "_", "-" and ".", each starting with a letter, digit, "_" or "." and not ending in "." (got "platform//app")',
    ],
    [
      "'platform/my app'",
      'must be a GitLab project path: "/"-separated segments of letters, digits, "_", "-" and ".", each starting with a letter, digit, "_" or "." and not ending in "." (got "platform/my app")',
    ],
    ['0', 'must be a project path (group/project) or a positive numeric id (got 0)'],
    ['12.5', 'must be a project path (group/project) or a positive numeric id (got 12.5)'],
    ['true', 'must be a project path (group/project) or a positive numeric id (got true)'],
    [
      "'0042'",
      'must be the full path of the project with its group (group/project) or its numeric id (got "0042")',
    ],
  ])('reports %s', (project, message) => {
    expect(issuesOf(withField('project', project))).toEqual([`repositories.gitlab.project: ${message}`]);
  });
});

describe('the token of a GitLab repository', () => {
  const SECRET = 'glpat-Xy7s3cr3tTokenValue';

  it('refuses a token written in the configuration, pointing to SSM and Secrets Manager', () => {
    for (const token of [SECRET, 'Xy7s3cr3tTokenValue']) {
      const issues = issuesOf(withField('token', token));
      expect(issues).toEqual([
        'repositories.gitlab.token: must not hold the token itself: store the token in SSM (a SecureString parameter) or in Secrets Manager and reference it here as { ssm: <parameter name> } or { secretsManager: <secret name or ARN> }',
      ]);
      expect(issues.join('\n')).not.toContain('s3cr3t');
    }
  });

  it('refuses a GitLab token given where a parameter or secret name belongs, without repeating it', () => {
    for (const key of ['ssm', 'secretsManager']) {
      const issues = issuesOf(withField('token', `{ ${key}: ${SECRET} }`));
      expect(issues).toEqual([
        `repositories.gitlab.token.${key}: is a GitLab token, not where one is stored: store the token in SSM (a SecureString parameter) or in Secrets Manager and name the parameter or secret here`,
      ]);
      expect(issues.join('\n')).not.toContain('s3cr3t');
    }
  });

  it.each([
    [
      '5',
      'repositories.gitlab.token: must be { ssm: <parameter name> } or { secretsManager: <secret name or ARN> } (got 5)',
    ],
    [
      '[/flowkeeper/gitlab-token]',
      'repositories.gitlab.token: must be { ssm: <parameter name> } or { secretsManager: <secret name or ARN> } (got a list)',
    ],
    [
      '{}',
      'repositories.gitlab.token: required: ssm or secretsManager, as { ssm: <parameter name> } or { secretsManager: <secret name or ARN> }',
    ],
    [
      '{ ssm: /flowkeeper/gitlab-token, secretsManager: gitlab/token }',
      'repositories.gitlab.token: must give one of ssm and secretsManager, not both',
    ],
    [
      '{ ssm: "/flowkeeper/gitlab token" }',
      'repositories.gitlab.token.ssm: must be an SSM parameter name: letters, digits, "_", ".", "-", hierarchy levels separated by "/" with a leading "/" (at most 15 levels)',
    ],
    [
      '{ ssm: /aws/gitlab-token }',
      'repositories.gitlab.token.ssm: must not start with "aws" or "ssm" (reserved by AWS)',
    ],
    [
      '{ ssm: /aws/reference/secretsmanager/gitlab/token }',
      'repositories.gitlab.token.ssm: names a Secrets Manager secret through SSM; write { secretsManager: gitlab/token } instead',
    ],
    [
      '{ ssm: "arn:aws:ssm:eu-west-1:111122223333:parameter/bad name" }',
      'repositories.gitlab.token.ssm: must be an SSM parameter name: letters, digits, "_", ".", "-", hierarchy levels separated by "/" with a leading "/" (at most 15 levels)',
    ],
    ['{ ssm: 7 }', 'repositories.gitlab.token.ssm: must be a string (got 7)'],
    [
      '{ secretsManager: "gitlab token" }',
      'repositories.gitlab.token.secretsManager: must be a Secrets Manager secret name (1-512 letters, digits and "/_+=.@-") or ARN',
    ],
    [
      '{ secretsManager: "arn:aws:secretsmanager:eu-west-1:1111:secret:x" }',
      'repositories.gitlab.token.secretsManager: must be a Secrets Manager secret ARN (arn:aws:secretsmanager:<region>:<account>:secret:<name>) or name',
    ],
  ])('reports %s', (token, issue) => {
    expect(issuesOf(withField('token', token))).toEqual([issue]);
  });

  it('reports a misspelt source with a suggestion', () => {
    expect(issuesOf(withField('token', '{ secretManager: gitlab/token }'))).toEqual([
      'repositories.gitlab.token: required: ssm or secretsManager, as { ssm: <parameter name> } or { secretsManager: <secret name or ARN> }',
      'repositories.gitlab.token.secretManager: unknown key; did you mean "secretsManager"?',
    ]);
  });

  it('reports the problems of every field at once, in document order', () => {
    const yaml = withGitLab(
      "{ provider: gitlab, url: 'http://gitlab', project: app, token: glpat-x, region: eu-west-1 }",
    );
    expect(issuesOf(yaml)).toEqual([
      'repositories.gitlab.url: must start with https:// (http:// only for localhost and 127.0.0.1) (got "http://gitlab")',
      'repositories.gitlab.project: must be the full path of the project with its group (group/project) or its numeric id (got "app")',
      'repositories.gitlab.token: must not hold the token itself: store the token in SSM (a SecureString parameter) or in Secrets Manager and reference it here as { ssm: <parameter name> } or { secretsManager: <secret name or ARN> }',
      'repositories.gitlab.region: unknown key',
    ]);
  });
});
