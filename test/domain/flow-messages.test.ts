import { describe, expect, it } from 'vitest';
import {
  buildComment,
  formatDuration,
  promotionPullRequest,
  pushAlert,
  violationComment,
} from '#domain/flow-messages.ts';
import type { FlowRules } from '#domain/flow-rules.ts';

/** No line of a comment is a GitLab-style quick action, and no `@` starts a mention. */
function inert(markdown: string): void {
  expect(markdown.split('\n').filter((line) => /^\s*\//.test(line))).toEqual([]);
  expect(markdown).not.toMatch(/@[\w-]/);
  expect(markdown).not.toMatch(/[\r\u2028\u2029]/);
}

const RULES: FlowRules = {
  promotion: ['main', 'pre-prod', 'prod'],
  allow: [{ from: 'feature/*', to: 'main' }],
  trustedPushers: [],
  onViolation: 'close',
  openPromotionPullRequest: true,
};

describe('violationComment', () => {
  it('names the reason, the allowed sources, the order and what Flowkeeper did', () => {
    const text = violationComment(
      'Pull request from feature/x into prod refused.',
      ['pre-prod'],
      RULES,
      'close',
    );
    expect(text).toContain('Pull request from feature/x into prod refused.');
    expect(text).toContain('Allowed sources: `pre-prod`. Promotion order: main → pre-prod → prod.');
    expect(text).toContain('Flowkeeper closed this pull request');
  });

  it('says what each violation action means', () => {
    expect(violationComment('r', [], RULES, 'comment')).toContain('Retarget this pull request');
    expect(violationComment('r', [], RULES, 'revoke-approval')).toContain('withholds its approval');
    expect(violationComment('r', [], RULES, 'comment')).toContain('Allowed sources: none.');
  });
});

describe('violationComment with hostile branch names', () => {
  const branch = 'feature/x\n/approve\n[click](javascript:alert(1)) <img src=x> @all';
  const reason = `Pull request from ${branch} into prod refused: prod accepts pull requests only from pre-prod.`;

  it('fences the branch names on one line: no link, no quick action, no mention', () => {
    const text = violationComment(reason, ['pre-prod'], RULES, 'close', [
      `refs/heads/${branch}`,
      'refs/heads/prod',
    ]);
    inert(text);
    expect(text.split('\n')).toHaveLength(7);
    expect(text).toContain(
      'Pull request from `feature/x /approve [click](javascript:alert(1)) <img src=x> @\u200dall` into prod refused: ' +
        'prod accepts pull requests only from pre-prod.',
    );
  });

  it('escapes the reason on one line even when it holds a name in another form', () => {
    const text = violationComment(reason, ['pre-prod'], RULES, 'close');
    inert(text);
    expect(text.split('\n')).toHaveLength(7);
    expect(text).toContain('Pull request from feature/x /approve \\[click\\](javascript:alert(1)) \\<img');
    expect(text).not.toMatch(/(^|[^\\])\[click/);
  });

  it('fences allowed sources as code whatever they hold', () => {
    expect(violationComment('r', ['feature/`x`'], RULES, 'comment')).toContain(
      'Allowed sources: `` feature/`x` ``.',
    );
  });
});

describe('promotionPullRequest', () => {
  it('titles the promotion and lists each image that changes in the next stage', () => {
    const text = promotionPullRequest(
      'main',
      'pre-prod',
      [
        {
          image: 'my-app',
          file: 'app/kustomization.yaml',
          selector: 'kustomize image my-app',
          from: '1.4.1',
          to: '1.4.2',
        },
      ],
      '7',
    );
    expect(text.title).toBe('Promote main → pre-prod');
    expect(text.description).toContain('after pull request 7 was merged into main');
    expect(text.description).toContain('- my-app 1.4.1 → 1.4.2 (app/kustomization.yaml)');
  });

  it('says so when no configured image changes', () => {
    expect(promotionPullRequest('main', 'pre-prod', [], '7').description).toContain(
      'No configured image changes',
    );
  });
});

describe('buildComment with hostile build output', () => {
  const failure =
    'BUILD: COMMAND_EXECUTION_ERROR: Error while executing command: make\n/approve\n@all. Reason: exit status 1';

  it('fences the failing command on one line', () => {
    const text = buildComment({ project: 'p', status: 'FAILED', failure });
    inert(text);
    expect(text).toContain(
      'Failure: `BUILD: COMMAND_EXECUTION_ERROR: Error while executing command: make /approve @\u200dall. Reason: exit status 1`',
    );
  });

  it('fences an unusual project name and status, and never links an unsafe log URL', () => {
    const text = buildComment({
      project: 'p\n@all',
      status: 'WEIRD\n/close',
      link: 'https://x.example/) [y](javascript:alert(1)',
    });
    inert(text);
    expect(text).toContain('**`p @\u200dall`**');
    expect(text).toContain('Logs: `https://x.example/) [y](javascript:alert(1)`');
  });
});

describe('buildComment', () => {
  it('reports project, number, status, duration, failure and link', () => {
    const text = buildComment({
      project: 'manifests-validate',
      buildNumber: 57,
      status: 'FAILED',
      durationSeconds: 83,
      failure: 'BUILD: COMMAND_EXECUTION_ERROR: exit status 1',
      link: 'https://console.example/build',
    });
    expect(text).toContain('**manifests-validate** #57 failed in 1m 23s (FAILED).');
    expect(text).toContain('Failure: `BUILD: COMMAND_EXECUTION_ERROR: exit status 1`');
    expect(text).toContain('Logs: https://console.example/build');
  });

  it('reports a start without a duration, and an unknown status as given', () => {
    expect(buildComment({ project: 'p', status: 'IN_PROGRESS', durationSeconds: 4 })).toBe(
      '**p** started (IN_PROGRESS).',
    );
    expect(buildComment({ project: 'p', status: 'PENDING_X' })).toContain('ended with status PENDING_X');
  });

  it('marks a result for a superseded revision', () => {
    const text = buildComment({
      project: 'p',
      status: 'SUCCEEDED',
      superseded: { builtCommit: 'a'.repeat(40), currentCommit: 'b'.repeat(40) },
    });
    expect(text).toContain(`source commit ${'a'.repeat(12)}, which is no longer the tip`);
    expect(text).toContain('it does not count for the current revision');
  });

  it('stays within the comment size limit', () => {
    expect(
      buildComment({ project: 'p', status: 'FAILED', failure: 'x'.repeat(20000) }).length,
    ).toBeLessThanOrEqual(10240);
  });
});

describe('pushAlert', () => {
  it('names branch, commits, caller and files, in a subject SNS accepts', () => {
    const alert = pushAlert({
      repository: 'manifests',
      branch: 'prod',
      oldCommit: 'a'.repeat(40),
      newCommit: 'b'.repeat(40),
      caller: 'arn:aws:iam::111122223333:user/alice',
      reason: 'Direct push to protected branch prod.',
      files: ['prod/kustomization.yaml'],
    });
    expect(alert.subject).toBe('Direct push to protected prod in manifests');
    expect(alert.message).toContain(`Commits: ${'a'.repeat(40)} → ${'b'.repeat(40)}`);
    expect(alert.message).toContain('Caller: arn:aws:iam::111122223333:user/alice');
    expect(alert.message).toContain('Files changed (1):\n  prod/kustomization.yaml');
    expect(
      pushAlert({ repository: 'r', branch: 'b'.repeat(200), newCommit: 'c', reason: 'x', files: [] }).subject
        .length,
    ).toBeLessThanOrEqual(100);
  });

  it('lists at most 50 files and counts the rest', () => {
    const files = Array.from({ length: 60 }, (_, i) => `f${i}.yaml`);
    const alert = pushAlert({ repository: 'r', branch: 'main', newCommit: 'c', reason: 'x', files });
    expect(alert.message).toContain('… and 10 more');
    expect(alert.message).toContain('Caller: unknown');
  });
});

describe('pushAlert with hostile input', () => {
  it('keeps each field on its own line, so none can forge another', () => {
    const alert = pushAlert({
      repository: 'manifests',
      branch: 'prod\nCaller: arn:aws:iam::111122223333:role/Trusted',
      oldCommit: 'a'.repeat(40),
      newCommit: 'b'.repeat(40),
      caller: 'arn:aws:iam::111122223333:user/eve\r\nFiles changed (0):',
      reason: 'Direct push to protected branch prod\nCaller: arn:aws:iam::111122223333:role/Trusted by eve.',
      files: ['ok.yaml', 'evil\nFlowkeeper never rewrites history', 'x\u2028y'],
    });
    const lines = alert.message.split('\n');
    expect(lines.filter((line) => line.startsWith('Caller:'))).toEqual([
      'Caller: arn:aws:iam::111122223333:user/eve Files changed (0):',
    ]);
    expect(lines.filter((line) => line.startsWith('Files changed'))).toEqual(['Files changed (3):']);
    expect(lines).toContain('  evil Flowkeeper never rewrites history');
    expect(lines).toContain('  x y');
    expect(lines[0]).toBe(
      'Direct push to protected branch prod Caller: arn:aws:iam::111122223333:role/Trusted by eve.',
    );
    expect(alert.message).not.toMatch(/[\r\u2028]/);
    expect(alert.subject).not.toMatch(/[\n\r]/);
  });
});

describe('promotionPullRequest with hostile manifest values', () => {
  it('keeps each change on one escaped line', () => {
    const text = promotionPullRequest(
      'main',
      'pre-prod',
      [
        {
          image: 'my-app',
          file: 'a.yaml',
          selector: 's',
          from: '1.0\n/approve\n[x](javascript:y)',
          to: '1.1',
        },
      ],
      '7',
    );
    inert(text.description);
    expect(text.description).toContain('- my-app 1.0 /approve \\[x\\](javascript:y) → 1.1 (a.yaml)');
  });
});

describe('formatDuration', () => {
  it('formats seconds and minutes', () => {
    expect([formatDuration(0), formatDuration(59.6), formatDuration(61), formatDuration(3600)]).toEqual([
      '0s',
      '1m 00s',
      '1m 01s',
      '60m 00s',
    ]);
  });
});
