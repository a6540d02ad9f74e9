import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { configLoaderFromEnv, createSsmConfigLoader } from '#adapters/aws/ssm-config-loader.ts';
import { ConfigError } from '#domain/errors.ts';
import { type MotoServer, startMoto } from '#test/moto.ts';

const fixtures = resolve(dirname(fileURLToPath(import.meta.url)), '../../fixtures/config');

const CONFIG_YAML = `
repositories:
  manifests: { provider: codecommit, name: app-manifests }
images:
  - ecr: my-app
    update: [{ repository: manifests, branch: main, file: app.yaml, kind: kustomize, image: app }]
`;

const CONFIG_JSON = JSON.stringify({
  repositories: { local: { provider: 'local', path: '/srv/manifests' } },
  images: [
    {
      ecr: 'other-app',
      update: [{ repository: 'local', branch: 'dev', file: 'd.json', kind: 'imagedetail' }],
    },
  ],
});

let moto: MotoServer;
let parameterCount = 0;

beforeAll(async () => {
  moto = await startMoto();
});

afterAll(async () => {
  await moto?.stop();
});

function ssmClient(): { client: SSMClient; getParameterCalls: () => number } {
  const client = new SSMClient({
    endpoint: moto.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  });
  let calls = 0;
  client.middlewareStack.add(
    (next, context) => (args) => {
      if (context.commandName === 'GetParameterCommand') calls++;
      return next(args);
    },
    { step: 'initialize', name: 'countGetParameter' },
  );
  return { client, getParameterCalls: () => calls };
}

/** A fresh parameter name per test, so tests never see each other's values. */
const uniqueName = () => `/flowkeeper/test-${process.pid}-${++parameterCount}/config`;

async function putParameter(
  client: SSMClient,
  name: string,
  value: string,
  type: 'String' | 'SecureString' = 'String',
): Promise<void> {
  await client.send(new PutParameterCommand({ Name: name, Value: value, Type: type, Overwrite: true }));
}

describe('createSsmConfigLoader', () => {
  it('loads a YAML configuration from a String parameter', async () => {
    const { client } = ssmClient();
    const name = uniqueName();
    await putParameter(client, name, CONFIG_YAML);
    const config = await createSsmConfigLoader({ parameterName: name, client }).load();
    expect(config.repositories).toStrictEqual({
      manifests: { provider: 'codecommit', name: 'app-manifests' },
    });
    expect(config.images[0]?.update[0]).toMatchObject({ kind: 'kustomize', image: 'app', setName: false });
  });

  it('decrypts a JSON configuration held in a SecureString parameter', async () => {
    const { client } = ssmClient();
    const name = uniqueName();
    await putParameter(client, name, CONFIG_JSON, 'SecureString');
    const config = await createSsmConfigLoader({ parameterName: name, client }).load();
    expect(config.repositories).toStrictEqual({ local: { provider: 'local', path: '/srv/manifests' } });
    expect(config.images[0]?.ecr).toBe('other-app');
  });

  it('names the parameter when it does not exist, and does not cache the failure', async () => {
    const { client, getParameterCalls } = ssmClient();
    const name = uniqueName();
    const loader = createSsmConfigLoader({ parameterName: name, client });
    const error = await loader.load().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toBe(
      `invalid configuration in SSM parameter ${name}: parameter not found in us-east-1`,
    );
    await putParameter(client, name, CONFIG_YAML);
    expect((await loader.load()).images[0]?.ecr).toBe('my-app');
    expect(getParameterCalls()).toBe(2);
  });

  it('reuses the configuration until the TTL expires, then reads the new value', async () => {
    const { client, getParameterCalls } = ssmClient();
    const name = uniqueName();
    await putParameter(client, name, CONFIG_YAML);
    let clock = 1_000_000;
    const loader = createSsmConfigLoader({ parameterName: name, client, ttlSeconds: 300, now: () => clock });

    const first = await loader.load();
    await putParameter(client, name, CONFIG_JSON);
    clock += 299_999;
    expect(await loader.load()).toBe(first);
    expect(getParameterCalls()).toBe(1);

    clock += 1;
    const second = await loader.load();
    expect(getParameterCalls()).toBe(2);
    expect(second.images[0]?.ecr).toBe('other-app');
    expect(await loader.load()).toBe(second);
    expect(getParameterCalls()).toBe(2);
  });

  it('shares one request between concurrent callers', async () => {
    const { client, getParameterCalls } = ssmClient();
    const name = uniqueName();
    await putParameter(client, name, CONFIG_YAML);
    const loader = createSsmConfigLoader({ parameterName: name, client });
    const configs = await Promise.all(Array.from({ length: 8 }, () => loader.load()));
    expect(getParameterCalls()).toBe(1);
    for (const config of configs) expect(config).toBe(configs[0]);
  });

  it('rejects an invalid configuration with the parameter as source', async () => {
    const { client } = ssmClient();
    const name = uniqueName();
    await putParameter(client, name, CONFIG_YAML.replace('kind: kustomize', 'kind: kustomise'));
    const error = await createSsmConfigLoader({ parameterName: name, client })
      .load()
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).source).toBe(`SSM parameter ${name}`);
    expect((error as ConfigError).issues).toEqual([
      'images[0].update[0].kind: must be one of kustomize, helm, kubernetes, yaml, imagedefinitions, imagedetail, taskdefinition, discover, ssm (got "kustomise"); did you mean "kustomize"?',
    ]);
  });

  it('rejects relative local paths, which have nothing to be resolved against', async () => {
    const { client } = ssmClient();
    const name = uniqueName();
    await putParameter(client, name, CONFIG_JSON.replace('/srv/manifests', 'manifests'));
    const error = await createSsmConfigLoader({ parameterName: name, client })
      .load()
      .catch((caught: unknown) => caught);
    expect((error as ConfigError).issues).toEqual([
      'repositories.local.path: must be an absolute path: there is no configuration file to resolve it against (got "manifests")',
    ]);
  });

  it('reports a syntax error with the parameter name, line and column', async () => {
    const { client } = ssmClient();
    const name = uniqueName();
    await putParameter(client, name, '{"repositories": {}, "images": [}');
    const error = await createSsmConfigLoader({ parameterName: name, client })
      .load()
      .catch((caught: unknown) => caught);
    expect((error as ConfigError).source).toBe(`SSM parameter ${name}`);
    expect((error as ConfigError).issues.length).toBeGreaterThan(0);
    for (const issue of (error as ConfigError).issues) expect(issue.startsWith(`${name}:1:`)).toBe(true);
  });
});

