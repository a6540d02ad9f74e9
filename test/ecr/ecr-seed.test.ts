import { createHash } from 'node:crypto';
import {
  BatchGetImageCommand,
  DescribeImagesCommand,
  DescribeRepositoriesCommand,
  ECRClient,
} from '@aws-sdk/client-ecr';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedEcrImage } from '#test/ecr-seed.ts';
import { type MotoServer, startMoto } from '#test/moto.ts';

let moto: MotoServer;
let client: ECRClient;

beforeAll(async () => {
  moto = await startMoto();
  client = new ECRClient({
    endpoint: moto.endpoint,
    region: 'eu-west-1',
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  });
});

afterAll(async () => {
  await moto?.stop();
});

const tagsOf = async (repositoryName: string, imageDigest: string) =>
  (await client.send(new DescribeImagesCommand({ repositoryName, imageIds: [{ imageDigest }] })))
    .imageDetails?.[0]?.imageTags ?? [];

describe('seedEcrImage', () => {
  it('creates the repository once and returns the sha256 of the stored manifest', async () => {
    const first = await seedEcrImage(client, 'seed/app', '1.0.0');
    const second = await seedEcrImage(client, 'seed/app', '1.0.1');
    expect(second).not.toBe(first);
    const repositories = await client.send(
      new DescribeRepositoriesCommand({ repositoryNames: ['seed/app'] }),
    );
    expect(repositories.repositories?.map((repository) => repository.repositoryName)).toEqual(['seed/app']);
    const stored = await client.send(
      new BatchGetImageCommand({ repositoryName: 'seed/app', imageIds: [{ imageTag: '1.0.0' }] }),
    );
    const manifest = stored.images?.[0]?.imageManifest ?? '';
    expect(JSON.parse(manifest)).toMatchObject({ schemaVersion: 2, layers: [expect.any(Object)] });
    expect(first).toBe(`sha256:${createHash('sha256').update(manifest).digest('hex')}`);
  });

  it('adds the tag to the existing image when the content is the same', async () => {
    const digest = await seedEcrImage(client, 'seed/tags', '2.0.0', { content: 'same' });
    expect(await seedEcrImage(client, 'seed/tags', 'latest', { content: 'same' })).toBe(digest);
    expect(await tagsOf('seed/tags', digest)).toEqual(['2.0.0', 'latest']);
  });

  it('puts an untagged image when the tag is undefined', async () => {
    const digest = await seedEcrImage(client, 'seed/untagged', undefined);
    expect(await tagsOf('seed/untagged', digest)).toEqual([]);
  });
});
