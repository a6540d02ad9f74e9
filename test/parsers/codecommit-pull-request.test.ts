import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EventError } from '#domain/errors.ts';
import { parsePullRequestEvent } from '#parsers/codecommit-pull-request.ts';
import { type PullRequestFields, pullRequestEvent } from '#test/codecommit-events.ts';

type Envelope = { detail: Record<string, unknown> } & Record<string, unknown>;

const sample = (file: string): Envelope =>
  JSON.parse(readFileSync(new URL(`../../events/${file}`, import.meta.url), 'utf8'));

const PR: PullRequestFields = {
  id: '7',
  repositoryName: 'app-manifests',
  source: 'feature/x',
  destination: 'dev',
  sourceCommit: 'a'.repeat(40),
  destinationCommit: 'b'.repeat(40),
  revisionId: 'c'.repeat(64),
  authorArn: 'arn:aws:iam::111122223333:user/bob',
};

/** The created sample with `detail` fields replaced (undefined removes a field). */
function created(detail: Record<string, unknown> = {}): Envelope {
  const event = sample('codecommit-pr-created.json');
  return { ...event, detail: { ...event.detail, ...detail } };
}

describe('parsePullRequestEvent', () => {
  it('reads the created sample into short branch names, upper-case status and a boolean merge flag', () => {
    expect(parsePullRequestEvent(sample('codecommit-pr-created.json'))).toEqual({
      id: 'd2e9a0ee-a0de-4c70-955b-a1a4ddde3044',
      account: '111122223333',
      region: 'eu-west-1',
      time: '2026-03-10T09:14:04Z',
      kind: 'pullRequestCreated',
      pullRequestId: '2',
      repositoryName: 'app-manifests',
      title: 'Add a readiness probe to the api deployment',
      authorArn: 'arn:aws:iam::111122223333:user/bob',
      callerArn: 'arn:aws:iam::111122223333:user/bob',
      source: 'feature/readiness-probe',
      destination: 'dev',
      sourceCommit: '66726205286d1aa6fba2f372c9c024418616466f',
      destinationCommit: '04f0821c9c8715618dea1eadde750d5731e1ce8d',
      revisionId: 'e6dc94ccfa1fec2dc5231816f8f76309e0e5f0578e904042bcebec10c11d392b',
      status: 'OPEN',
      merged: false,
    });
  });

  it.each([
    [
      'codecommit-pr-created-wrong-source.json',
      'pullRequestCreated',
      '1',
      'feature/new-probe',
      'main',
      'OPEN',
      false,
    ],
    [
      'codecommit-pr-source-updated.json',
      'pullRequestSourceBranchUpdated',
      '2',
      'feature/readiness-probe',
      'dev',
      'OPEN',
      false,
    ],
    ['codecommit-pr-merged.json', 'pullRequestMergeStatusUpdated', '3', 'dev', 'stg', 'CLOSED', true],
    [
      'codecommit-pr-closed.json',
      'pullRequestStatusChanged',
      '2',
      'feature/readiness-probe',
      'dev',
      'CLOSED',
      false,
    ],
  ])('reads %s', (file, kind, pullRequestId, source, destination, status, merged) => {
    expect(parsePullRequestEvent(sample(file))).toMatchObject({
      kind,
      pullRequestId,
      source,
      destination,
      status,
      merged,
    });
  });

  it('gives a new revision for a source branch update, and keeps the merge option of a merge', () => {
    const first = parsePullRequestEvent(sample('codecommit-pr-created.json'));
    const updated = parsePullRequestEvent(sample('codecommit-pr-source-updated.json'));
    expect(updated.revisionId).not.toBe(first.revisionId);
    expect(updated.sourceCommit).not.toBe(first.sourceCommit);
    expect(updated.mergeOption).toBeUndefined();
    const merged = parsePullRequestEvent(sample('codecommit-pr-merged.json'));
    expect(merged.mergeOption).toBe('FAST_FORWARD_MERGE');
    expect(merged.callerArn).toBe('arn:aws:sts::111122223333:assumed-role/release-manager/carol');
    expect(merged.authorArn).not.toBe(merged.callerArn);
  });

  it('ignores the Java date strings, whatever they hold', () => {
    expect(() =>
      parsePullRequestEvent(created({ creationDate: 'Tue Feb 9 2019 10:18:42 PDT ' })),
    ).not.toThrow();
    expect(() => parsePullRequestEvent(created({ lastModifiedDate: 42 }))).not.toThrow();
  });

  it('leaves callerArn undefined when callerUserArn is absent', () => {
    expect(parsePullRequestEvent(created({ callerUserArn: undefined })).callerArn).toBeUndefined();
  });

  it('takes the first repository name', () => {
    expect(parsePullRequestEvent(created({ repositoryNames: ['one', 'two'] })).repositoryName).toBe('one');
  });

  it.each([
    [{ ...created(), source: 'aws.codebuild' }, 'event: expected source "aws.codecommit" and detail-type'],
    [
      { ...created(), 'detail-type': 'CodeCommit Repository State Change' },
      'got "aws.codecommit" / "CodeCommit Repository State Change"',
    ],
    [created({ isMerged: 'yes' }), 'detail.isMerged: expected "True" or "False", got "yes"'],
    [created({ isMerged: false }), 'detail.isMerged: expected "True" or "False", got false'],
    [created({ isMerged: undefined }), 'detail.isMerged: expected "True" or "False", got nothing'],
    [
      created({ pullRequestStatus: 'OPEN' }),
      'detail.pullRequestStatus: expected "Open" or "Closed", got "OPEN"',
    ],
    [
      created({ repositoryNames: [] }),
      'detail.repositoryNames: expected a non-empty array of repository names',
    ],
    [created({ repositoryNames: 'app-manifests' }), 'detail.repositoryNames: expected a non-empty array'],
    [created({ repositoryNames: undefined }), 'detail.repositoryNames: expected a non-empty array'],
    [created({ repositoryNames: [42] }), 'detail.repositoryNames[0]: expected a repository name, got 42'],
    [created({ pullRequestId: 2 }), 'detail.pullRequestId: expected a non-empty string, got 2'],
    [
      created({ pullRequestId: '0' }),
      'detail.pullRequestId: expected a positive whole number as a string, got "0"',
    ],
    [created({ pullRequestId: 'pr-2' }), 'detail.pullRequestId: expected a positive whole number'],
    [
      created({ sourceReference: 'feature/x' }),
      'detail.sourceReference: expected a branch reference refs/heads/<name>',
    ],
    [
      created({ destinationReference: 'refs/tags/v1' }),
      'detail.destinationReference: expected a branch reference',
    ],
    [
      created({ destinationReference: 'refs/heads/' }),
      'detail.destinationReference: expected a branch reference',
    ],
    [
      created({ sourceCommit: '6672620' }),
      'detail.sourceCommit: expected a commit id (40 lowercase hex digits), got "6672620"',
    ],
    [created({ destinationCommit: 'A'.repeat(40) }), 'detail.destinationCommit: expected a commit id'],
    [
      created({ revisionId: 'e'.repeat(40) }),
      'detail.revisionId: expected a revision id (64 lowercase hex digits)',
    ],
    [created({ author: 'bob' }), 'detail.author: expected an IAM or STS ARN, got "bob"'],
    [created({ callerUserArn: 'someone' }), 'detail.callerUserArn: expected an IAM or STS ARN'],
    [created({ title: undefined }), 'detail.title: missing'],
    [created({ event: undefined }), 'detail.event: missing'],
  ])('rejects %j with a specific message', (event, message) => {
    expect(() => parsePullRequestEvent(event)).toThrow(EventError);
    expect(() => parsePullRequestEvent(event)).toThrow(message);
  });
});

