import { describe, expect, it } from 'vitest';
import {
  compareTags,
  decideUpgrade,
  newestTag,
  selectTag,
  type TagPolicy,
  tagPatternProblem,
} from '#domain/tag-policy.ts';

const semverPolicy = (range = '*', prerelease = false, extra: Partial<TagPolicy> = {}): TagPolicy => ({
  ordering: { kind: 'semver', range, prerelease },
  include: [],
  exclude: [],
  ...extra,
});

const stampPolicy: TagPolicy = {
  ordering: {
    kind: 'pattern',
    pattern: '^dev-(?<stamp>\\d{14})-[0-9a-f]{7}$',
    order: 'numeric',
    by: 'stamp',
  },
  include: [],
  exclude: [],
};

describe('selectTag', () => {
  it.each([
    ['1.4.2', '>=1.0.0', true],
    ['v1.4.2', '>=1.0.0', true],
    ['0.9.0', '>=1.0.0', false],
    ['latest', '*', false],
    ['1.5.0-rc.1', '*', false],
  ])('semver %s in %s → %s', (tag, range, ok) => {
    expect(selectTag(semverPolicy(range), tag).ok).toBe(ok);
  });

  it('explains why a prerelease is refused and accepts it when prerelease is on', () => {
    const verdict = selectTag(semverPolicy('>=1.0.0'), '1.5.0-rc.1');
    expect(verdict).toEqual({ ok: false, reason: expect.stringContaining('tags.prerelease: true') });
    expect(selectTag(semverPolicy('>=1.0.0', true), '1.5.0-rc.1').ok).toBe(true);
  });

  it('applies exclude before include and names the pattern', () => {
    const policy = semverPolicy('*', true, { include: ['^1\\.'], exclude: ['-rc'] });
    expect(selectTag(policy, '1.2.0-rc.1')).toEqual({
      ok: false,
      reason: 'tag 1.2.0-rc.1 matches exclude pattern /-rc/',
    });
    expect(selectTag(policy, '2.0.0').ok).toBe(false);
    expect(selectTag(policy, '1.3.0').ok).toBe(true);
  });

  it('selects pattern tags whose captured group is numeric', () => {
    expect(selectTag(stampPolicy, 'dev-20260301093000-3f2a9c1').ok).toBe(true);
    expect(selectTag(stampPolicy, 'feature-x')).toEqual({
      ok: false,
      reason: expect.stringContaining('does not match the pattern'),
    });
  });
});

describe('decideUpgrade', () => {
  it('accepts a higher version and refuses equal or lower ones with a reason', () => {
    const policy = semverPolicy();
    expect(decideUpgrade(policy, '1.4.1', '1.4.2').ok).toBe(true);
    expect(decideUpgrade(policy, '1.4.2', '1.4.2')).toEqual({ ok: false, reason: 'already at 1.4.2' });
    expect(decideUpgrade(policy, '1.4.3', '1.4.2')).toEqual({
      ok: false,
      reason: '1.4.2 is older than the current 1.4.3',
    });
    expect(decideUpgrade(policy, 'v1.4.2', '1.4.2').ok).toBe(false);
  });

  it('orders 1.10 above 1.9 (semver, not string order)', () => {
    expect(decideUpgrade(semverPolicy(), '1.9.0', '1.10.0').ok).toBe(true);
    expect(decideUpgrade(semverPolicy(), '1.10.0', '1.9.0').ok).toBe(false);
  });

  it('replaces an empty value and the placeholder latest', () => {
    expect(decideUpgrade(semverPolicy(), 'latest', '1.0.0').ok).toBe(true);
    expect(decideUpgrade(semverPolicy(), undefined, '1.0.0').ok).toBe(true);
    expect(decideUpgrade(stampPolicy, 'latest', 'dev-20260301093000-aaaaaaa').ok).toBe(true);
  });

  it("keeps a current tag the policy does not select: it may be another image's", () => {
    // A dev image must not replace the 1.4.2 that staging's semver image wrote.
    const verdict = decideUpgrade(stampPolicy, '1.4.2', 'dev-20260301093000-aaaaaaa');
    expect(verdict).toEqual({
      ok: false,
      reason: expect.stringMatching(
        /^the current 1\.4\.2 is not a tag this image's policy ranks \(tag 1\.4\.2 does not match the pattern .*\), so it may belong to another image and is not replaced by dev-20260301093000-aaaaaaa/,
      ),
    });
    expect(decideUpgrade(semverPolicy(), 'dev-20260301093000-aaaaaaa', '1.4.2').ok).toBe(false);
    // Unless the manifest names this image next to it: a tag of a scheme the policy has left.
    expect(
      decideUpgrade(semverPolicy(), 'dev-20260301093000-aaaaaaa', '1.4.2', undefined, { sameImage: true }).ok,
    ).toBe(true);
    expect(decideUpgrade(semverPolicy(), 'v1-beta', '1.4.2').ok).toBe(false);
  });

  it('orders timestamps numerically beyond float precision', () => {
    expect(decideUpgrade(stampPolicy, 'dev-20260301093000-aaaaaaa', 'dev-20260301093001-bbbbbbb').ok).toBe(
      true,
    );
    expect(decideUpgrade(stampPolicy, 'dev-20260301093001-bbbbbbb', 'dev-20260301093000-aaaaaaa').ok).toBe(
      false,
    );
  });
});

