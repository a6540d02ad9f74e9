import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EventError } from '#domain/errors.ts';
import { parseEnvelope, requireKind } from '#parsers/envelope.ts';
import { runCli } from '#test/cli.ts';
import { ecrPushEvent } from '#test/events.ts';
import { createTestRepo, type TestRepo } from '#test/git-repo.ts';

const EVENTS_DIR = new URL('../../events/', import.meta.url);

function rejection(event: unknown): string {
  try {
    parseEnvelope(event);
  } catch (error) {
    expect(error).toBeInstanceOf(EventError);
    return (error as Error).message;
  }
  throw new Error('the envelope was accepted');
}

describe('parseEnvelope', () => {
  it('accepts every sample event', async () => {
    const files = (await readdir(EVENTS_DIR)).filter(
      (file) => file.endsWith('.json') && file !== 'catalog.json',
    );
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const sample = JSON.parse(await readFile(new URL(file, EVENTS_DIR), 'utf8')) as {
        Records?: { body: string }[];
        requestContext?: unknown;
      };
      // A Function URL request (the GitLab webhook) is no EventBridge event.
      if (sample.requestContext !== undefined) continue;
      // An SQS batch carries the envelopes as message bodies.
      const events: unknown[] = sample.Records?.map((record) => JSON.parse(record.body)) ?? [sample];
      for (const event of events) expect(() => parseEnvelope(event), file).not.toThrow();
    }
  });

  it.each([
    'eu-west-1',
    'us-east-1',
    'ap-southeast-2',
    'us-gov-west-1',
    'cn-north-1',
    'cn-northwest-1',
    'il-central-1',
    'us-isob-east-1',
  ])('accepts region %s', (region) => {
    expect(parseEnvelope(ecrPushEvent()).region).toBe('eu-west-1');
    expect(parseEnvelope({ ...ecrPushEvent(), region }).region).toBe(region);
  });

  it.each([
    'eu-west-1\nSigned-off-by: x',
    'evil.example/x#',
    'EU-WEST-1',
    'eu-west',
    'eu-west-1 ',
    'localhost',
  ])('rejects region %j', (region) => {
    expect(rejection({ ...ecrPushEvent(), region })).toMatch(
      /^event\.region: expected an AWS region like "eu-west-1", got ".*"$/,
    );
  });

  it.each(['11112222333', '1111222233334', '1111-2222-3333', '111122223333\n', 'x'])(
    'rejects account %j',
    (account) => {
      expect(rejection({ ...ecrPushEvent(), account })).toMatch(
        /^event\.account: expected a 12-digit AWS account id, got ".*"$/,
      );
    },
  );

  it.each(['6a1f0e2d-3c4b-4a59-8e7f-1d2c3b4a5f60', 'e1', 'gitlab-push-1.4.2', 'queued_push-7'])(
    'accepts event id %s',
    (id) => {
      expect(parseEnvelope({ ...ecrPushEvent(), id }).id).toBe(id);
    },
  );

  it.each(['e-1\nSigned-off-by: Mallory <m@example.com>', 'a b', '-leading', 'x'.repeat(129), 'e/1', 'é'])(
    'rejects event id %j',
    (id) => {
      expect(rejection({ ...ecrPushEvent(), id })).toMatch(
        /^event\.id: expected an event id \(.*\), got ".*"$/,
      );
    },
  );

  it('quotes what it rejects on one line', () => {
    const message = rejection({ ...ecrPushEvent(), region: 'eu-west-1\nSigned-off-by: x' });
    expect(message).not.toContain('\n');
    expect(message).toContain('"eu-west-1\\nSigned-off-by: x"');
    const kind = parseEnvelope({ ...ecrPushEvent(), source: 'aws.ecr\nx' });
    expect(() => requireKind(kind, 'aws.ecr', 'ECR Image Action')).toThrow(
      'event: expected source "aws.ecr" and detail-type "ECR Image Action", got "aws.ecr\\nx" / "ECR Image Action"',
    );
  });
});

describe('a hostile envelope end to end', () => {
  let repo: TestRepo | undefined;
  afterEach(() => repo?.cleanup());

  it('rejects a region that would add a trailer and change the registry host, writing nothing', async () => {
    repo = await createTestRepo({ 'k.yaml': 'images:\n  - name: my-app\n    newTag: 1.4.1\n' }, ['stg']);
    const config = join(repo.path, '..', `${repo.path.split('/').pop()}-config.yaml`);
    await writeFile(
      config,
      `repositories:
  manifests: { provider: local, path: ${JSON.stringify(repo.path)} }
images:
  - ecr: my-app
    update:
      - { repository: manifests, branch: stg, file: k.yaml, kind: kustomize, image: my-app, setName: true }
`,
    );
    const eventFile = `${config}.event.json`;
    await writeFile(
      eventFile,
      JSON.stringify({
        ...ecrPushEvent(),
        region: 'evil.example/x\nSigned-off-by: Mallory <m@example.com>\n',
      }),
    );
    const before = await repo.refs();

    const run = await runCli(['invoke', 'ImageBumpFunction', '--event', eventFile, '--config', config]);

    expect(run.code, run.stdout).toBe(1);
    expect(run.stderr).toContain('event.region: expected an AWS region like "eu-west-1"');
    expect(await repo.refs()).toBe(before);
    expect(await repo.git('status', '--porcelain')).toBe('');
  });
});
