import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SSMClient } from '@aws-sdk/client-ssm';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  assumedRoleCredentials,
  REFRESH_BEFORE_EXPIRY_MS,
  RoleAssumptionError,
  sessionName,
} from '#adapters/aws/assumed-role.ts';
import { bumpImage } from '#app/image-bump/bump-image.ts';
import type { Alert } from '#app/ports/alert-sink.ts';
import { isPermanentError } from '#domain/errors.ts';
import {
  ECR_IMAGE_ACTION,
  fromEnvelope as imageAction,
  parseEcrImageAction,
} from '#parsers/ecr-image-action.ts';
import { eventUnion } from '#parsers/event-union.ts';
import { createImageContainer } from '#runtime/container.ts';
import { defineHandler } from '#runtime/define-handler.ts';
import { ecrPushEvent } from '#test/events.ts';
import { createTestRepo, type TestRepo } from '#test/git-repo.ts';
import { type MotoServer, parameterSeenBy, startMoto } from '#test/moto.ts';

const WRITER_222 = 'arn:aws:iam::222222222222:role/flowkeeper-parameter-writer';
const REGION = 'eu-west-1';
const base = { accessKeyId: 'test', secretAccessKey: 'test' };

let moto: MotoServer;
beforeAll(async () => {
  moto = await startMoto();
});
afterAll(async () => {
  await moto?.stop();
});

const sts = () => new STSClient({ endpoint: moto.endpoint, region: REGION, credentials: base });

/** A parameter as the given credentials see it. */
const readAs = (credentials: Parameters<typeof parameterSeenBy>[2], name: string) =>
  parameterSeenBy(moto, REGION, credentials, name);

describe('assumed-role credentials', () => {
  it('moto keeps what the assumed role writes in the account of the role ARN', async () => {
    const client = sts();
    const provider = assumedRoleCredentials({ roleArn: WRITER_222 }, { caller: 'test', sts: client });
    const credentials = await provider();
    const ssm = new SSMClient({ endpoint: moto.endpoint, region: REGION, credentials: provider });
    const { PutParameterCommand } = await import('@aws-sdk/client-ssm');
    await ssm.send(new PutParameterCommand({ Name: '/probe/account', Value: 'x', Type: 'String' }));
    expect(await readAs(credentials, '/probe/account')).toBe('x');
    expect(await readAs(base, '/probe/account')).toBeUndefined();
    ssm.destroy();
  });

  it('assumes once, shares the call between concurrent callers, and refreshes shortly before expiry', async () => {
    let now = Date.now();
    const real = sts();
    let calls = 0;
    const counting = {
      send: (async (command: AssumeRoleCommand) => {
        calls += 1;
        expect(command.input.RoleSessionName).toBe('flowkeeper-image-bump');
        expect(command.input.ExternalId).toBe('ext-123');
        return real.send(command);
      }) as unknown as STSClient['send'],
    };
    const provider = assumedRoleCredentials(
      { roleArn: 'arn:aws:iam::444444444444:role/cache-probe', externalId: 'ext-123' },
      { caller: 'image-bump', sts: counting, now: () => now },
    );
    const [first, second] = await Promise.all([provider(), provider()]);
    expect(calls).toBe(1);
    expect(second).toBe(first);
    expect(await provider()).toBe(first);
    expect(calls).toBe(1);
    now = first.expiration.getTime() - REFRESH_BEFORE_EXPIRY_MS + 1;
    await provider();
    expect(calls).toBe(2);
  });

  it('names sessions after Flowkeeper and the function, within what STS accepts', () => {
    expect(sessionName('image-bump')).toBe('flowkeeper-image-bump');
    const long = sessionName(`stack-ImageBumpFunction-${'A'.repeat(80)} x`);
    expect(long).toMatch(/^flowkeeper-[\w+=,.@-]{1,53}$/);
  });

  // moto does not evaluate trust policies (any role ARN can be assumed), so the refusal is the STS
  // answer an untrusting role gives, sent by an injected client.
  it('a refused AssumeRole is a permanent error naming the role and the account, without credentials', async () => {
    const refused = Object.assign(
      new Error(
        'User: arn:aws:sts::999999999999:assumed-role/fk is not authorized to perform: sts:AssumeRole',
      ),
      {
        name: 'AccessDenied',
      },
    );
    const denying = { send: (async () => Promise.reject(refused)) as unknown as STSClient['send'] };
    const provider = assumedRoleCredentials({ roleArn: WRITER_222 }, { caller: 'test', sts: denying });
    const error = await provider().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RoleAssumptionError);
    expect(isPermanentError(error)).toBe(true);
    expect((error as Error).message).toContain(`cannot assume role ${WRITER_222} in account 222222222222`);
    expect((error as Error).message).toContain('trust policy');
  });

  it('other STS failures stay transient', async () => {
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'Throttling' });
    const failing = { send: (async () => Promise.reject(throttled)) as unknown as STSClient['send'] };
    const provider = assumedRoleCredentials({ roleArn: WRITER_222 }, { caller: 'test', sts: failing });
    const error = await provider().catch((e: unknown) => e);
    expect(error).toBe(throttled);
    expect(isPermanentError(error)).toBe(false);
  });
});

