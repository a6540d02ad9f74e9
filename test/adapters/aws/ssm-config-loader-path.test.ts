import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSsmConfigLoader } from '#adapters/aws/ssm-config-loader.ts';
import { mergeConfigParts } from '#config/merge-documents.ts';
import { ConfigError } from '#domain/errors.ts';
import { type MotoServer, startMoto } from '#test/moto.ts';

let moto: MotoServer;
let client: SSMClient;

beforeAll(async () => {
  moto = await startMoto();
  client = new SSMClient({
    endpoint: moto.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
});
afterAll(() => moto?.stop());

const put = (name: string, value: string, type: 'String' | 'SecureString' = 'String') =>
  client.send(new PutParameterCommand({ Name: name, Value: value, Type: type, Overwrite: true }));

describe('configuration from a path of SSM parameters', () => {
  it('merges every parameter under the path in name order', async () => {
    await put(
      '/fk/a/repositories',
      'repositories: { manifests: { provider: codecommit, name: app-manifests } }',
    );
    await put(
      '/fk/a/images/1-web',
      'images: [{ ecr: web, update: [{ repository: manifests, branch: main, file: web.yaml, kind: kustomize, image: web }] }]',
      'SecureString',
    );
    await put(
      '/fk/a/images/2-api',
      'images: [{ ecr: api, update: [{ repository: manifests, branch: main, file: api.yaml, kind: kustomize, image: api }] }]',
    );
    const config = await createSsmConfigLoader({ parameterName: '/fk/a/', client, ttlSeconds: 0 }).load();
    expect(config.images.map((image) => image.ecr)).toEqual(['web', 'api']);
    expect(config.repositories).toEqual({ manifests: { provider: 'codecommit', name: 'app-manifests' } });
  });

  it('names the parameters when a merged configuration is invalid', async () => {
    await put('/fk/b/one', 'repositories: { m: { provider: codecommit, name: x } }');
    await put(
      '/fk/b/two',
      'images: [{ ecr: web, update: [{ repository: nope, branch: main, file: a.yaml, kind: imagedetail }] }]',
    );
    const load = createSsmConfigLoader({ parameterName: '/fk/b/', client, ttlSeconds: 0 }).load();
    await expect(load).rejects.toThrow(ConfigError);
    await expect(load).rejects.toThrow(
      /SSM parameters under \/fk\/b\/ \(\/fk\/b\/one, \/fk\/b\/two\).*unknown repository "nope"/,
    );
  });

  it('reports an empty path', async () => {
    const load = createSsmConfigLoader({ parameterName: '/fk/empty/', client, ttlSeconds: 0 }).load();
    await expect(load).rejects.toThrow('no parameter under /fk/empty in us-east-1');
  });
});

describe('mergeConfigParts', () => {
  it('refuses a repository defined twice and commit set twice, naming both parts', () => {
    const parts = [
      { name: '/p/a', document: { repositories: { m: {} }, commit: { maxAttempts: 2 } } },
      { name: '/p/b', document: { repositories: { m: {} }, commit: { maxAttempts: 3 } } },
    ];
    expect(() => mergeConfigParts(parts, 'test')).toThrow(
      'invalid configuration in test: /p/b: repositories.m is already defined in /p/a; /p/b: commit is already set in /p/a',
    );
  });

  it('refuses keys a part cannot hold', () => {
    expect(() => mergeConfigParts([{ name: '/p/a', document: { builds: [] } }], 'test')).toThrow(
      '/p/a: builds: unknown key',
    );
  });

  it('merges flow maps, refusing a repository whose flow two parts define', () => {
    const flow = (promotion: string[]) => ({ promotion });
    const parts = [
      { name: '/p/b', document: { flow: { app: flow(['dev', 'main']) } } },
      { name: '/p/a', document: { repositories: { app: {}, ops: {} }, flow: { ops: flow(['main']) } } },
    ];
    expect(mergeConfigParts(parts, 'test')).toEqual({
      repositories: { app: {}, ops: {} },
      flow: { ops: flow(['main']), app: flow(['dev', 'main']) },
    });
    const twice = [...parts, { name: '/p/c', document: { flow: { app: flow(['main']) } } }];
    expect(() => mergeConfigParts(twice, 'test')).toThrow(
      'invalid configuration in test: /p/c: flow.app is already defined in /p/b',
    );
  });

  it('keeps an empty image list when no part holds images or flow', () => {
    expect(mergeConfigParts([{ name: '/p/a', document: { repositories: {} } }], 'test')).toEqual({
      repositories: {},
      images: [],
    });
  });
});
