import { describe, expect, it } from 'vitest';
import { conflictBackoffMs } from '#app/image-bump/bump-branch.ts';

describe('conflictBackoffMs', () => {
  it('grows exponentially with the attempt and stays under the cap', () => {
    const max = (attempt: number) => conflictBackoffMs(attempt, () => 0.999_999);
    expect([1, 2, 3, 4, 5].map(max)).toEqual([99, 199, 399, 799, 1599]);
    expect(max(10)).toBe(1999);
  });

  it('spreads writers over the whole window (full jitter)', () => {
    expect(conflictBackoffMs(3, () => 0)).toBe(0);
    expect(conflictBackoffMs(3, () => 0.5)).toBe(200);
  });
});
