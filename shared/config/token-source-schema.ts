/**
 * Where a GitLab access token is read from: an SSM parameter or a Secrets Manager secret. The token
 * itself never belongs in the configuration, and no message here repeats a value that may be one.
 */
import * as z from 'zod';
import { didYouMean } from '#config/did-you-mean.ts';
import { describeValue } from '#config/issue-messages.ts';
import { checkedString } from '#config/schema-building-blocks.ts';
import type { TokenSource } from '#config/types.ts';
import { ssmParameterNameProblem } from '#config/value-rules.ts';

const SHAPE = '{ ssm: <parameter name> } or { secretsManager: <secret name or ARN> }';

const TOKEN_IN_CONFIGURATION =
  'must not hold the token itself: store the token in SSM (a SecureString parameter) or in Secrets ' +
  `Manager and reference it here as ${SHAPE}`;

/** Prefixes GitLab gives its tokens (personal, OAuth, deploy, runner, CI job, trigger, feed …). */
const GITLAB_TOKEN = /^(?:glpat|gloas|gldt|glrt|glcbt|glptt|glft|glimt|glagent|glsoat|glffct|glwt)-/;

const looksLikeToken = (value: string): string | undefined =>
  GITLAB_TOKEN.test(value)
    ? 'is a GitLab token, not where one is stored: store the token in SSM (a SecureString parameter) ' +
      'or in Secrets Manager and name the parameter or secret here'
    : undefined;

const SSM_ARN = /^arn:aws[a-z-]*:ssm:[a-z0-9-]+:\d{12}:parameter\/(.+)$/;
const SECRETS_REFERENCE = '/aws/reference/secretsmanager/';

function ssmReferenceProblem(value: string): string | undefined {
  const token = looksLikeToken(value);
  if (token) return token;
  if (value.startsWith(SECRETS_REFERENCE)) {
    return `names a Secrets Manager secret through SSM; write { secretsManager: ${value.slice(SECRETS_REFERENCE.length)} } instead`;
  }
  const arn = SSM_ARN.exec(value);
  // An ARN names `/a/b` as `parameter/a/b`, without the leading "/".
  const name = arn ? `/${arn[1]}` : value;
  return ssmParameterNameProblem(name);
}

const SECRET_NAME = /^[A-Za-z0-9/_+=.@-]{1,512}$/;
const SECRET_ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]{1,512}$/;

function secretReferenceProblem(value: string): string | undefined {
  const token = looksLikeToken(value);
  if (token) return token;
  if (value.startsWith('arn:')) {
    return SECRET_ARN.test(value)
      ? undefined
      : 'must be a Secrets Manager secret ARN (arn:aws:secretsmanager:<region>:<account>:secret:<name>) or name';
  }
  return SECRET_NAME.test(value)
    ? undefined
    : 'must be a Secrets Manager secret name (1-512 letters, digits and "/_+=.@-") or ARN';
}

const KEYS = ['ssm', 'secretsManager'];

export const tokenSource = z
  .strictObject(
    {
      ssm: checkedString(
        (value) => ssmReferenceProblem(value) === undefined,
        (value) => ssmReferenceProblem(value) ?? '',
      )
        .meta({
          description:
            'Name (or ARN) of the SSM parameter, usually a SecureString, whose value is the token.',
          examples: ['/flowkeeper/gitlab-token'],
        })
        .optional(),
      secretsManager: checkedString(
        (value) => secretReferenceProblem(value) === undefined,
        (value) => secretReferenceProblem(value) ?? '',
      )
        .meta({
          description: 'Name or ARN of the Secrets Manager secret whose string value is the token.',
          examples: ['gitlab/flowkeeper-token'],
        })
        .optional(),
    },
    {
      error: (issue) => {
        if (issue.code === 'unrecognized_keys') {
          return issue.keys.map((key) => `unknown key${didYouMean(key, KEYS)}`).join('\n');
        }
        if (issue.code === 'invalid_type' && issue.input !== undefined) {
          return typeof issue.input === 'string'
            ? TOKEN_IN_CONFIGURATION
            : `must be ${SHAPE} (got ${describeValue(issue.input)})`;
        }
        return undefined;
      },
    },
  )
  .meta({
    title: 'Token source',
    description:
      'Where the access token (scope `api`) is stored: exactly one of `ssm` or `secretsManager`. The ' +
      'token itself is never written in the configuration.',
    examples: [{ ssm: '/flowkeeper/gitlab-token' }, { secretsManager: 'gitlab/flowkeeper-token' }],
    anyOf: [{ required: ['ssm'] }, { required: ['secretsManager'] }],
    maxProperties: 1,
  })
  .check((ctx) => {
    const given = KEYS.filter((key) => ctx.value[key as keyof typeof ctx.value] !== undefined);
    if (given.length === 0) {
      ctx.issues.push({
        code: 'custom',
        message: `required: ssm or secretsManager, as ${SHAPE}`,
        input: ctx.value,
        continue: true,
      });
    } else if (given.length > 1) {
      ctx.issues.push({
        code: 'custom',
        message: 'must give one of ssm and secretsManager, not both',
        input: ctx.value,
        continue: true,
      });
    }
  })
  // The check leaves exactly one key. A pipe rather than a transform keeps the examples of the
  // schemas around this one in the JSON Schema.
  .pipe(z.custom<TokenSource>());
