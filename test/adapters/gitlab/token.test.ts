import {
  CreateSecretCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeTokenSource, TokenSourceError, tokenProvider } from '#adapters/gitlab/token.ts';
import { FlowkeeperError } from '#domain/errors.ts';
import { type MotoServer, startMoto } from '#test/moto.ts';
import { rejectionOf } from '#test/rejection.ts';

let moto: MotoServer;
let count = 0;

beforeAll(async () => {
  moto = await startMoto();
});
afterAll(async () => {
  await moto?.stop();
});

const clientSettings = () => ({
  endpoint: moto.endpoint,
  region: 'us-east-1',
  credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
});

/** `client` with a counter of the commands it sends. */
function counted<Client extends SSMClient | SecretsManagerClient>(
  client: Client,
): { client: Client; calls: () => number } {
  let calls = 0;
  (client.middlewareStack as SSMClient['middlewareStack']).add(
    (next) => (args) => {
      calls += 1;
      return next(args);
    },
    { step: 'initialize', name: 'countCommands' },
  );
  return { client, calls: () => calls };
}

const countedSsm = () => counted(new SSMClient(clientSettings()));
const countedSecrets = () => counted(new SecretsManagerClient(clientSettings()));

const unique = (kind: string) => `/flowkeeper/test-${process.pid}/${kind}-${++count}`;

describe('describeTokenSource', () => {
  it('names the parameter or the secret', () => {
    expect(describeTokenSource({ ssm: '/flowkeeper/gitlab-token' })).toBe(
      'SSM parameter /flowkeeper/gitlab-token',
    );
    expect(describeTokenSource({ secretsManager: 'flowkeeper/gitlab' })).toBe(
      'Secrets Manager secret flowkeeper/gitlab',
    );
  });
});

describe('tokenProvider with an SSM parameter', () => {
  it('decrypts a SecureString and trims the surrounding whitespace', async () => {
    const { client } = countedSsm();
    const name = unique('secure');
    await client.send(
      new PutParameterCommand({ Name: name, Value: 'glpat-secure-1\n', Type: 'SecureString' }),
    );
    expect(await tokenProvider({ ssm: name }, { ssm: client })()).toBe('glpat-secure-1');
  });

  it('reads the parameter once and serves later calls from the cache', async () => {
    const { client, calls } = countedSsm();
    const name = unique('cached');
    await client.send(new PutParameterCommand({ Name: name, Value: 'glpat-first', Type: 'SecureString' }));
    const before = calls();
    const token = tokenProvider({ ssm: name }, { ssm: client });
    const [a, b] = await Promise.all([token(), token()]);
    await client.send(
      new PutParameterCommand({ Name: name, Value: 'glpat-second', Type: 'SecureString', Overwrite: true }),
    );
    // A second provider for the same source shares the container's cache.
    const c = await tokenProvider({ ssm: name }, { ssm: client })();
    expect([a, b, c]).toEqual(['glpat-first', 'glpat-first', 'glpat-first']);
    expect(calls() - before).toBe(2); // the overwrite and one GetParameter
  });

  it('reads the parameter again when asked for a fresh token, and caches what it read', async () => {
    const { client, calls } = countedSsm();
    const name = unique('rotated');
    await client.send(new PutParameterCommand({ Name: name, Value: 'glpat-old', Type: 'SecureString' }));
    const token = tokenProvider({ ssm: name }, { ssm: client });
    expect(await token()).toBe('glpat-old');
    await client.send(
      new PutParameterCommand({ Name: name, Value: 'glpat-rotated', Type: 'SecureString', Overwrite: true }),
    );
    expect(await token()).toBe('glpat-old');
    const before = calls();
    expect(await token({ fresh: true })).toBe('glpat-rotated');
    expect(await token()).toBe('glpat-rotated');
    expect(calls() - before).toBe(1);
  });

  it('throws a FlowkeeperError naming a missing parameter, and reads it once it exists', async () => {
    const { client } = countedSsm();
    const name = unique('missing');
    const token = tokenProvider({ ssm: name }, { ssm: client });
    const error = await rejectionOf(token());
    expect(error).toBeInstanceOf(TokenSourceError);
    expect(error).toBeInstanceOf(FlowkeeperError);
    expect(error.message).toContain(`SSM parameter ${name} does not exist`);

    await client.send(new PutParameterCommand({ Name: name, Value: 'glpat-late', Type: 'SecureString' }));
    expect(await token()).toBe('glpat-late');
  });

  it('throws when the parameter holds only whitespace, without showing the value', async () => {
    const { client } = countedSsm();
    const name = unique('blank');
    await client.send(new PutParameterCommand({ Name: name, Value: '   ', Type: 'SecureString' }));
    const error = await rejectionOf(tokenProvider({ ssm: name }, { ssm: client })());
    expect(error).toBeInstanceOf(TokenSourceError);
    expect(error.message).toBe(`the GitLab token in SSM parameter ${name} is empty`);
  });
});

describe('tokenProvider with a Secrets Manager secret', () => {
  it('reads the secret string once', async () => {
    const { client, calls } = countedSecrets();
    const name = `flowkeeper-test-${process.pid}-secret-${++count}`;
    await client.send(new CreateSecretCommand({ Name: name, SecretString: 'glpat-from-secret' }));
    const before = calls();
    const token = tokenProvider({ secretsManager: name }, { secretsManager: client });
    expect(await token()).toBe('glpat-from-secret');
    await client.send(new PutSecretValueCommand({ SecretId: name, SecretString: 'glpat-rotated' }));
    expect(await token()).toBe('glpat-from-secret');
    expect(calls() - before).toBe(2); // one GetSecretValue and the rotation
  });

  it('throws a FlowkeeperError naming a missing secret', async () => {
    const { client } = countedSecrets();
    const name = `flowkeeper-test-${process.pid}-absent-${++count}`;
    const error = await rejectionOf(tokenProvider({ secretsManager: name }, { secretsManager: client })());
    expect(error).toBeInstanceOf(TokenSourceError);
    expect(error.message).toContain(`Secrets Manager secret ${name} does not exist`);
  });
});
