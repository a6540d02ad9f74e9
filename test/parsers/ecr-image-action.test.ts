import { describe, expect, it } from 'vitest';
import { EventError } from '#domain/errors.ts';
import { parseEcrImageAction, repositoryUri } from '#parsers/ecr-image-action.ts';
import { ecrPushEvent } from '#test/events.ts';

const ID = '4f7b6d8e-2c1a-4b5e-9d3f-0a1b2c3d4e5f';
const push = (detail: Record<string, unknown> = {}) =>
  ecrPushEvent(
    { 'repository-name': 'team/my-app', 'image-digest': `sha256:${'a'.repeat(64)}`, ...detail },
    ID,
  );

describe('parseEcrImageAction', () => {
  it('reads the kebab-case detail', () => {
    expect(parseEcrImageAction(push())).toMatchObject({
      id: ID,
      repositoryName: 'team/my-app',
      tag: '1.4.2',
      digest: `sha256:${'a'.repeat(64)}`,
      actionType: 'PUSH',
      result: 'SUCCESS',
    });
  });

  it('leaves the tag undefined on a digest-only push', () => {
    expect(parseEcrImageAction(push({ 'image-tag': undefined })).tag).toBeUndefined();
  });

  it.each([
    [null, 'event: expected a JSON object, got null'],
    [[], 'event: expected a JSON object, got an array'],
    [{ ...push(), detail: 'x' }, 'event.detail: expected an object, got "x"'],
    [push({ 'repository-name': undefined }), 'detail.repository-name: missing'],
    [push({ 'repository-name': 42 }), 'detail.repository-name: expected a non-empty string, got 42'],
    [{ ...push(), source: 'aws.codecommit' }, 'expected source "aws.ecr"'],
    [push({ 'image-tag': 'bad tag!' }), 'detail.image-tag: "bad tag!" is not a valid image tag'],
    [push({ 'image-tag': '-leading' }), 'is not a valid image tag'],
    [push({ 'image-tag': 'x'.repeat(129) }), 'is not a valid image tag'],
    [push({ 'image-digest': 'md5:zz' }), 'detail.image-digest: "md5:zz" is not a valid digest'],
  ])('rejects %j with a specific message', (event, message) => {
    expect(() => parseEcrImageAction(event)).toThrow(EventError);
    expect(() => parseEcrImageAction(event)).toThrow(message);
  });
});

describe('repositoryUri', () => {
  it('builds the registry URI, with the China partition suffix where it applies', () => {
    expect(repositoryUri({ account: '111122223333', region: 'eu-west-1', repositoryName: 'a/b' })).toBe(
      '111122223333.dkr.ecr.eu-west-1.amazonaws.com/a/b',
    );
    expect(repositoryUri({ account: '111122223333', region: 'cn-north-1', repositoryName: 'a' })).toBe(
      '111122223333.dkr.ecr.cn-north-1.amazonaws.com.cn/a',
    );
  });
});
