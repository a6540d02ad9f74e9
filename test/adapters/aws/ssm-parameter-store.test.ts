import {
  DescribeParametersCommand,
  GetParameterCommand,
  PutParameterCommand,
  SSMClient,
} from '@aws-sdk/client-ssm';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  createSsmParameterStore,
  MAX_VALUE_BYTES,
  ParameterStoreError,
  parameterNameProblem,
} from '#adapters/aws/ssm-parameter-store.ts';
import { FlowkeeperError } from '#domain/errors.ts';
import { type MotoServer, startMoto } from '#test/moto.ts';

let moto: MotoServer;
let parameterCount = 0;

beforeAll(async () => {
  moto = await startMoto();
});
afterAll(async () => {
  await moto?.stop();
});
afterEach(() => {
  vi.unstubAllEnvs();
});

/** A client on moto that counts the commands it sends, by command name. */
function countingClient(): { client: SSMClient; calls: Map<string, number> } {
  const client = new SSMClient({
    endpoint: moto.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  const calls = new Map<string, number>();
  client.middlewareStack.add(
    (next, context) => (args) => {
      const command = context.commandName ?? 'unknown';
      calls.set(command, (calls.get(command) ?? 0) + 1);
      return next(args);
    },
    { step: 'initialize', name: 'countCommands' },
  );
  return { client, calls };
}

const uniqueName = () => `/flowkeeper/test-${process.pid}/param-${++parameterCount}`;

describe('SSM parameter store', () => {
  it('returns undefined for a parameter that does not exist', async () => {
    const { client } = countingClient();
    expect(await createSsmParameterStore({ client }).get(uniqueName())).toBeUndefined();
  });

  it('creates a String parameter at version 1 and reads it back', async () => {
    const { client } = countingClient();
    const store = createSsmParameterStore({ client });
    const name = uniqueName();
    expect(await store.put(name, 'my-app:1.0.0', 'image of my-app')).toStrictEqual({
      value: 'my-app:1.0.0',
      version: 1,
    });
    expect(await store.get(name)).toStrictEqual({ value: 'my-app:1.0.0', version: 1 });
    const described = await client.send(
      new DescribeParametersCommand({ ParameterFilters: [{ Key: 'Name', Values: [name] }] }),
    );
    expect(described.Parameters?.[0]).toMatchObject({ Type: 'String', Description: 'image of my-app' });
  });

  it('overwrites an existing parameter and increments its version', async () => {
    const { client } = countingClient();
    const store = createSsmParameterStore({ client });
    const name = uniqueName();
    await store.put(name, 'v1');
    expect(await store.put(name, 'v2')).toStrictEqual({ value: 'v2', version: 2 });
    expect(await store.put(name, 'v3')).toStrictEqual({ value: 'v3', version: 3 });
    expect(await store.get(name)).toStrictEqual({ value: 'v3', version: 3 });
  });

  it('reads a SecureString decrypted', async () => {
    const { client } = countingClient();
    const name = uniqueName();
    await client.send(new PutParameterCommand({ Name: name, Value: 's3cret', Type: 'SecureString' }));
    expect(await createSsmParameterStore({ client }).get(name)).toStrictEqual({
      value: 's3cret',
      version: 1,
    });
  });

  it('accepts a value of exactly 4096 bytes', async () => {
    const { client } = countingClient();
    const store = createSsmParameterStore({ client });
    const name = uniqueName();
    const value = 'x'.repeat(MAX_VALUE_BYTES);
    await store.put(name, value);
    expect((await store.get(name))?.value).toBe(value);
  });

  it.each([
    ['one ASCII byte over', 'x'.repeat(MAX_VALUE_BYTES + 1), 4097],
    ['over in UTF-8 bytes though not in characters', 'é'.repeat(2049), 4098],
  ])('refuses a value %s without calling SSM', async (_case, value, bytes) => {
    const { client, calls } = countingClient();
    const store = createSsmParameterStore({ client });
    const put = store.put(uniqueName(), value);
    await expect(put).rejects.toThrow(ParameterStoreError);
    await expect(put).rejects.toThrow(`the value is ${bytes} bytes, more than the 4096`);
    expect(calls.get('PutParameterCommand') ?? 0).toBe(0);
  });

  it('refuses an empty value without calling SSM', async () => {
    const { client, calls } = countingClient();
    await expect(createSsmParameterStore({ client }).put(uniqueName(), '')).rejects.toThrow(
      'the value is empty',
    );
    expect(calls.size).toBe(0);
  });

  it('refuses a description over 1024 characters without calling SSM', async () => {
    const { client, calls } = countingClient();
    const put = createSsmParameterStore({ client }).put(uniqueName(), 'v', 'd'.repeat(1025));
    await expect(put).rejects.toThrow('the description is 1025 characters');
    expect(calls.size).toBe(0);
  });

  it.each([
    ['', 'the name is empty'],
    ['x'.repeat(1012), 'the name is 1012 characters long, more than the 1011 allowed'],
    ['/flowkeeper/my app', 'the name contains " "'],
    ['/flowkeeper/app:1', 'the name contains ":"'],
    ['/flowkeeper/caf\u00e9', 'the name contains "\u00e9"'],
    ['flowkeeper/config', 'a name with a "/" hierarchy must start with "/"'],
    ['/flowkeeper//config', 'the hierarchy has an empty level'],
    ['/flowkeeper/config/', 'the hierarchy has an empty level'],
    [`/${Array.from({ length: 16 }, (_, i) => `l${i}`).join('/')}`, 'the hierarchy has 16 levels'],
    ['aws-config', 'starts with "aws" or "ssm"'],
    ['/AWS/config', 'starts with "aws" or "ssm"'],
    ['SSMvalue', 'starts with "aws" or "ssm"'],
    ['/ssm/flowkeeper', 'starts with "aws" or "ssm"'],
  ])('refuses to write the name %j without calling SSM', async (name, problem) => {
    const { client, calls } = countingClient();
    const put = createSsmParameterStore({ client }).put(name, 'value');
    await expect(put).rejects.toThrow(ParameterStoreError);
    await expect(put).rejects.toThrow(problem);
    expect(calls.size).toBe(0);
  });

  it('accepts names at the limits: 15 levels, 1011 characters, every allowed symbol', async () => {
    const { client } = countingClient();
    const store = createSsmParameterStore({ client });
    const deep = `/${Array.from({ length: 15 }, (_, i) => `l${i}`).join('/')}`;
    const long = `/flowkeeper/${'n'.repeat(1011 - '/flowkeeper/'.length)}`;
    for (const name of [deep, long, '/flowkeeper/A-z_0.9', 'plain-name']) {
      expect(parameterNameProblem(name, 'write')).toBeUndefined();
      await store.put(name, 'value');
      expect((await store.get(name))?.value).toBe('value');
    }
  });

  it('checks names before reading, but reads names under the reserved prefixes', async () => {
    const { client, calls } = countingClient();
    const store = createSsmParameterStore({ client });
    await expect(store.get('relative/name')).rejects.toThrow('must start with "/"');
    expect(calls.size).toBe(0);
    expect(await store.get('/aws/service/flowkeeper-test/missing')).toBeUndefined();
    expect(calls.get('GetParameterCommand')).toBe(1);
  });

  it('raises validation failures as permanent Flowkeeper errors', async () => {
    const error = await createSsmParameterStore({ client: countingClient().client })
      .put('bad name', 'v')
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(FlowkeeperError);
    expect((error as Error).message).toBe(
      'invalid SSM parameter name "bad name": the name contains " "; only letters, digits and _ . - / are allowed',
    );
  });

  it('lets errors other than ParameterNotFound through unchanged', async () => {
    const offline = new SSMClient({
      endpoint: 'http://127.0.0.1:9',
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      maxAttempts: 1,
    });
    const error = await createSsmParameterStore({ client: offline })
      .get('/flowkeeper/unreachable')
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(ParameterStoreError);
    expect((error as NodeJS.ErrnoException).code).toBe('ECONNREFUSED');
  });

  it('uses a default client whose endpoint comes from AWS_ENDPOINT_URL_SSM', async () => {
    vi.stubEnv('AWS_ENDPOINT_URL_SSM', moto.endpoint);
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'test');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'test');
    const name = uniqueName();
    const store = createSsmParameterStore({ region: 'eu-west-3' });
    expect(await store.put(name, 'through the environment')).toMatchObject({ version: 1 });
    const regional = new SSMClient({
      endpoint: moto.endpoint,
      region: 'eu-west-3',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    const read = await regional.send(new GetParameterCommand({ Name: name }));
    expect(read.Parameter?.Value).toBe('through the environment');
  });
});
