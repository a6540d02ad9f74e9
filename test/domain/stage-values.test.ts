import { describe, expect, it } from 'vitest';
import {
  formatImage,
  isAhead,
  stageValue,
  summarizeChanges,
  trackedFiles,
  trackedValues,
  valueChanges,
} from '#domain/stage-values.ts';
import type { FileTarget, KustomizeTarget } from '#domain/targets.ts';

const kustomize = (branch: string, file = 'base/kustomization.yaml'): KustomizeTarget => ({
  kind: 'kustomize',
  repository: 'manifests',
  branch,
  file,
  image: 'my-app',
  setName: false,
});

const helm = (branch: string): FileTarget => ({
  kind: 'helm',
  repository: 'manifests',
  branch,
  file: 'charts/my-app/values.yaml',
  path: 'image',
  tagKey: 'tag',
  repositoryKey: 'repository',
  digestKey: 'digest',
  setName: false,
});

const kustomization = (tag: string) =>
  `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nimages:\n  - name: my-app\n    newTag: "${tag}"\n`;
const values = (tag: string) => `image:\n  repository: my-app\n  tag: ${tag}\n`;

const STAGES = ['dev', 'stg', 'main'];

describe('trackedValues', () => {
  it('tracks each file target on a promotion branch once, whichever stage it names', () => {
    const tracked = trackedValues(
      [
        { ecr: 'my-app', update: [kustomize('stg'), helm('stg'), kustomize('dev')] },
        { ecr: 'other', update: [{ ...kustomize('feature/x'), image: 'other' }] },
      ],
      'manifests',
      STAGES,
    );
    expect(tracked.map((t) => [t.image, t.file, t.selector])).toEqual([
      ['my-app', 'base/kustomization.yaml', 'kustomize image my-app'],
      ['my-app', 'charts/my-app/values.yaml', 'helm image'],
    ]);
    expect(trackedFiles(tracked)).toEqual(['base/kustomization.yaml', 'charts/my-app/values.yaml']);
  });

  it('leaves out SSM targets and other repositories', () => {
    const tracked = trackedValues(
      [
        {
          ecr: 'my-app',
          update: [
            { kind: 'ssm', parameter: '/flowkeeper/images/my-app', value: 'tag', setName: false },
            { ...kustomize('dev'), repository: 'other' },
          ],
        },
      ],
      'manifests',
      STAGES,
    );
    expect(tracked).toEqual([]);
  });
});

describe('valueChanges', () => {
  const tracked = trackedValues(
    [{ ecr: 'my-app', update: [kustomize('dev'), helm('dev')] }],
    'manifests',
    STAGES,
  );

  it('lists what promoting one stage into the next would change, from the destination value to the source one', () => {
    const files = new Map([
      [
        'stg',
        new Map([
          ['base/kustomization.yaml', kustomization('1.4.2')],
          ['charts/my-app/values.yaml', values('1.4.2')],
        ]),
      ],
      [
        'main',
        new Map([
          ['base/kustomization.yaml', kustomization('1.4.1')],
          ['charts/my-app/values.yaml', values('1.4.2')],
        ]),
      ],
    ]);
    expect(valueChanges(tracked, files, 'stg', 'main')).toEqual([
      {
        image: 'my-app',
        file: 'base/kustomization.yaml',
        selector: 'kustomize image my-app',
        from: '1.4.1',
        to: '1.4.2',
      },
    ]);
  });

  it('shows a value the destination lacks as (none), and ignores one the source lacks', () => {
    const files = new Map([
      [
        'stg',
        new Map<string, string | undefined>([
          ['base/kustomization.yaml', kustomization('1.4.2')],
          ['charts/my-app/values.yaml', undefined],
        ]),
      ],
      [
        'main',
        new Map<string, string | undefined>([
          ['base/kustomization.yaml', undefined],
          ['charts/my-app/values.yaml', values('1.0.0')],
        ]),
      ],
    ]);
    expect(valueChanges(tracked, files, 'stg', 'main').map((c) => [c.file, c.from, c.to])).toEqual([
      ['base/kustomization.yaml', '(none)', '1.4.2'],
    ]);
  });
});

