import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ParameterStoreError } from '#adapters/aws/ssm-parameter-store.ts';
import { GitLabApiError } from '#adapters/gitlab/api.ts';
import { TokenSourceError } from '#adapters/gitlab/token.ts';
import { BuildStartError } from '#app/ports/build-starter.ts';
import { GitHostError } from '#app/ports/git-host.ts';
import { RegistryError } from '#app/ports/image-registry.ts';
import {
  ConfigError,
  EventError,
  FlowkeeperError,
  isAwsAccessError,
  isPermanentError,
  ManifestError,
  PermanentError,
  TransientError,
} from '#domain/errors.ts';
import { classifyError } from '#runtime/classify-error.ts';
import { InputError, UsageError } from '../../cli/usage.ts';
import { EventPatternError } from '../../tooling/event-pattern.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** One instance of every error class the project declares, with its name and base. */
const ERRORS: [Error, string, typeof PermanentError | typeof TransientError][] = [
  [new FlowkeeperError('repository app is not configured'), 'FlowkeeperError', PermanentError],
  [
    new ManifestError('apps/app/kustomization.yaml', 'images', 'no such image'),
    'ManifestError',
    PermanentError,
  ],
  [new EventError('missing detail'), 'EventError', PermanentError],
  [new ConfigError('flowkeeper.yaml', ['images: required']), 'ConfigError', PermanentError],
  [new EventPatternError('unknown operator'), 'EventPatternError', PermanentError],
  [new TokenSourceError('no token'), 'TokenSourceError', PermanentError],
  [new ParameterStoreError('name too long'), 'ParameterStoreError', PermanentError],
  [new GitHostError('FileNotFound', 'no such file'), 'GitHostError', PermanentError],
  [new RegistryError('ImageNotFound', 'no such image'), 'RegistryError', PermanentError],
  [new BuildStartError('validate', 'no such project'), 'BuildStartError', PermanentError],
  [new UsageError('invoke needs --event'), 'UsageError', PermanentError],
  [new InputError('not valid JSON'), 'InputError', PermanentError],
  [new TransientError('the branch kept moving'), 'TransientError', TransientError],
  [
    new GitLabApiError({
      status: 502,
      detail: 'Bad Gateway',
      method: 'GET',
      path: '/projects/1',
      message: '502',
    }),
    'GitLabApiError',
    TransientError,
  ],
];

function awsError(name: string): Error {
  const error = new Error('refused');
  error.name = name;
  return error;
}

describe('one error hierarchy', () => {
  it.each(ERRORS)('%s keeps its name and extends one base', (error, name, base) => {
    expect(error.name).toBe(name);
    expect(error).toBeInstanceOf(base);
    expect(error instanceof PermanentError && error instanceof TransientError).toBe(false);
  });

  it.each(ERRORS)('%s is classified by its base alone', (error, _name, base) => {
    const expected = base === PermanentError ? 'permanent' : 'transient';
    expect(isPermanentError(error)).toBe(base === PermanentError);
    expect(classifyError(error)).toBe(expected);
  });

  it('keeps FlowkeeperError as the permanent base of the domain errors', () => {
    expect(new ConfigError('x', [])).toBeInstanceOf(FlowkeeperError);
    expect(new FlowkeeperError('x')).toBeInstanceOf(PermanentError);
  });

  it('treats AWS access errors as permanent, and any other outside error as transient', () => {
    expect(isAwsAccessError(awsError('AccessDeniedException'))).toBe(true);
    expect(isPermanentError(awsError('AccessDeniedException'))).toBe(true);
    expect(isPermanentError(awsError('ThrottlingException'))).toBe(false);
    expect(isPermanentError(new Error('socket hang up'))).toBe(false);
    expect(isPermanentError('not an error')).toBe(false);
    expect(isPermanentError(undefined)).toBe(false);
  });

  it('has no error class outside shared/domain/errors.ts extending Error directly', () => {
    const offenders: string[] = [];
    const walk = (dir: string) => {
      for (const entry of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
        const path = `${dir}/${entry.name}`;
        if (entry.isDirectory()) walk(path);
        else if (entry.name.endsWith('.ts') && path !== 'shared/domain/errors.ts') {
          const text = readFileSync(join(ROOT, path), 'utf8');
          for (const match of text.matchAll(/class (\w+) extends (?:Error|TypeError|RangeError)\b/g)) {
            offenders.push(`${path}: ${match[1]}`);
          }
        }
      }
    };
    for (const dir of ['shared', 'functions', 'cli']) walk(dir);
    expect(offenders).toEqual([]);
  });
});