describe('a push in one account bumps a parameter in another', () => {
  let repo: TestRepo;
  beforeAll(async () => {
    repo = await createTestRepo({ 'app.yaml': 'image: x\n' });
  });
  afterAll(async () => {
    await repo?.cleanup();
  });

  async function containerFor(yaml: string) {
    const file = join(repo.path, `flowkeeper-${Math.random().toString(36).slice(2)}.yaml`);
    await writeFile(file, yaml);
    const env = {
      AWS_REGION: REGION,
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_ENDPOINT_URL_SSM: moto.endpoint,
      AWS_ENDPOINT_URL_STS: moto.endpoint,
      FLOWKEEPER_CONFIG_FILE: file,
    };
    for (const [key, value] of Object.entries(env)) vi.stubEnv(key, value);
    return createImageContainer('image-bump', { ...process.env, ...env });
  }

  const config = (parameter: string, roleArn: string) => `
repositories:
  manifests: { provider: local, path: ${JSON.stringify(repo.path)} }
images:
  - ecr: my-app
    tags: { semver: ">=1.0.0" }
    update:
      - kind: ssm
        parameter: ${parameter}
        region: ${REGION}
        roleArn: ${roleArn}
`;

  it('writes through the role into 222222222222 and nowhere else', async () => {
    const container = await containerFor(config('/my-app/prd/image', WRITER_222));
    const event = parseEcrImageAction({ ...ecrPushEvent(), account: '111111111111' });
    const result = await bumpImage(event, await container.imageBump());
    expect(result.actions).toEqual([
      expect.objectContaining({ type: 'parameter', parameter: '/my-app/prd/image', from: null }),
    ]);
    const assumed = await sts().send(
      new AssumeRoleCommand({ RoleArn: WRITER_222, RoleSessionName: 'check' }),
    );
    const c = assumed.Credentials;
    const as222 = {
      accessKeyId: c?.AccessKeyId ?? '',
      secretAccessKey: c?.SecretAccessKey ?? '',
      sessionToken: c?.SessionToken ?? '',
    };
    expect(await readAs(as222, '/my-app/prd/image')).toBe(
      '111111111111.dkr.ecr.eu-west-1.amazonaws.com/my-app:1.4.2',
    );
    expect(await readAs(base, '/my-app/prd/image')).toBeUndefined();
    vi.unstubAllEnvs();
  });

  it('a role that refuses is one alert naming the role, and nothing is written', async () => {
    // moto assumes any role ARN (it does not evaluate trust policies): the refusal an untrusting role
    // gives is the answer of the SDK's AssumeRole command, stubbed; everything else is the real path.
    const alerts: Alert[] = [];
    const container = await containerFor(
      config('/my-app/denied/image', 'arn:aws:iam::555555555555:role/untrusting'),
    );
    const stsSend = vi
      .spyOn(STSClient.prototype, 'send')
      .mockRejectedValue(
        Object.assign(new Error('not authorized to perform: sts:AssumeRole'), { name: 'AccessDenied' }),
      );
    const context = {
      name: 'image-bump',
      logger: container.logger,
      alerts: () => ({ publish: async (a: Alert) => void alerts.push(a) }),
    };
    const raw = { ...ecrPushEvent(), account: '111111111111' };
    const handler = defineHandler(
      'image-bump',
      () => context,
      eventUnion({ [ECR_IMAGE_ACTION]: imageAction }),
      {
        [ECR_IMAGE_ACTION]: async ({ detail }) => bumpImage(detail, await container.imageBump()),
      },
    );
    const result = await handler(raw, {} as Context);
    stsSend.mockRestore();
    expect(result).toMatchObject({ error: { type: 'RoleAssumptionError' } });
    expect(alerts).toHaveLength(1);
    expect(alerts[0]?.message).toContain(
      'cannot assume role arn:aws:iam::555555555555:role/untrusting in account 555555555555',
    );
    expect(await readAs(base, '/my-app/denied/image')).toBeUndefined();
    vi.unstubAllEnvs();
  });
});