describe('pullRequestEvent (test builder)', () => {
  it('builds the detail keys of the samples', () => {
    const keys = (event: { detail: object }) => Object.keys(event.detail).sort();
    expect(keys(pullRequestEvent('pullRequestCreated', PR))).toEqual(
      keys(sample('codecommit-pr-created.json')),
    );
    expect(
      keys(pullRequestEvent('pullRequestMergeStatusUpdated', PR, { mergeOption: 'FAST_FORWARD_MERGE' })),
    ).toEqual(keys(sample('codecommit-pr-merged.json')));
  });

  it('round-trips through the parser, with title-case status and string merge flag on the wire', () => {
    const event = pullRequestEvent('pullRequestMergeStatusUpdated', PR, {
      id: 'e1',
      callerArn: 'arn:aws:sts::111122223333:assumed-role/release-manager/carol',
      mergeOption: 'SQUASH_MERGE',
    });
    expect(event.detail).toMatchObject({ isMerged: 'True', pullRequestStatus: 'Closed' });
    expect(event.detail.creationDate).toBe('Tue Mar 10 09:14:03 UTC 2026');
    expect(parsePullRequestEvent(event)).toMatchObject({
      id: 'e1',
      pullRequestId: '7',
      source: 'feature/x',
      destination: 'dev',
      status: 'CLOSED',
      merged: true,
      mergeOption: 'SQUASH_MERGE',
      callerArn: 'arn:aws:sts::111122223333:assumed-role/release-manager/carol',
    });
    expect(
      parsePullRequestEvent(pullRequestEvent('pullRequestStatusChanged', { ...PR, status: 'CLOSED' })),
    ).toMatchObject({ status: 'CLOSED', merged: false, callerArn: PR.authorArn });
  });
});
