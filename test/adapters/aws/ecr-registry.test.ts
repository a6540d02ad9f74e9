import { CreateRepositoryCommand, ECRClient, StartImageScanCommand } from '@aws-sdk/client-ecr';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createEcrRegistry, ecrRepositoryName } from '#adapters/aws/ecr-registry.ts';
import { RegistryError } from '#app/ports/image-registry.ts';
import { nextSecond, seedEcrImage } from '#test/ecr-seed.ts';
import { type EcrStandIn, startEcrStandIn } from '#test/ecr-stand-in.ts';
import { type MotoServer, startMoto } from '#test/moto.ts';

// moto's server is the registry. DescribeImages pagination, which moto 5.2 lacks, comes from the
// stand-in in front of it (test/support/ecr-stand-in.ts); every other call reaches moto unchanged.
const REGION = 'eu-west-1';
const MOTO_ACCOUNT = '123456789012';
const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };

let moto: MotoServer;
let standIn: EcrStandIn;
let client: ECRClient;
let repositoryCount = 0;

beforeAll(async () => {
  moto = await startMoto();
  standIn = await startEcrStandIn(moto.endpoint);
  client = new ECRClient({ endpoint: standIn.endpoint, region: REGION, credentials });
});

afterAll(async () => {
  await standIn?.stop();
  await moto?.stop();
});

/** A fresh repository name per test, so tests never see each other's images. */
const uniqueRepository = () => `team/app-${++repositoryCount}`;

const arnOf = (repository: string) => `arn:aws:ecr:${REGION}:${MOTO_ACCOUNT}:repository/${repository}`;

/** A client that counts the DescribeImages requests it sends. */
function countingClient(): { client: ECRClient; describeImagesCalls: () => number } {
  const counting = new ECRClient({ endpoint: standIn.endpoint, region: REGION, credentials });
  let calls = 0;
  counting.middlewareStack.add(
    (next, context) => (args) => {
      if (context.commandName === 'DescribeImagesCommand') calls++;
      return next(args);
    },
    { step: 'initialize', name: 'countDescribeImages' },
  );
  return { client: counting, describeImagesCalls: () => calls };
}

/** Register the scan result moto answers for an image (its own API for DescribeImageScanFindings). */
async function registerScanResult(repository: string, digest: string, result: Record<string, unknown>) {
  const response = await fetch(`${moto.endpoint}/moto-api/static/ecr/scan-finding-results`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      region: REGION,
      results: [
        { registryId: MOTO_ACCOUNT, repositoryName: repository, imageId: { imageDigest: digest }, ...result },
      ],
    }),
  });
  expect(response.status).toBe(201);
}

async function registryErrorOf(call: Promise<unknown>): Promise<RegistryError> {
  const error = await call.then(
    () => undefined,
    (rejection: unknown) => rejection,
  );
  expect(error).toBeInstanceOf(RegistryError);
  return error as RegistryError;
}

describe('describeImage', () => {
  it('finds an image by tag and by digest, with all its tags and its push time', async () => {
    const repository = uniqueRepository();
    const before = Math.floor(Date.now() / 1000) * 1000;
    const digest = await seedEcrImage(client, repository, '1.4.2', { content: 'build-42' });
    await seedEcrImage(client, repository, 'stable', { content: 'build-42' });
    await seedEcrImage(client, repository, '1.4.1');
    const registry = createEcrRegistry({ client });

    const byTag = await registry.describeImage(repository, { tag: '1.4.2' });
    expect(byTag).toEqual({ digest, tags: ['1.4.2', 'stable'], pushedAt: expect.any(Date) });
    expect(byTag?.pushedAt.getTime()).toBeGreaterThanOrEqual(before);
    expect(byTag?.pushedAt.getTime()).toBeLessThanOrEqual(Date.now());
    expect(await registry.describeImage(repository, { digest })).toEqual(byTag);
    expect(await registry.describeImage(repository, { tag: 'stable' })).toEqual(byTag);
  });

  it('returns the image named by digest only when it also carries the given tag', async () => {
    const repository = uniqueRepository();
    const digest = await seedEcrImage(client, repository, '2.0.0');
    await seedEcrImage(client, repository, '2.0.1');
    const registry = createEcrRegistry({ client });
    expect((await registry.describeImage(repository, { tag: '2.0.0', digest }))?.digest).toBe(digest);
    expect(await registry.describeImage(repository, { tag: '2.0.1', digest })).toBeUndefined();
  });

  it('returns an untagged image with no tags', async () => {
    const repository = uniqueRepository();
    const digest = await seedEcrImage(client, repository, undefined);
    const image = await createEcrRegistry({ client }).describeImage(repository, { digest });
    expect(image).toMatchObject({ digest, tags: [] });
  });

  it('returns undefined for a tag or digest the repository does not hold', async () => {
    const repository = uniqueRepository();
    await seedEcrImage(client, repository, '1.0.0');
    const registry = createEcrRegistry({ client });
    expect(await registry.describeImage(repository, { tag: '9.9.9' })).toBeUndefined();
    expect(await registry.describeImage(repository, { digest: `sha256:${'0'.repeat(64)}` })).toBeUndefined();
  });

  it('throws RepositoryNotFound naming the repository when it does not exist', async () => {
    const error = await registryErrorOf(
      createEcrRegistry({ client }).describeImage('team/missing', { tag: '1.0.0' }),
    );
    expect(error.code).toBe('RepositoryNotFound');
    expect(error.message).toBe('ECR repository team/missing does not exist');
    expect((error.cause as Error).name).toBe('RepositoryNotFoundException');
  });

  it('throws when neither a tag nor a digest is given', async () => {
    await expect(createEcrRegistry({ client }).describeImage('team/app', {})).rejects.toThrow(
      'describeImage: give the tag or the digest of the image',
    );
  });
});

