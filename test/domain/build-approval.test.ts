import { describe, expect, it } from 'vitest';
import { pinnedCommit, startedBy, validationBuildTrust } from '#domain/build-approval.ts';

const COMMIT = 'a6f82f2ba411839ecee1c18c0a498f1c65dae60a';
const OTHER = '04f0821c9c8715618dea1eadde750d5731e1ce8d';
const REVISION = '6e04783cca0ff6b5c5a4e6dd3e56508ef5192672cad104489209fdf9aa13ae7f';
const ROLE = 'flowkeeper-BranchFlowFunctionRole-1A2B3C4D5E6F';
const STARTERS = [ROLE];
const current = { sourceCommit: COMMIT, revisionId: REVISION };
const ours = {
  initiator: `${ROLE}/flowkeeper-BranchFlowFunction-Q7wE9rT2yU4i`,
  sourceVersion: COMMIT,
  sourceCommit: COMMIT,
  revisionId: REVISION,
};

describe('validationBuildTrust', () => {
  it('trusts a build Flowkeeper started on the current source commit and revision', () => {
    expect(validationBuildTrust(ours, current, STARTERS)).toEqual({ trusted: true });
    expect(
      validationBuildTrust({ ...ours, sourceVersion: `refs/heads/feature/x^{${COMMIT}}` }, current, STARTERS),
    ).toEqual({
      trusted: true,
    });
  });

  it.each([
    ['no starter configured', ours, [], /no identity is configured/],
    ['no initiator', { ...ours, initiator: undefined }, STARTERS, /not started by Flowkeeper/],
    ['a user who started it by hand', { ...ours, initiator: 'alice' }, STARTERS, /not started by Flowkeeper/],
    [
      'a role whose name only begins like ours',
      { ...ours, initiator: `${ROLE}-evil/session` },
      STARTERS,
      /not started/,
    ],
    ['a pipeline', { ...ours, initiator: `codepipeline/${ROLE}` }, STARTERS, /not started by Flowkeeper/],
    [
      'a moving ref as source version',
      { ...ours, sourceVersion: 'refs/heads/main' },
      STARTERS,
      /does not name the commit/,
    ],
    ['a pr/<n> source version', { ...ours, sourceVersion: 'pr/3' }, STARTERS, /does not name the commit/],
    ['no source version', { ...ours, sourceVersion: undefined }, STARTERS, /does not name the commit/],
    ['no REVISION_ID', { ...ours, revisionId: undefined }, STARTERS, /SOURCE_COMMIT and REVISION_ID/],
    ['no SOURCE_COMMIT', { ...ours, sourceCommit: undefined }, STARTERS, /SOURCE_COMMIT and REVISION_ID/],
    ['another commit built than named', { ...ours, sourceVersion: OTHER }, STARTERS, /not the SOURCE_COMMIT/],
    [
      'a commit that is no longer the source',
      { ...ours, sourceVersion: OTHER, sourceCommit: OTHER },
      STARTERS,
      /not of the current source commit/,
    ],
    [
      'an older revision',
      { ...ours, revisionId: 'f'.repeat(64) },
      STARTERS,
      /not of the current source commit and revision/,
    ],
  ])('refuses %s', (_, build, starters, reason) => {
    const verdict = validationBuildTrust(build, current, starters);
    expect(verdict.trusted).toBe(false);
    expect(verdict.trusted === false && verdict.reason).toMatch(reason);
  });
});

describe('startedBy', () => {
  it('matches a starter and its sessions only', () => {
    expect(startedBy('flowkeeper', ['flowkeeper'])).toBe(true);
    expect(startedBy('flowkeeper/session', ['flowkeeper'])).toBe(true);
    expect(startedBy('flowkeeper2', ['flowkeeper'])).toBe(false);
    expect(startedBy('', [''])).toBe(false);
  });
});

describe('pinnedCommit', () => {
  it('reads a bare commit or <ref>^{<commit>} and nothing else', () => {
    expect(pinnedCommit(COMMIT)).toBe(COMMIT);
    expect(pinnedCommit(`refs/heads/main^{${COMMIT}}`)).toBe(COMMIT);
    expect(pinnedCommit(COMMIT.toUpperCase())).toBeUndefined();
    expect(pinnedCommit(`${COMMIT}x`)).toBeUndefined();
    expect(pinnedCommit('main')).toBeUndefined();
  });
});
