import { describe, expect, it } from 'vitest';
import { batchCommitMessage, commitMessage } from '#domain/commit-message.ts';

const IMAGE = {
  ecr: 'my-app',
  name: '111122223333.dkr.ecr.eu-west-1.amazonaws.com/my-app',
  tag: '1.4.2',
  digest: `sha256:${'4'.repeat(64)}`,
};
const CHANGE = {
  file: 'app/kustomization.yaml',
  target: 'kustomize image my-app',
  from: '1.4.1',
  to: '1.4.2',
};

/** No line git would read as a forged trailer, and no line break but `\n`. */
function noForgedLines(message: string): void {
  expect(message.split('\n').filter((line) => /^(Signed-off-by|Co-authored-by):/i.test(line))).toEqual([]);
  expect(message).not.toMatch(/[\r\u2028\u2029\u0085]/);
}

describe('commitMessage', () => {
  it('names the image, its repository, digest, event and each change', () => {
    expect(commitMessage({ image: IMAGE, branch: 'stg', eventId: 'e-1', changes: [CHANGE] })).toBe(
      'my-app 1.4.1 → 1.4.2 (stg)\n\n' +
        'ECR repository: my-app\n' +
        `Image: ${IMAGE.name}:1.4.2\n` +
        `Digest: ${IMAGE.digest}\n` +
        'Event: e-1\n\n' +
        '- app/kustomization.yaml kustomize image my-app: 1.4.1 → 1.4.2\n',
    );
  });

  it('keeps every value on its line, so none can add a trailer', () => {
    const message = commitMessage({
      image: {
        ...IMAGE,
        name: '1.dkr.ecr.eu-west-1\nSigned-off-by: Mallory <m@example.com>\n.amazonaws.com/x',
      },
      branch: 'stg',
      eventId: 'e-1\n\nSigned-off-by: Mallory <m@example.com>',
      // The value a manifest held is whatever someone committed there.
      changes: [{ ...CHANGE, from: '1.4.1\r\nCo-authored-by: Mallory <m@example.com>\u2028x' }],
    });
    noForgedLines(message);
    expect(message).toContain('Event: e-1 Signed-off-by: Mallory <m@example.com>\n');
  });
});

describe('batchCommitMessage', () => {
  it('keeps every value of every image on its line', () => {
    const message = batchCommitMessage('stg\nSigned-off-by: x', [
      { image: IMAGE, eventId: 'e-1', changes: [CHANGE] },
      {
        image: { ...IMAGE, ecr: 'other' },
        eventId: 'e-2\nSigned-off-by: Mallory <m@example.com>',
        changes: [{ ...CHANGE, to: '2.0\nCo-authored-by: m' }],
      },
    ]);
    noForgedLines(message);
    expect(message.split('\n')[0]).toBe(
      '2 images: my-app 1.4.2, other 2.0 Co-authored-by: m (stg Signed-off-by: x)',
    );
  });
});