describe('listImages', () => {
  it('returns every image across several DescribeImages pages', async () => {
    const repository = uniqueRepository();
    const seeded: string[] = [];
    for (let index = 0; index < 7; index++)
      seeded.push(await seedEcrImage(client, repository, `1.0.${index}`));
    seeded.push(await seedEcrImage(client, repository, undefined));
    const { client: counting, describeImagesCalls } = countingClient();
    const pagesBefore = standIn.pagesServed;

    const images = await createEcrRegistry({ client: counting, pageSize: 3 }).listImages(repository);

    expect(describeImagesCalls()).toBe(3);
    expect(standIn.pagesServed - pagesBefore).toBe(3);
    expect(images.map((image) => image.digest).sort()).toEqual([...seeded].sort());
    const byDigest = new Map(images.map((image) => [image.digest, image]));
    expect(byDigest.get(seeded[4] ?? '')?.tags).toEqual(['1.0.4']);
    expect(byDigest.get(seeded[7] ?? '')?.tags).toEqual([]);
    for (const image of images) expect(image.pushedAt).toBeInstanceOf(Date);
  });

  it('lists a repository without images as no images', async () => {
    const repository = uniqueRepository();
    await client.send(new CreateRepositoryCommand({ repositoryName: repository }));
    expect(await createEcrRegistry({ client }).listImages(repository)).toEqual([]);
  });

  it('shows push order in pushedAt', async () => {
    const repository = uniqueRepository();
    const registry = createEcrRegistry({ client });
    const first = await seedEcrImage(client, repository, '1.0.0');
    const firstPushedAt = (await registry.describeImage(repository, { digest: first }))?.pushedAt;
    if (firstPushedAt === undefined) throw new Error('the first image is missing');
    await nextSecond(firstPushedAt);
    const second = await seedEcrImage(client, repository, '1.0.1');

    const pushedAt = new Map(
      (await registry.listImages(repository)).map((image) => [image.digest, image.pushedAt]),
    );
    expect(pushedAt.get(first)).toEqual(firstPushedAt);
    expect(pushedAt.get(second)?.getTime()).toBeGreaterThan(firstPushedAt.getTime());
  });

  it('throws RepositoryNotFound naming the repository when it does not exist', async () => {
    const error = await registryErrorOf(createEcrRegistry({ client }).listImages('team/nowhere'));
    expect(error.code).toBe('RepositoryNotFound');
    expect(error.message).toContain('team/nowhere');
  });
});

