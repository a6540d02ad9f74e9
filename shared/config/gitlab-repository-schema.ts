/** A GitLab project as a repository: the instance URL, the project, and where its token is stored. */
import * as z from 'zod';
import { describeValue } from '#config/issue-messages.ts';
import { checkedString, closedObject } from '#config/schema-building-blocks.ts';
import { tokenSource } from '#config/token-source-schema.ts';

/** What the JSON Schema can say of a URL; `gitlabUrlProblem` also parses it. */
const URL_PATTERN =
  '^(?!.*/api/v4/*$)(?:https://[^\\s/?#@]+|http://(?:localhost|127\\.0\\.0\\.1)(?::[0-9]+)?)(?:/[^\\s?#]*)?$';
const LOCAL_HTTP = /^http:\/\/(?:localhost|127\.0\.0\.1)(?::\d+)?(?:\/|$)/;
const HAS_CREDENTIALS = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#]*@/;
const API_SUFFIX = /\/api\/v4\/*$/i;

/** Why `value` is not the base URL of a GitLab instance, or undefined. */
function gitlabUrlProblem(value: string): string | undefined {
  // Checked first, and the value is not repeated: what precedes the "@" is a secret.
  if (HAS_CREDENTIALS.test(value)) {
    return 'must not hold credentials: store the access token in SSM or Secrets Manager and name it under token';
  }
  const got = `(got ${JSON.stringify(value)})`;
  if (/[\s\\]/.test(value)) return `must be a URL without spaces or "\\" ${got}`;
  if (!value.startsWith('https://') && !LOCAL_HTTP.test(value)) {
    return `must start with https:// (http:// only for localhost and 127.0.0.1) ${got}`;
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `must be the URL of a GitLab instance such as https://gitlab.com ${got}`;
  }
  // The URL parser forgives a missing host (`https:///x` is `https://x/`); a configuration should not.
  if (/^https:\/\/[/?#]/.test(value)) {
    return `must be the URL of a GitLab instance such as https://gitlab.com ${got}`;
  }
  if (url.search !== '' || url.hash !== '' || /[?#]/.test(value)) {
    return `must be the URL of a GitLab instance, without query or fragment ${got}`;
  }
  if (API_SUFFIX.test(url.pathname)) {
    return `must be the URL of the instance without /api/v4, which Flowkeeper adds: write ${JSON.stringify(value.replace(API_SUFFIX, ''))}`;
  }
  return undefined;
}

const NUMERIC_ID = /^[1-9][0-9]*$/;
// A namespace or project path segment as GitLab allows it.
const SEGMENT = '(?:[A-Za-z0-9_.][A-Za-z0-9_.-]*[A-Za-z0-9_-]|[A-Za-z0-9_])';
const PROJECT_PATTERN = `^(?:[1-9][0-9]*|${SEGMENT}(?:/${SEGMENT})+)$`;
const SEGMENT_RE = new RegExp(`^${SEGMENT}$`);

/** Why `value` is neither a project path (`group/subgroup/project`) nor a numeric id, or undefined. */
function gitlabProjectProblem(value: string): string | undefined {
  if (NUMERIC_ID.test(value)) return undefined;
  const got = `(got ${JSON.stringify(value)})`;
  if (/^[a-z]+:\/\//i.test(value)) {
    return `must be the project path such as platform/app-manifests, not its URL; the instance goes under url ${got}`;
  }
  if (/\.git$/i.test(value)) return `must be the project path without ".git" ${got}`;
  if (value.startsWith('/') || value.endsWith('/')) {
    return `must be the project path without leading or trailing "/" ${got}`;
  }
  if (!value.includes('/')) {
    return `must be the full path of the project with its group (group/project) or its numeric id ${got}`;
  }
  const valid = value.split('/').every((segment) => SEGMENT_RE.test(segment) && !/\.atom$/i.test(segment));
  if (!valid) {
    return `must be a GitLab project path: "/"-separated segments of letters, digits, "_", "-" and ".", each starting with a letter, digit, "_" or "." and not ending in "." ${got}`;
  }
  return undefined;
}

const project = z
  .xor(
    [
      checkedString(
        (value) => gitlabProjectProblem(value) === undefined,
        (value) => gitlabProjectProblem(value) ?? '',
      ).meta({ pattern: PROJECT_PATTERN }),
      z.int().min(1),
    ],
    {
      error: (issue) => {
        if (issue.code !== 'invalid_union') return undefined;
        if (issue.input === undefined) return 'required';
        if (typeof issue.input === 'string') return gitlabProjectProblem(issue.input);
        return `must be a project path (group/project) or a positive numeric id (got ${describeValue(issue.input)})`;
      },
    },
  )
  .meta({
    description: 'Project path with its group and subgroups, or the numeric project id.',
    examples: ['platform/app-manifests', 'platform/eu/app-manifests', 4711],
  })
  // YAML reads an unquoted id as a number; the configuration holds it as text. An overwrite and a
  // pipe rather than a transform keep the examples of the repository in the JSON Schema.
  .overwrite((value) => String(value))
  .pipe(z.custom<string>((value) => typeof value === 'string'));

export const gitlabRepository = closedObject({
  provider: z.literal('gitlab').meta({ description: 'Repository kind.' }),
  url: checkedString(
    (value) => gitlabUrlProblem(value) === undefined,
    (value) => gitlabUrlProblem(value) ?? '',
  )
    .meta({
      description:
        'Base URL of the instance, https:// (http:// only for localhost and 127.0.0.1), without ' +
        '`/api/v4`; a trailing "/" is dropped.',
      examples: ['https://gitlab.com', 'https://gitlab.example.com'],
      pattern: URL_PATTERN,
    })
    .overwrite((value) => value.replace(/\/+$/, '')),
  project,
  token: tokenSource,
}).meta({
  title: 'GitLab repository',
  description: 'A GitLab project on gitlab.com or a self-managed instance, through the REST API v4.',
  examples: [
    {
      provider: 'gitlab',
      url: 'https://gitlab.example.com',
      project: 'platform/app-manifests',
      token: { ssm: '/flowkeeper/gitlab-token' },
    },
  ],
});
