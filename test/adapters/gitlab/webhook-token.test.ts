import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  fixedWebhookToken,
  noWebhookToken,
  storedWebhookToken,
  tokensOf,
} from '#adapters/gitlab/webhook-token.ts';
import { PermanentError } from '#domain/errors.ts';
import { type MotoServer, startMoto } from '#test/moto.ts';
import { rejectionOf } from '#test/rejection.ts';

let moto: MotoServer;
let ssm: SSMClient;
let secrets: SecretsManagerClient;
let count = 0;

beforeAll(async () => {
  moto = await startMoto();
  const settings = {
    endpoint: moto.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  };
  ssm = new SSMClient(settings);
  secrets = new SecretsManagerClient(settings);
});
afterAll(async () => {
  await moto?.stop();
});

const unique = () => `/flowkeeper/test-${process.pid}/webhook-token-${++count}`;

async function parameter(value: string): Promise<string> {
  const name = unique();
  await ssm.send(new PutParameterCommand({ Name: name, Value: value, Type: 'SecureString' }));
  return name;
}

const overwrite = (name: string, value: string) =>
  ssm.send(new PutParameterCommand({ Name: name, Value: value, Type: 'SecureString', Overwrite: true }));

describe('storedWebhookToken', () => {
  it('accepts exactly the token of the SecureString parameter', async () => {
    const check = storedWebhookToken(
      { ssm: await parameter('s3cret-token\n') },
      { ttlMs: 60_000, clients: { ssm } },
    );
    expect(await check.matches('s3cret-token')).toBe(true);
    expect(await check.matches('s3cret-toke')).toBe(false);
    expect(await check.matches('s3cret-token ')).toBe(false);
    expect(await check.matches('')).toBe(false);
    expect(await check.matches(undefined)).toBe(false);
  });

  it('accepts either token while a rotation holds two, one per line', async () => {
    const check = storedWebhookToken(
      { ssm: await parameter('new-token\nold-token\n') },
      { ttlMs: 60_000, clients: { ssm } },
    );
    expect(await check.matches('new-token')).toBe(true);
    expect(await check.matches('old-token')).toBe(true);
    expect(await check.matches('new-token\nold-token')).toBe(false);
  });

  it('reads a Secrets Manager secret', async () => {
    const name = `flowkeeper/test-${process.pid}/webhook-${++count}`;
    await secrets.send(new CreateSecretCommand({ Name: name, SecretString: 'from-secrets-manager' }));
    const check = storedWebhookToken(
      { secretsManager: name },
      { ttlMs: 60_000, clients: { secretsManager: secrets } },
    );
    expect(await check.matches('from-secrets-manager')).toBe(true);
  });

  it('keeps the token for its TTL, then sees a rotated one', async () => {
    let clock = 0;
    const name = await parameter('first');
    const check = storedWebhookToken({ ssm: name }, { ttlMs: 60_000, clients: { ssm }, now: () => clock });
    expect(await check.matches('first')).toBe(true);
    await overwrite(name, 'second');
    clock = 59_999;
    expect(await check.matches('first')).toBe(true);
    clock = 60_000;
    expect(await check.matches('second')).toBe(true);
    expect(await check.matches('first')).toBe(false);
  });

  it('throws when the parameter is missing or empty, and reads it again on the next delivery', async () => {
    const name = unique();
    const check = storedWebhookToken({ ssm: name }, { ttlMs: 60_000, clients: { ssm } });
    expect(await rejectionOf(check.matches('x'))).toBeInstanceOf(PermanentError);
    await ssm.send(new PutParameterCommand({ Name: name, Value: '  \n', Type: 'SecureString' }));
    expect((await rejectionOf(check.matches('x'))).message).toMatch(/holds no token/);
    await overwrite(name, 'created-later');
    expect(await check.matches('created-later')).toBe(true);
  });
});

describe('fixed and missing tokens', () => {
  it('a fixed token (local runs) is compared like a stored one', async () => {
    expect(await fixedWebhookToken('local').matches('local')).toBe(true);
    expect(await fixedWebhookToken('local').matches('Local')).toBe(false);
    expect(await fixedWebhookToken('  ').matches('')).toBe(false);
  });

  it('no token configured refuses everything', async () => {
    expect(await noWebhookToken.matches('anything')).toBe(false);
    expect(await noWebhookToken.matches(undefined)).toBe(false);
  });

  it('splits a stored value into tokens, one per line', () => {
    expect(tokensOf(' a \r\n\nb\n')).toEqual(['a', 'b']);
  });
});
