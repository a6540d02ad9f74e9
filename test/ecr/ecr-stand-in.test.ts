import {
  DescribeImagesCommand,
  type DescribeImagesCommandInput,
  ECRClient,
  ListImagesCommand,
} from '@aws-sdk/client-ecr';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedEcrImage } from '#test/ecr-seed.ts';
import { type EcrStandIn, startEcrStandIn } from '#test/ecr-stand-in.ts';
import { type MotoServer, startMoto } from '#test/moto.ts';

// The stand-in must page DescribeImages as ECR documents it and otherwise behave exactly like moto.
const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };

let moto: MotoServer;
let standIn: EcrStandIn;
let client: ECRClient;
let direct: ECRClient;
let repositoryCount = 0;

beforeAll(async () => {
  moto = await startMoto();
  standIn = await startEcrStandIn(moto.endpoint);
  client = new ECRClient({ endpoint: standIn.endpoint, region: 'eu-west-1', credentials });
  direct = new ECRClient({ endpoint: moto.endpoint, region: 'eu-west-1', credentials });
});

afterAll(async () => {
  await standIn?.stop();
  await moto?.stop();
});

const uniqueRepository = () => `stand-in/app-${++repositoryCount}`;

async function seeded(count: number): Promise<{ repository: string; digests: string[] }> {
  const repository = uniqueRepository();
  const digests: string[] = [];
  for (let index = 0; index < count; index++)
    digests.push(await seedEcrImage(client, repository, `v${index}`));
  return { repository, digests };
}

async function errorOf(
  input: DescribeImagesCommandInput,
): Promise<Error & { $metadata?: { httpStatusCode?: number } }> {
  const error = await client.send(new DescribeImagesCommand(input)).then(
    () => undefined,
    (rejection: unknown) => rejection,
  );
  expect(error).toBeInstanceOf(Error);
  return error as Error;
}

describe('ECR stand-in', () => {
  it('answers at most maxResults images a page and a nextToken while more remain', async () => {
    const { repository, digests } = await seeded(5);
    const pages: string[][] = [];
    let nextToken: string | undefined;
    do {
      const page = await client.send(
        new DescribeImagesCommand({ repositoryName: repository, maxResults: 2, nextToken }),
      );
      pages.push((page.imageDetails ?? []).map((image) => image.imageDigest ?? ''));
      nextToken = page.nextToken;
    } while (nextToken !== undefined);
    expect(pages.map((page) => page.length)).toEqual([2, 2, 1]);
    expect(pages.flat()).toEqual(digests);
  });

  it('answers the same image details as moto, only cut into pages', async () => {
    const { repository } = await seeded(3);
    const fromMoto = await direct.send(new DescribeImagesCommand({ repositoryName: repository }));
    const first = await client.send(new DescribeImagesCommand({ repositoryName: repository, maxResults: 2 }));
    const second = await client.send(
      new DescribeImagesCommand({ repositoryName: repository, maxResults: 2, nextToken: first.nextToken }),
    );
    expect([...(first.imageDetails ?? []), ...(second.imageDetails ?? [])]).toEqual(fromMoto.imageDetails);
    expect(second.nextToken).toBeUndefined();
  });

  it('rejects a token that is not one of the listing it is sent with', async () => {
    const { repository } = await seeded(3);
    const other = await seeded(3);
    const page = await client.send(new DescribeImagesCommand({ repositoryName: repository, maxResults: 1 }));
    for (const nextToken of [page.nextToken, 'not-a-token']) {
      const error = await errorOf({ repositoryName: other.repository, maxResults: 1, nextToken });
      expect(error.name).toBe('InvalidParameterException');
      expect(error.$metadata?.httpStatusCode).toBe(400);
    }
  });

  it("passes moto's errors and every other request through unchanged", async () => {
    const { repository, digests } = await seeded(2);
    expect((await errorOf({ repositoryName: 'stand-in/missing', maxResults: 1 })).name).toBe(
      'RepositoryNotFoundException',
    );
    expect((await errorOf({ repositoryName: repository, imageIds: [{ imageTag: 'nope' }] })).name).toBe(
      'ImageNotFoundException',
    );
    const byId = await client.send(
      new DescribeImagesCommand({ repositoryName: repository, imageIds: [{ imageDigest: digests[1] }] }),
    );
    expect(byId.imageDetails?.map((image) => image.imageTags)).toEqual([['v1']]);
    const listed = await client.send(new ListImagesCommand({ repositoryName: repository }));
    expect(listed.imageIds?.map((id) => id.imageDigest)).toEqual(digests);
  });
});
