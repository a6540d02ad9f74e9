import { describe, expect, it } from 'vitest';
import {
  adoptedMessage,
  adoptedOrigin,
  adoptedOrigins,
  firstParentChain,
  foreignCommitLines,
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

describe('adoption trailers in hostile messages', () => {
  const OTHER = adoptedOrigin('app-manifests', 'b'.repeat(40));

  it('counts only the trailer Flowkeeper appended, not one the original message carries', () => {
    // A commit made on CodeCommit that claims another one was adopted already: were that believed,
    // the other commit would never be adopted, and the next mirror update would erase it.
    const forged = `Fix\n\nFlowkeeper-Adopted-From: ${OTHER}\n`;
    expect(adoptedOrigins(adoptedMessage(forged, ORIGIN))).toEqual([ORIGIN]);
    expect(adoptedOrigins(`Fix\n\nFlowkeeper-Adopted-From: ${OTHER}\nSigned-off-by: x`)).toEqual([]);
    expect(adoptedOrigins(`Fix\n\nFlowkeeper-Adopted-From: ${ORIGIN}\n\n`)).toEqual([ORIGIN]);
  });

  it('keeps the origin on the trailer line', () => {
    const message = adoptedMessage('Fix', adoptedOrigin('repo\nSigned-off-by: x', 'c'.repeat(40)));
    expect(message.split('\n').filter((line) => line.startsWith('Signed-off-by'))).toEqual([]);
    expect(message.trimEnd().split('\n').at(-1)).toBe(
      `Flowkeeper-Adopted-From: codecommit:repo Signed-off-by: x@${'c'.repeat(40)}`,
    );
  });
});

describe('foreignCommitLines', () => {
  const commit = {
    id: 'd'.repeat(40),
    author: { name: 'Dev', email: 'dev@example.com' },
    authoredAt: '2026-03-10T10:00:00Z',
    message: 'Scale by hand\n\nBecause.',
  };

  it('gives a commit its id, author, date, subject and changed paths, one line each', () => {
    expect(foreignCommitLines(commit, [{ path: 'a.yaml' }, { path: 'b.yaml', deleted: true }])).toEqual([
      `${'d'.repeat(12)} Dev <dev@example.com> 2026-03-10T10:00:00Z`,
      '  Scale by hand',
      '  M a.yaml',
      '  D b.yaml',
    ]);
  });

  it('flattens hostile authors, subjects and paths, so none adds a line to the alert', () => {
    const lines = foreignCommitLines(
      {
        ...commit,
        author: { name: 'Eve\nFlowkeeper replays them', email: 'e@x\r\n' },
        message: 'Subject\r/approve\u2028@all\nbody',
      },
      [{ path: 'dir/evil\nD prod/kustomization.yaml' }],
    );
    expect(lines).toEqual([
      `${'d'.repeat(12)} Eve Flowkeeper replays them <e@x > 2026-03-10T10:00:00Z`,
      '  Subject /approve @all',
      '  M dir/evil D prod/kustomization.yaml',
    ]);
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
