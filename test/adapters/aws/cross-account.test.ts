/**
 * A push in one account moves values in two others through assumed roles: an SSM parameter in
 * 222222222222 and a CodeCommit manifests repository in 333333333333. moto keeps each account's
 * parameters apart; the CodeCommit emulator keeps no accounts, so one emulator stands for each
 * account behind a router that sends each request to the account its signing key belongs to.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { bumpImage } from '#app/image-bump/bump-image.ts';
import { parseEcrImageAction } from '#parsers/ecr-image-action.ts';
import { createImageContainer } from '#runtime/container.ts';
import { type AccountRouter, startAccountRouter } from '#test/account-router.ts';
import { type CodeCommitEmulator, startCodeCommitEmulator } from '#test/codecommit-emulator.ts';
import { ecrPushEvent } from '#test/events.ts';
import { createTestRepo, type TestRepo } from '#test/git-repo.ts';
import { type MotoServer, parameterSeenBy, startMoto } from '#test/moto.ts';
import { gitText } from '../../emulators/codecommit/git.ts';

const REGION = 'eu-west-1';
const MOTO_DEFAULT_ACCOUNT = '123456789012';
const PARAMETER_WRITER = 'arn:aws:iam::222222222222:role/flowkeeper-parameter-writer';
const MANIFESTS_WRITER = 'arn:aws:iam::333333333333:role/flowkeeper-manifests-writer';
const base = { accessKeyId: 'test', secretAccessKey: 'test' };
/** moto is shared by every file of a run: a name of this file's own. */
const PARAMETER = `/my-app/cross-account-${process.pid}-${Date.now()}/image`;
const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata: { name: web }
spec:
  template:
    spec:
      containers:
        - name: web
          image: 111111111111.dkr.ecr.eu-west-1.amazonaws.com/my-app:1.4.1 # release
`;

let moto: MotoServer;
let own: CodeCommitEmulator;
let other: CodeCommitEmulator;
let router: AccountRouter;
let configDir: TestRepo;

beforeAll(async () => {
  moto = await startMoto();
  [own, other] = await Promise.all([
    startCodeCommitEmulator({ region: REGION }),
    startCodeCommitEmulator({ region: REGION }),
  ]);
  for (const emulator of [own, other]) {
    await emulator.createRepository('app-manifests', { main: { 'k8s/deploy.yaml': DEPLOYMENT } });
  }
  router = await startAccountRouter({
    stsEndpoint: moto.endpoint,
    region: REGION,
    defaultAccount: MOTO_DEFAULT_ACCOUNT,
    targets: { [MOTO_DEFAULT_ACCOUNT]: own.endpoint, '333333333333': other.endpoint },
  });
  configDir = await createTestRepo({ 'README.md': 'configuration only\n' });
});

afterAll(async () => {
  vi.unstubAllEnvs();
  await Promise.all([router?.stop(), own?.stop(), other?.stop(), moto?.stop(), configDir?.cleanup()]);
});

async function parameterAs(roleArn: string | undefined, name: string): Promise<string | undefined> {
  let credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string } = base;
  if (roleArn !== undefined) {
    const sts = new STSClient({ endpoint: moto.endpoint, region: REGION, credentials: base });
    const { Credentials } = await sts.send(
      new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'check' }),
    );
    credentials = {
      accessKeyId: Credentials?.AccessKeyId ?? '',
      secretAccessKey: Credentials?.SecretAccessKey ?? '',
      sessionToken: Credentials?.SessionToken ?? '',
    };
  }
  return parameterSeenBy(moto, REGION, credentials, name);
}

const fileAt = (emulator: CodeCommitEmulator) =>
  gitText(emulator.gitDir('app-manifests'), ['show', 'refs/heads/main:k8s/deploy.yaml']);

describe('a push from 111111111111', () => {
  it('bumps the parameter in 222222222222 and the manifests in 333333333333, and nothing in the function account', async () => {
    const file = join(configDir.path, 'flowkeeper.yaml');
    await writeFile(
      file,
      `repositories:
  manifests: { provider: codecommit, name: app-manifests, region: ${REGION}, roleArn: ${MANIFESTS_WRITER} }
images:
  - ecr: my-app
    tags: { semver: ">=1.0.0" }
    update:
      - { repository: manifests, branch: main, file: k8s/deploy.yaml, kind: kubernetes, container: web }
      - { kind: ssm, parameter: ${PARAMETER}, region: ${REGION}, roleArn: ${PARAMETER_WRITER} }
`,
    );
    const env = {
      AWS_REGION: REGION,
      AWS_ACCESS_KEY_ID: base.accessKeyId,
      AWS_SECRET_ACCESS_KEY: base.secretAccessKey,
      AWS_ENDPOINT_URL_SSM: moto.endpoint,
      AWS_ENDPOINT_URL_STS: moto.endpoint,
      AWS_ENDPOINT_URL_CODECOMMIT: router.endpoint,
      FLOWKEEPER_CONFIG_FILE: file,
    };
    for (const [key, value] of Object.entries(env)) vi.stubEnv(key, value);
    const container = createImageContainer('image-bump', { ...process.env, ...env });
    const before = await fileAt(own);

    const event = parseEcrImageAction({ ...ecrPushEvent(), account: '111111111111' });
    const result = await bumpImage(event, await container.imageBump());

    expect(result.actions.map((action) => action.type).sort()).toEqual(['commit', 'parameter']);
    expect(await fileAt(other)).toContain('my-app:1.4.2 # release');
    expect(await fileAt(own)).toBe(before);
    expect(own.calls).toEqual([]);
    expect(new Set(router.routed)).toEqual(new Set(['333333333333']));
    expect(await parameterAs(PARAMETER_WRITER, PARAMETER)).toBe(
      '111111111111.dkr.ecr.eu-west-1.amazonaws.com/my-app:1.4.2',
    );
    expect(await parameterAs(undefined, PARAMETER)).toBeUndefined();
    expect(await parameterAs(MANIFESTS_WRITER, PARAMETER)).toBeUndefined();
  });
});