describe('scanFindings', () => {
  it('returns the status and severity counts of a scanned image', async () => {
    const repository = uniqueRepository();
    const digest = await seedEcrImage(client, repository, '3.1.0');
    await client.send(
      new StartImageScanCommand({ repositoryName: repository, imageId: { imageDigest: digest } }),
    );
    await registerScanResult(repository, digest, {
      imageScanStatus: { status: 'COMPLETE', description: 'The scan was completed successfully.' },
      imageScanFindings: {
        findingSeverityCounts: { CRITICAL: 1, MEDIUM: 2, LOW: 0, UNTRIAGED: 3 },
        findings: [],
      },
    });
    expect(await createEcrRegistry({ client }).scanFindings(repository, digest)).toEqual({
      status: 'COMPLETE',
      severityCounts: { CRITICAL: 1, MEDIUM: 2, UNDEFINED: 3 },
    });
  });

  it('returns a scan still running with no counts', async () => {
    const repository = uniqueRepository();
    const digest = await seedEcrImage(client, repository, '3.2.0');
    await client.send(
      new StartImageScanCommand({ repositoryName: repository, imageId: { imageDigest: digest } }),
    );
    await registerScanResult(repository, digest, { imageScanStatus: { status: 'IN_PROGRESS' } });
    expect(await createEcrRegistry({ client }).scanFindings(repository, digest)).toEqual({
      status: 'IN_PROGRESS',
      severityCounts: {},
    });
  });

  it('returns undefined for an image that was never scanned', async () => {
    const repository = uniqueRepository();
    const digest = await seedEcrImage(client, repository, '3.3.0');
    expect(await createEcrRegistry({ client }).scanFindings(repository, digest)).toBeUndefined();
  });

  it('throws ImageNotFound for a digest the repository does not hold, RepositoryNotFound without the repository', async () => {
    const repository = uniqueRepository();
    await seedEcrImage(client, repository, '3.4.0');
    const missing = `sha256:${'f'.repeat(64)}`;
    const registry = createEcrRegistry({ client });
    const noImage = await registryErrorOf(registry.scanFindings(repository, missing));
    expect(noImage.code).toBe('ImageNotFound');
    expect(noImage.message).toBe(`ECR repository ${repository} has no image ${missing}`);
    const noRepository = await registryErrorOf(registry.scanFindings('team/absent', missing));
    expect(noRepository.code).toBe('RepositoryNotFound');
    expect(noRepository.message).toContain('team/absent');
  });
});

describe('repository ARNs', () => {
  it('accepts a repository ARN wherever a name is accepted', async () => {
    const repository = uniqueRepository();
    const digest = await seedEcrImage(client, repository, '4.0.0');
    await client.send(
      new StartImageScanCommand({ repositoryName: repository, imageId: { imageDigest: digest } }),
    );
    await registerScanResult(repository, digest, {
      imageScanStatus: { status: 'ACTIVE' },
      imageScanFindings: { findingSeverityCounts: { HIGH: 4 } },
    });
    const registry = createEcrRegistry({ client });
    const arn = arnOf(repository);
    expect((await registry.describeImage(arn, { tag: '4.0.0' }))?.digest).toBe(digest);
    expect((await registry.listImages(arn)).map((image) => image.digest)).toEqual([digest]);
    expect(await registry.scanFindings(arn, digest)).toEqual({
      status: 'ACTIVE',
      severityCounts: { HIGH: 4 },
    });
  });

  it.each([
    ['my-app', 'my-app'],
    ['team/my-app', 'team/my-app'],
    ['arn:aws:ecr:eu-west-1:111122223333:repository/my-app', 'my-app'],
    ['arn:aws:ecr:us-east-2:123456789012:repository/amazon/amazon-ecs-sample', 'amazon/amazon-ecs-sample'],
    ['arn:aws-cn:ecr:cn-north-1:111122223333:repository/a/b', 'a/b'],
    ['arn:aws-us-gov:ecr:us-gov-west-1:111122223333:repository/app', 'app'],
  ])('reads the repository name of %s', (input, name) => {
    expect(ecrRepositoryName(input)).toBe(name);
  });

  it.each([
    'arn:aws:s3:::my-bucket',
    'arn:aws:ecr:eu-west-1:111122223333:repository/',
    'arn:aws:ecr:eu-west-1:1111:repository/my-app',
    'arn:aws:ecr:eu-west-1:111122223333:image/my-app',
  ])('rejects %s, which is not a repository ARN', (arn) => {
    expect(() => ecrRepositoryName(arn)).toThrow(`${JSON.stringify(arn)} is not an ECR repository ARN`);
  });
});

describe('the default client', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('takes its endpoint and credentials from the SDK chain (AWS_ENDPOINT_URL_ECR)', async () => {
    const repository = uniqueRepository();
    const digest = await seedEcrImage(client, repository, '5.0.0');
    vi.stubEnv('AWS_ENDPOINT_URL_ECR', standIn.endpoint);
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'testing');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'testing');
    const registry = createEcrRegistry({ region: REGION });
    expect((await registry.describeImage(repository, { tag: '5.0.0' }))?.digest).toBe(digest);
  });

  it('rejects a page size ECR does not accept', () => {
    expect(() => createEcrRegistry({ pageSize: 0 })).toThrow(
      'pageSize: expected an integer from 1 to 1000, got 0',
    );
    expect(() => createEcrRegistry({ pageSize: 1001 })).toThrow('got 1001');
  });
});
