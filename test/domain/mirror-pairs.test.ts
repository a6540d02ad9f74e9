import { describe, expect, it } from 'vitest';
import type { Config, MirrorConfig } from '#config/types.ts';
import { foreignCommitsMessage } from '#domain/mirror-commits.ts';
import { allPairs, pairsForBranch, pairsForPrimary } from '#domain/mirror-pairs.ts';

const mirror = (over: Partial<MirrorConfig> = {}): MirrorConfig => ({
  gitlab: 'primary',
  codecommit: 'replica',
  branches: ['main', 'release/*'],
  adopt: false,
  driftAlertMinutes: 30,
  ...over,
});

const config = (mirrors: MirrorConfig[]): Config =>
  ({
    repositories: {
      primary: {
        provider: 'gitlab',
        url: 'https://gitlab.example.com',
        project: 'p/m',
        token: { ssm: '/t' },
      },
      replica: { provider: 'codecommit', name: 'app-manifests-mirror' },
      disk: { provider: 'local', path: '/tmp/r' },
    },
    mirrors,
  }) as unknown as Config;

describe('mirror pairs', () => {
  it('name the CodeCommit repository of each pair, skipping pairs whose mirror side is not CodeCommit', () => {
    const pairs = allPairs(config([mirror(), mirror({ codecommit: 'disk' })]));
    expect(pairs.map((pair) => pair.codecommitName)).toEqual(['app-manifests-mirror']);
  });

  it('select by CodeCommit repository name and branch glob', () => {
    const cfg = config([mirror()]);
    expect(pairsForBranch(cfg, 'app-manifests-mirror', 'release/1.2')).toHaveLength(1);
    expect(pairsForBranch(cfg, 'app-manifests-mirror', 'feature/x')).toEqual([]);
    expect(pairsForBranch(cfg, 'replica', 'main')).toEqual([]);
  });

  it('select by GitLab repository key and branch for a commit made on the primary', () => {
    const cfg = config([mirror()]);
    expect(pairsForPrimary(cfg, 'primary', 'main')).toHaveLength(1);
    expect(pairsForPrimary(cfg, 'replica', 'main')).toEqual([]);
  });
});

describe('foreignCommitsMessage', () => {
  const [pair] = allPairs(config([mirror()]));
  if (!pair) throw new Error('no pair');
  const commit = {
    id: 'a'.repeat(40),
    author: { name: 'Dev', email: 'dev@example.com' },
    authoredAt: '2026-12-01T10:00:00Z',
    message: 'hotfix\n\nbody',
  };
  const described = [
    { commit, changes: [{ path: 'k8s/app.yaml' }, { path: 'old.yaml', deleted: true as const }] },
  ];

  it('lists each commit with its changes and says what happens next', () => {
    const text = foreignCommitsMessage(
      pair,
      'main',
      { state: 'codecommit-ahead', missing: [] },
      described,
      true,
    );
    expect(text.split('\n')).toEqual([
      'CodeCommit repository app-manifests-mirror, branch main, holds commits that GitLab (primary) does not.',
      'The next push mirror update overwrites them (or fails, with "keep divergent refs").',
      '',
      `${'a'.repeat(12)} Dev <dev@example.com> 2026-12-01T10:00:00Z`,
      '  hotfix',
      '  M k8s/app.yaml',
      '  D old.yaml',
      '',
      'Flowkeeper replays them onto GitLab with a Flowkeeper-Adopted-From trailer (adopt: true).',
    ]);
  });

  it('asks for a merge by hand when GitLab moved too, and for a commit to GitLab otherwise', () => {
    const diverged = { state: 'diverged', missing: [1, 2], forkPoint: 'b'.repeat(40) };
    expect(foreignCommitsMessage(pair, 'main', diverged, described, false)).toMatch(
      /GitLab has moved too \(2 commit\(s\) since b{12}\): merge by hand; nothing was adopted\.$/,
    );
    expect(
      foreignCommitsMessage(pair, 'main', { state: 'codecommit-ahead', missing: [] }, described, false),
    ).toMatch(/Commit them to GitLab \(or set adopt: true on the mirror\) before the next mirror update\.$/);
  });

  it('keeps a hostile branch name on its own line', () => {
    const text = foreignCommitsMessage(pair, 'main\nSubject: forged', { state: 'x', missing: [] }, [], false);
    expect(text.split('\n')[0]).toContain('branch main');
    expect(text.split('\n').some((line) => line.startsWith('Subject:'))).toBe(false);
  });
});