describe('configLoaderFromEnv', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('reads the parameter named by FLOWKEEPER_CONFIG_PARAMETER with the shared client, before any file', async () => {
    const { client } = ssmClient();
    const name = uniqueName();
    await putParameter(client, name, CONFIG_JSON, 'SecureString');
    vi.stubEnv('AWS_ENDPOINT_URL_SSM', moto.endpoint);
    vi.stubEnv('AWS_REGION', 'us-east-1');
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'testing');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'testing');
    const loader = configLoaderFromEnv({
      FLOWKEEPER_CONFIG_PARAMETER: name,
      FLOWKEEPER_CONFIG_FILE: join(fixtures, 'valid.yaml'),
    });
    expect((await loader.load()).images[0]?.ecr).toBe('other-app');
  });

  it('reads the file named by FLOWKEEPER_CONFIG_FILE, answering an unchanged file from cache', async () => {
    const loader = configLoaderFromEnv({ FLOWKEEPER_CONFIG_FILE: join(fixtures, 'valid.json') });
    const first = await loader.load();
    expect(first.images[0]?.ecr).toBe('my-app');
    expect(await loader.load()).toBe(first);
  });

  it('names both variables when neither is set', () => {
    expect(() => configLoaderFromEnv({ FLOWKEEPER_CONFIG_FILE: '  ' })).toThrow(
      'invalid configuration in environment: no configuration source: set FLOWKEEPER_CONFIG_PARAMETER to an SSM parameter name, or FLOWKEEPER_CONFIG_FILE to a YAML or JSON file',
    );
  });

  it('rejects a TTL that is not a number of seconds', () => {
    expect(() =>
      configLoaderFromEnv({ FLOWKEEPER_CONFIG_PARAMETER: '/p', FLOWKEEPER_CONFIG_TTL_SECONDS: '5m' }),
    ).toThrow('FLOWKEEPER_CONFIG_TTL_SECONDS: must be a number of seconds, 0 or more (got "5m")');
  });

  it('honours FLOWKEEPER_CONFIG_TTL_SECONDS', async () => {
    const { client, getParameterCalls } = ssmClient();
    const name = uniqueName();
    await putParameter(client, name, CONFIG_YAML);
    vi.stubEnv('FLOWKEEPER_CONFIG_TTL_SECONDS', '0');
    const loader = createSsmConfigLoader({ parameterName: name, client });
    await loader.load();
    await loader.load();
    expect(getParameterCalls()).toBe(2);
  });
});
