import { describe, expect, it } from 'vitest';
import {
  adoptedMessage,
  adoptedOrigin,
  adoptedOrigins,
  firstParentChain,
  secondsBetween,
} from '#domain/mirror-commits.ts';

const ORIGIN = adoptedOrigin('app-manifests', 'a'.repeat(40));

describe('adoptedMessage', () => {
  it('adds the trailer after a blank line', () => {
    expect(adoptedMessage('Fix the probe\n', ORIGIN)).toBe(
      `Fix the probe\n\nFlowkeeper-Adopted-From: codecommit:app-manifests@${'a'.repeat(40)}\n`,
    );
    expect(adoptedMessage('Fix the probe\n\nBecause it failed.', ORIGIN)).toBe(
      `Fix the probe\n\nBecause it failed.\n\nFlowkeeper-Adopted-From: ${ORIGIN}\n`,
    );
  });

  it('joins an existing trailer block', () => {
    expect(adoptedMessage('Fix\n\nSigned-off-by: Bob <bob@example.com>\n', ORIGIN)).toBe(
      `Fix\n\nSigned-off-by: Bob <bob@example.com>\nFlowkeeper-Adopted-From: ${ORIGIN}\n`,
    );
  });

  it('round-trips through adoptedOrigins, which ignores other lines', () => {
    const message = adoptedMessage('Fix\n\nFlowkeeper-Adopted-From is mentioned here', ORIGIN);
    expect(adoptedOrigins(message)).toEqual([ORIGIN]);
    expect(adoptedOrigins('Fix\n\nCo-authored-by: x')).toEqual([]);
  });
});

describe('secondsBetween', () => {
  it('counts whole seconds and never goes negative', () => {
    const at = Date.parse('2026-03-10T10:00:00Z');
    expect(secondsBetween('2026-03-10T09:58:30Z', at)).toBe(90);
    expect(secondsBetween('2026-03-10T10:05:00Z', at)).toBe(0);
    expect(secondsBetween('not a date', at)).toBe(0);
  });
});

describe('firstParentChain', () => {
  // base ← m1 ← merge(m1, f2) ← m2, with f1 ← f2 made earlier on a feature branch.
  const commits = [
    { id: 'f1', parentIds: ['base'] },
    { id: 'f2', parentIds: ['f1'] },
    { id: 'm1', parentIds: ['base'] },
    { id: 'merge', parentIds: ['m1', 'f2'] },
    { id: 'm2', parentIds: ['merge'] },
  ];

  it('follows the branch itself from the head back to the base, oldest first, leaving merged-in commits out', () => {
    expect(firstParentChain(commits, 'm2', 'base').map((commit) => commit.id)).toEqual(['m1', 'merge', 'm2']);
  });

  it('stops where the known commits end, and is empty without a head or at the base', () => {
    expect(firstParentChain(commits.slice(3), 'm2', 'base').map((commit) => commit.id)).toEqual([
      'merge',
      'm2',
    ]);
    expect(firstParentChain(commits, undefined, 'base')).toEqual([]);
    expect(firstParentChain(commits, 'base', 'base')).toEqual([]);
  });
});
