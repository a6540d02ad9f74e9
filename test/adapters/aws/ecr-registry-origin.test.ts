import { ECRClient } from '@aws-sdk/client-ecr';
import { STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assumedRoleCredentials } from '#adapters/aws/assumed-role.ts';
import { createEcrRegistry } from '#adapters/aws/ecr-registry.ts';
import { seedEcrImage } from '#test/ecr-seed.ts';
import { type MotoServer, startMoto } from '#test/moto.ts';

const SOURCE = '111111111111';
const READER = `arn:aws:iam::${SOURCE}:role/flowkeeper-ecr-read`;
const REGION = 'eu-west-1';
const base = { accessKeyId: 'test', secretAccessKey: 'test' };

let moto: MotoServer;
beforeAll(async () => {
  moto = await startMoto();
});
afterAll(async () => {
  await moto?.stop();
});

describe('ECR look-ups of an event from another account', () => {
  it("go to the event's registry, in its region, through the source account's role", async () => {
    const sts = new STSClient({ endpoint: moto.endpoint, region: REGION, credentials: base });
    const credentials = assumedRoleCredentials({ roleArn: READER }, { caller: 'test', sts });
    // The image lives in the source account (what the role's credentials reach in moto).
    const inSource = new ECRClient({ endpoint: moto.endpoint, region: REGION, credentials });
    await seedEcrImage(inSource, 'my-app', '1.4.2');

    const registry = createEcrRegistry({
      credentialsFor: (account) => (account === SOURCE ? credentials : undefined),
    });
    process.env.AWS_ENDPOINT_URL_ECR = moto.endpoint;
    try {
      const origin = { account: SOURCE, region: REGION };
      const found = await registry.describeImage('my-app', { tag: '1.4.2' }, origin);
      expect(found?.tags).toEqual(['1.4.2']);
      expect((await registry.listImages('my-app', origin)).map((image) => image.tags)).toEqual([['1.4.2']]);
      // The same repository name in another region of the source account is another registry.
      await expect(
        registry.describeImage('my-app', { tag: '1.4.2' }, { account: SOURCE, region: 'us-west-2' }),
      ).rejects.toMatchObject({ code: 'RepositoryNotFound' });
    } finally {
      delete process.env.AWS_ENDPOINT_URL_ECR;
      inSource.destroy();
      sts.destroy();
    }
  });
});