describe('stageValue', () => {
  const [value] = trackedValues([{ ecr: 'my-app', update: [kustomize('dev')] }], 'manifests', STAGES);

  it('reports a missing file or target instead of throwing', () => {
    if (!value) throw new Error('no tracked value');
    expect(stageValue(value, new Map())).toEqual({
      state: 'missing',
      reason: 'base/kustomization.yaml does not exist',
    });
    expect(stageValue(value, new Map([['base/kustomization.yaml', 'images: []\n']]))).toMatchObject({
      state: 'missing',
      reason: expect.stringContaining('base/kustomization.yaml'),
    });
  });
});

describe('summarizeChanges', () => {
  const change = (file: string, from: string, to: string, image = 'my-app') => ({
    image,
    file,
    selector: 'kustomize image my-app',
    from,
    to,
  });

  it('writes one line per image when all its files move the same way', () => {
    expect(
      summarizeChanges([change('a.yaml', '1.4.1', '1.4.2'), change('b.yaml', '1.4.1', '1.4.2')]),
    ).toEqual(['my-app 1.4.1 → 1.4.2 (2 files)']);
    expect(summarizeChanges([change('a.yaml', '1.4.1', '1.4.2')])).toEqual(['my-app 1.4.1 → 1.4.2 (a.yaml)']);
  });

  it('writes one line per file when the files of an image disagree', () => {
    expect(
      summarizeChanges([
        change('a.yaml', '1.4.1', '1.4.2'),
        change('b.yaml', '1.4.0', '1.4.2'),
        change('c.yaml', '2', '3', 'web'),
      ]),
    ).toEqual([
      'my-app 1.4.1 → 1.4.2 (a.yaml, kustomize image my-app)',
      'my-app 1.4.0 → 1.4.2 (b.yaml, kustomize image my-app)',
      'web 2 → 3 (c.yaml)',
    ]);
  });
});

describe('formatImage', () => {
  it('shows the tag, a shortened pinned digest, or the digest alone', () => {
    const digest = `sha256:${'ab'.repeat(32)}`;
    expect(formatImage({ tag: '1.4.2' })).toBe('1.4.2');
    expect(formatImage({ tag: '1.4.2', digest })).toBe('1.4.2@sha256:abababababab…');
    expect(formatImage({ digest })).toBe('sha256:abababababab…');
    expect(formatImage({})).toBe('(no tag)');
  });
});

describe('isAhead', () => {
  const [value] = trackedValues(
    [
      {
        ecr: 'my-app',
        update: [kustomize('dev')],
        tags: { ordering: { kind: 'semver', range: '>=1.0.0', prerelease: false } },
      },
    ],
    'manifests',
    STAGES,
  );
  const at = (tag: string | undefined) =>
    new Map([['base/kustomization.yaml', tag === undefined ? undefined : kustomization(tag)]]);

  it('is ahead with a newer tag or where the destination has none, not with an older or equal one', () => {
    if (!value) throw new Error('no tracked value');
    const ahead = (source: string | undefined, destination: string | undefined) =>
      isAhead(value, stageValue(value, at(source)), stageValue(value, at(destination)));
    expect([
      ahead('1.4.2', '1.4.1'),
      ahead('1.4.2', undefined),
      ahead('1.4.1', '1.4.2'),
      ahead('1.4.2', '1.4.2'),
    ]).toEqual([true, true, false, false]);
    expect(ahead(undefined, '1.4.2')).toBe(false);
  });

  it('marks a promotion that would move a value back as a downgrade', () => {
    if (!value) throw new Error('no tracked value');
    const files = new Map([
      ['dev', at('1.4.1')],
      ['stg', at('1.4.2')],
    ]);
    const changes = valueChanges([value], files, 'dev', 'stg');
    expect(changes).toEqual([expect.objectContaining({ from: '1.4.2', to: '1.4.1', downgrade: true })]);
    expect(summarizeChanges(changes)).toEqual([
      'my-app 1.4.2 → 1.4.1, a downgrade (base/kustomization.yaml)',
    ]);
  });
});
