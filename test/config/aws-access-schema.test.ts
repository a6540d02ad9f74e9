import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { mergeConfigParts } from '#config/merge-documents.ts';
import { parseConfig } from '#config/schema.ts';
import type { Config } from '#config/types.ts';
import { ConfigError } from '#domain/errors.ts';

const document = (repository: string, target: string, accounts = '') => `
repositories:
  prod: ${repository}
images:
  - ecr: my-app
    tags: { semver: ">=1.0.0" }
    update:
      - ${target}
${accounts}`;

const CODECOMMIT = '{ provider: codecommit, name: prod-manifests }';
const SSM = '{ kind: ssm, parameter: /my-app/prd/image }';

const configOf = (yaml: string): Config => parseConfig(parse(yaml), 'test.yaml');

function issuesOf(yaml: string): string[] {
  try {
    configOf(yaml);
  } catch (error) {
    if (error instanceof ConfigError) return error.issues;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('roles in other accounts', () => {
  it('takes a role, an external id and a region on CodeCommit repositories and ssm targets, and source accounts', () => {
    const config = configOf(
      document(
        '{ provider: codecommit, name: prod-manifests, region: eu-west-1, roleArn: "arn:aws:iam::333333333333:role/flowkeeper-writer", externalId: fk-333 }',
        '{ kind: ssm, parameter: /my-app/prd/image, region: eu-central-1, roleArn: "arn:aws:iam::222222222222:role/path/flowkeeper-parameters" }',
        'accounts:\n  "111111111111": { ecrReadRoleArn: "arn:aws:iam::111111111111:role/flowkeeper-ecr-read" }\n',
      ),
    );
    expect(config.repositories.prod).toEqual({
      provider: 'codecommit',
      name: 'prod-manifests',
      region: 'eu-west-1',
      roleArn: 'arn:aws:iam::333333333333:role/flowkeeper-writer',
      externalId: 'fk-333',
    });
    expect(config.images[0]?.update[0]).toMatchObject({
      region: 'eu-central-1',
      roleArn: 'arn:aws:iam::222222222222:role/path/flowkeeper-parameters',
    });
    expect(config.accounts).toEqual({
      '111111111111': { ecrReadRoleArn: 'arn:aws:iam::111111111111:role/flowkeeper-ecr-read' },
    });
  });

  it('reports each bad value at its path', () => {
    expect(
      issuesOf(
        document(
          '{ provider: codecommit, name: prod-manifests, roleArn: "arn:aws:iam::3333:role/x" }',
          '{ kind: ssm, parameter: /my-app/prd/image, externalId: fk, region: Europe }',
          'accounts:\n  "1111": { ecrReadRoleArn: "arn:aws:iam::111111111111:role/r" }\n  "111111111111": { ecrReadRoleArn: "arn:aws:iam::999999999999:role/r" }\n',
        ),
      ),
    ).toEqual([
      'repositories.prod.roleArn: must be an IAM role ARN, arn:aws:iam::<12-digit account>:role/<name> (got "arn:aws:iam::3333:role/x")',
      'images[0].update[0].externalId: is only used with roleArn: add roleArn or remove externalId',
      'images[0].update[0].region: must be an AWS region such as eu-west-1 (got "Europe")',
      'accounts.1111: account ids are 12 digits, quoted ("111111111111")',
      'accounts.111111111111.ecrReadRoleArn: is a role of account 999999999999, not of 111111111111: the role that reads ECR lives in the account whose registry it reads',
    ]);
  });

  it('treats one parameter name in two accounts as two parameters', () => {
    const yaml = `
repositories:
  prod: ${CODECOMMIT}
images:
  - ecr: my-app
    tags: { semver: ">=1.0.0" }
    update:
      - ${SSM}
      - { kind: ssm, parameter: /my-app/prd/image, roleArn: "arn:aws:iam::222222222222:role/w" }
`;
    expect(configOf(yaml).images[0]?.update).toHaveLength(2);
  });

  it('merges accounts across configuration parts, each account once', () => {
    const role = (id: string) => ({ ecrReadRoleArn: `arn:aws:iam::${id}:role/r` });
    const merged = mergeConfigParts(
      [
        { name: '/fk/a', document: { accounts: { '111111111111': role('111111111111') } } },
        { name: '/fk/b', document: { accounts: { '222222222222': role('222222222222') } } },
      ],
      '/fk/',
    );
    expect(merged.accounts).toEqual({
      '111111111111': role('111111111111'),
      '222222222222': role('222222222222'),
    });
    expect(() =>
      mergeConfigParts(
        [
          { name: '/fk/a', document: { accounts: { '111111111111': role('111111111111') } } },
          { name: '/fk/b', document: { accounts: { '111111111111': role('111111111111') } } },
        ],
        '/fk/',
      ),
    ).toThrow('/fk/b: accounts.111111111111 is already defined in /fk/a');
  });
});
