import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EventError } from '#domain/errors.ts';
import { parseReferenceEvent } from '#parsers/codecommit-reference.ts';
import { referenceEvent } from '#test/codecommit-events.ts';

type Envelope = { detail: Record<string, unknown> } & Record<string, unknown>;

const sample = (file: string): Envelope =>
  JSON.parse(readFileSync(new URL(`../../events/${file}`, import.meta.url), 'utf8'));

/** The direct-push sample with `detail` fields replaced (undefined removes a field). */
function push(detail: Record<string, unknown> = {}): Envelope {
  const event = sample('codecommit-push-direct.json');
  return { ...event, detail: { ...event.detail, ...detail } };
}

const MERGE = {
  option: 'THREE_WAY_MERGE',
  sourceCommitId: 'd'.repeat(40),
  destinationCommitId: 'e'.repeat(40),
};

describe('parseReferenceEvent', () => {
  it('reads a direct push: the pusher, both tips, no merge', () => {
    expect(parseReferenceEvent(sample('codecommit-push-direct.json'))).toEqual({
      id: '8409e0d5-d5d2-415e-a95c-fb3c60244ad4',
      account: '111122223333',
      region: 'eu-west-1',
      time: '2026-03-10T08:52:18Z',
      kind: 'referenceUpdated',
      repositoryName: 'app-manifests',
      referenceType: 'branch',
      referenceName: 'main',
      commitId: '0cc723308ea916080ae611b9e3dfeeaafa36250a',
      oldCommitId: '7c718ca6b9001dc14e5a613c19549a80d45d2e55',
      callerArn: 'arn:aws:iam::111122223333:user/alice',
    });
  });

  it('reads the merge of a pull request from the merge fields', () => {
    const event = parseReferenceEvent(sample('codecommit-push-merge.json'));
    expect(event).toMatchObject({
      referenceName: 'stg',
      commitId: '04f0821c9c8715618dea1eadde750d5731e1ce8d',
      oldCommitId: '4435f5ea62b8271514504aca4e3652f6c6f246b9',
      callerArn: 'arn:aws:sts::111122223333:assumed-role/release-manager/carol',
      merge: {
        option: 'FAST_FORWARD_MERGE',
        sourceCommitId: '04f0821c9c8715618dea1eadde750d5731e1ce8d',
        destinationCommitId: '4435f5ea62b8271514504aca4e3652f6c6f246b9',
      },
    });
  });

  it('has no old tip on referenceCreated and no new tip on referenceDeleted', () => {
    const made = parseReferenceEvent(
      referenceEvent('referenceCreated', { repositoryName: 'r', branch: 'dev' }),
    );
    expect(made).toMatchObject({ kind: 'referenceCreated', commitId: 'c'.repeat(40) });
    expect(made.oldCommitId).toBeUndefined();
    const gone = parseReferenceEvent(
      referenceEvent('referenceDeleted', { repositoryName: 'r', branch: 'dev' }),
    );
    expect(gone).toMatchObject({ kind: 'referenceDeleted', oldCommitId: 'b'.repeat(40) });
    expect(gone.commitId).toBeUndefined();
  });

  it('leaves callerArn undefined when the event has no callerUserArn', () => {
    expect(parseReferenceEvent(push({ callerUserArn: undefined })).callerArn).toBeUndefined();
  });

  it('falls back to referenceFullName, and shortens a full name given as referenceName', () => {
    expect(parseReferenceEvent(push({ referenceName: undefined })).referenceName).toBe('main');
    expect(parseReferenceEvent(push({ referenceName: 'refs/heads/team/x' })).referenceName).toBe('team/x');
    const tag = push({ referenceType: 'tag', referenceName: undefined, referenceFullName: 'refs/tags/v1.2' });
    expect(parseReferenceEvent(tag)).toMatchObject({ referenceType: 'tag', referenceName: 'v1.2' });
  });

  it.each([
    [
      { ...push(), 'detail-type': 'CodeCommit Pull Request State Change' },
      'expected source "aws.codecommit" and detail-type "CodeCommit Repository State Change"',
    ],
    [{ ...push(), source: 'aws.ecr' }, 'got "aws.ecr" / "CodeCommit Repository State Change"'],
    [
      push({ event: 'unreferencedMergeCommitCreated' }),
      'detail.event: "unreferencedMergeCommitCreated" moves no branch or tag',
    ],
    [push({ referenceType: 'commit' }), 'detail.referenceType: expected "branch" or "tag", got "commit"'],
    [push({ referenceType: undefined }), 'detail.referenceType: expected "branch" or "tag", got nothing'],
    [push({ referenceName: undefined, referenceFullName: undefined }), 'detail.referenceName: missing'],
    [
      push({ referenceName: '', referenceFullName: 'refs/tags/v1' }),
      'detail.referenceFullName: expected refs/heads/<name> for a branch',
    ],
    [push({ commitId: undefined }), 'detail.commitId: missing'],
    [push({ oldCommitId: undefined }), 'detail.oldCommitId: missing'],
    [
      push({ commitId: 'f485fcc' }),
      'detail.commitId: expected a commit id (40 lowercase hex digits), got "f485fcc"',
    ],
    [
      push({ mergeOption: 'SQUASH_MERGE', sourceCommitId: '26a8f2SOURCE' }),
      'detail.sourceCommitId: expected a commit id',
    ],
    [push({ sourceCommitId: 'not-a-commit' }), 'detail.sourceCommitId: expected a commit id'],
    [push({ callerUserArn: 'alice' }), 'detail.callerUserArn: expected an IAM or STS ARN, got "alice"'],
    [push({ repositoryName: undefined }), 'detail.repositoryName: missing'],
  ])('rejects %j with a specific message', (event, message) => {
    expect(() => parseReferenceEvent(event)).toThrow(EventError);
    expect(() => parseReferenceEvent(event)).toThrow(message);
  });
});

describe('referenceEvent (test builder)', () => {
  it('builds the detail keys of the samples', () => {
    const keys = (event: { detail: object }) => Object.keys(event.detail).sort();
    const direct = referenceEvent('referenceUpdated', { repositoryName: 'app-manifests', branch: 'main' });
    expect(keys(direct)).toEqual(keys(sample('codecommit-push-direct.json')));
    const merged = referenceEvent('referenceUpdated', {
      repositoryName: 'app-manifests',
      branch: 'stg',
      merge: MERGE,
    });
    expect(keys(merged)).toEqual(keys(sample('codecommit-push-merge.json')));
  });

  it('round-trips through the parser', () => {
    const event = referenceEvent(
      'referenceUpdated',
      {
        repositoryName: 'app-manifests',
        branch: 'stg',
        commitId: 'f'.repeat(40),
        merge: MERGE,
        callerArn: null,
      },
      'e2',
    );
    expect(event.resources).toEqual(['arn:aws:codecommit:eu-west-1:111122223333:app-manifests']);
    expect(parseReferenceEvent(event)).toEqual({
      id: 'e2',
      account: '111122223333',
      region: 'eu-west-1',
      time: '2026-03-10T09:14:03Z',
      kind: 'referenceUpdated',
      repositoryName: 'app-manifests',
      referenceType: 'branch',
      referenceName: 'stg',
      commitId: 'f'.repeat(40),
      oldCommitId: 'b'.repeat(40),
      merge: MERGE,
    });
  });
});
