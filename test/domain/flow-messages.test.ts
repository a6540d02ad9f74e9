import { describe, expect, it } from 'vitest';
import {
  buildComment,
  formatDuration,
  promotionPullRequest,
  pushAlert,
  violationComment,
} from '#domain/flow-messages.ts';
import type { FlowRules } from '#domain/flow-rules.ts';

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
    expect(text).toContain('Failure: BUILD: COMMAND_EXECUTION_ERROR: exit status 1');
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
