import { describe, expect, it } from 'vitest';
import { namesImage, planBranch } from '#domain/plan-branch.ts';
import type { TagPolicy } from '#domain/tag-policy.ts';
import type { FileTarget } from '#domain/targets.ts';

const DEV: TagPolicy = {
  ordering: { kind: 'pattern', pattern: '^dev-(?<stamp>\\d{14})$', order: 'numeric', by: 'stamp' },
  include: [],
  exclude: [],
};
const target: FileTarget = {
  repository: 'manifests',
  branch: 'stg',
  file: 'values.yaml',
  kind: 'helm',
  path: 'image',
  tagKey: 'tag',
  repositoryKey: 'repository',
  digestKey: 'digest',
  setName: false,
};
const plan = (text: string) =>
  planBranch({
    policy: DEV,
    digest: 'ignore',
    targets: [target],
    files: new Map([['values.yaml', text]]),
    image: { ecr: 'app-dev', name: 'r.example.com/app-dev', tag: 'dev-20260301093000' },
  });

describe('planBranch and values of other images', () => {
  it("skips, with the reason, a value the policy cannot rank: the dev image leaves staging's 1.4.2 alone", () => {
    const text = 'image:\n  repository: r.example.com/app\n  tag: "1.4.2"\n';
    const result = plan(text);
    expect(result.files.size).toBe(0);
    expect(result.changes).toEqual([]);
    expect(result.skips).toEqual([
      {
        file: 'values.yaml',
        target: 'image.tag',
        reason: expect.stringMatching(
          /^the current 1\.4\.2 is not a tag this image's policy ranks \(tag 1\.4\.2 does not match the pattern .*\), so it may belong to another image and is not replaced by dev-20260301093000/,
        ),
      },
    ]);
  });

  it.each(['""', 'latest', ''])('still fills an empty value or a placeholder (%s)', (held) => {
    const result = plan(`image:\n  repository: r.example.com/app\n  tag: ${held}\n`);
    expect(result.changes).toEqual([
      {
        file: 'values.yaml',
        target: 'image.tag',
        from: held === 'latest' ? 'latest' : '(none)',
        to: 'dev-20260301093000',
      },
    ]);
  });

  it('replaces a tag of a scheme the policy has left when the file names this image next to it', () => {
    const text =
      'image:\n  repository: 111122223333.dkr.ecr.eu-west-1.amazonaws.com/app-dev\n  tag: "1.4.2"\n';
    expect(plan(text).changes[0]).toMatchObject({ from: '1.4.2', to: 'dev-20260301093000' });
  });

  it('moves its own older tag forward', () => {
    const result = plan('image:\n  repository: r.example.com/app\n  tag: dev-20260101000000\n');
    expect(result.changes[0]).toMatchObject({ from: 'dev-20260101000000', to: 'dev-20260301093000' });
  });
});

describe('namesImage', () => {
  const image = { ecr: 'team/app', name: '111122223333.dkr.ecr.eu-west-1.amazonaws.com/team/app' };
  it.each([
    ['111122223333.dkr.ecr.eu-west-1.amazonaws.com/team/app', true],
    ['registry.example.com/mirror/team/app', true],
    ['team/app', true],
    ['111122223333.dkr.ecr.eu-west-1.amazonaws.com/team/app-dev', false],
    ['app', false],
    [undefined, false],
  ])('%s → %s', (name, expected) => {
    expect(namesImage(name, image)).toBe(expected);
  });
});