describe('tag patterns run in linear time', () => {
  // A backtracking engine needs 37 s for this at 30 characters and hours at 40; tags reach 128.
  const evil = `${'1'.repeat(127)}x`;
  const catastrophic = '^v?(\\d+\\.?)+$';

  it.each([
    ['pattern', { ordering: { kind: 'pattern', pattern: catastrophic, order: 'lexical' } }],
    ['include', { ordering: { kind: 'semver', range: '*', prerelease: false }, include: [catastrophic] }],
    ['exclude', { ordering: { kind: 'push-time' }, exclude: ['^(\\d|\\d\\d)+$', catastrophic] }],
    ['push-time pattern', { ordering: { kind: 'push-time', pattern: '^(a|a)*$' } }],
  ] as const)('a catastrophic %s against a 128-character tag answers at once', (_, shape) => {
    const policy = { include: [], exclude: [], ...shape } as TagPolicy;
    const started = performance.now();
    for (let i = 0; i < 20; i++) selectTag(policy, evil);
    expect(compareTags(policy.ordering, evil, '1.2.3')).toBeUndefined();
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it('keeps JavaScript semantics: named groups, the whole match, unanchored search', () => {
    expect(selectTag(stampPolicy, 'dev-20260301093000-3f2a9c1').ok).toBe(true);
    expect(
      compareTags(stampPolicy.ordering, 'dev-20260301093001-3f2a9c1', 'dev-20260301093000-3f2a9c1'),
    ).toBe(1);
    const policy = semverPolicy('*', true, { exclude: ['-rc'], include: ['^1\\.'] });
    expect(selectTag(policy, '1.2.0-rc.1').ok).toBe(false);
    expect(selectTag(policy, '1.2.0').ok).toBe(true);
  });

  it('refuses what the linear-time engine cannot run, and what JavaScript cannot compile', () => {
    expect(tagPatternProblem('^dev-(?<stamp>\\d{14})-[0-9a-f]{7}$')).toBeUndefined();
    expect(tagPatternProblem('^v?(\\d+\\.?)+$')).toBeUndefined();
    expect(tagPatternProblem('^(?!.*-dirty$)')).toMatch(
      /^cannot run in linear time .*no lookahead, lookbehind or backreferences/,
    );
    expect(tagPatternProblem('^(a)\\1$')).toMatch(/^cannot run in linear time/);
    expect(tagPatternProblem('(')).toMatch(/^does not compile: /);
  });
});

describe('compareTags', () => {
  it('compares numeric groups by value, not by text', () => {
    const ordering = {
      kind: 'pattern' as const,
      pattern: '^build-(?<n>\\d+)$',
      order: 'numeric' as const,
      by: 'n',
    };
    expect(compareTags(ordering, 'build-10', 'build-9')).toBe(1);
    expect(compareTags(ordering, 'build-009', 'build-9')).toBe(0);
    expect(compareTags({ ...ordering, order: 'lexical' }, 'build-10', 'build-9')).toBe(-1);
  });

  it('compares the whole match when no group is named', () => {
    const ordering = { kind: 'pattern' as const, pattern: '^\\d{8}$', order: 'numeric' as const };
    expect(compareTags(ordering, '20260302', '20260301')).toBe(1);
    expect(compareTags(ordering, 'x', '20260301')).toBeUndefined();
  });
});

describe('push-time ordering', () => {
  const policy: TagPolicy = { ordering: { kind: 'push-time', pattern: '^main-' }, include: [], exclude: [] };
  const times = new Map([
    ['main-aaa', 1_000],
    ['main-bbb', 2_000],
  ]);

  it('selects by pattern only and orders by push time, never by the text of the tag', () => {
    expect(selectTag(policy, 'main-zzz').ok).toBe(true);
    expect(selectTag(policy, 'feature-x').ok).toBe(false);
    expect(decideUpgrade(policy, 'main-aaa', 'main-bbb', times).ok).toBe(true);
    expect(decideUpgrade(policy, 'main-bbb', 'main-aaa', times)).toEqual({
      ok: false,
      reason: 'main-aaa was pushed before the current main-bbb',
    });
  });

  it('replaces a current tag whose image is unknown to the registry', () => {
    expect(decideUpgrade(policy, 'main-gone', 'main-aaa', times).ok).toBe(true);
  });

  it('picks the newest selected tag', () => {
    expect(newestTag(policy, ['main-aaa', 'main-bbb', 'feature-x'], times)).toBe('main-bbb');
    const semver: TagPolicy = {
      ordering: { kind: 'semver', range: '<2', prerelease: false },
      include: [],
      exclude: [],
    };
    expect(newestTag(semver, ['1.9.0', '1.10.0', '2.0.0', 'latest'])).toBe('1.10.0');
    expect(newestTag(semver, ['latest'])).toBeUndefined();
  });
});
