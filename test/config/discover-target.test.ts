import { describe, expect, it } from 'vitest';
import { parseConfig } from '#config/schema.ts';
import { ConfigError } from '#domain/errors.ts';

const document = (images: unknown[]) => ({
  repositories: { manifests: { provider: 'codecommit', name: 'manifests' } },
  images,
});

const image = (ecr: string, update: unknown[], uri?: string) => ({
  ecr,
  ...(uri ? { uri } : {}),
  tags: { semver: '>=1.0.0' },
  update,
});

const discover = (extra: Record<string, unknown> = {}) => ({
  kind: 'discover',
  repository: 'manifests',
  branch: 'main',
  files: ['k8s/**/*.yaml'],
  ...extra,
});

function issues(input: unknown): string[] {
  try {
    parseConfig(input, 'test.yaml');
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.issues;
    throw error;
  }
}

describe('discover targets in the configuration', () => {
  it('parses globs and applies the defaults', () => {
    const config = parseConfig(document([image('my-app', [discover()])]), 'test.yaml');
    expect(config.images[0]?.update[0]).toEqual({
      kind: 'discover',
      repository: 'manifests',
      branch: 'main',
      files: ['k8s/**/*.yaml'],
      names: [],
      setName: false,
    });
  });

  it('refuses a glob that climbs out of the repository, and an empty list', () => {
    expect(issues(document([image('my-app', [discover({ files: ['../x/*.yaml'] })])]))).toEqual([
      'images[0].update[0].files[0]: "../x/*.yaml" has an empty, . or .. segment',
    ]);
    expect(issues(document([image('my-app', [discover({ files: [] })])]))).toEqual([
      'images[0].update[0].files: must list at least one glob',
    ]);
  });

  it('refuses discoveries of two images that can match one reference', () => {
    const uri = '111122223333.dkr.ecr.eu-west-1.amazonaws.com/my-app';
    expect(issues(document([image('a-app', [discover()], uri), image('b-app', [discover()], uri)]))).toEqual([
      expect.stringMatching(
        /^images\[1\]\.update\[0\]: discovers the same references as images\[0\]\.update\[0\] \(uri .*my-app\) on branch main/,
      ),
    ]);
    expect(
      issues(
        document([
          image('a-app', [discover({ names: ['app'] })]),
          image('b-app', [discover({ names: ['app'] })]),
        ]),
      ),
    ).toHaveLength(1);
    expect(issues(document([image('a-app', [discover()]), image('b-app', [discover()])]))).toEqual([]);
  });
});
