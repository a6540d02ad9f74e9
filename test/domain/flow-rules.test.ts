import { describe, expect, it } from 'vitest';
import { branchName, globMatch, globProblem } from '#domain/branch-globs.ts';
import {
  arnMatches,
  checkPullRequest,
  checkPush,
  type FlowRules,
  flowRulesProblems,
  nextPromotion,
  protectedPatterns,
} from '#domain/flow-rules.ts';

const DEPLOYER = 'arn:aws:iam::111111111111:role/Deployer';
const RELEASER = 'arn:aws:iam::111111111111:user/releaser';

const gitlabFlow: FlowRules = {
  promotion: ['main', 'pre-prod', 'prod'],
  allow: [
    { from: 'feature/*', to: 'main' },
    { from: 'hotfix/*', to: ['main', 'pre-prod', 'prod'] },
  ],
  trustedPushers: [RELEASER, DEPLOYER],
  onViolation: 'close',
  openPromotionPullRequest: true,
};

const gitFlow: FlowRules = {
  promotion: ['develop', 'stg', 'master'],
  allow: [{ from: 'feature/**', to: 'develop' }],
  trustedPushers: [],
  onViolation: 'comment',
  openPromotionPullRequest: false,
};

const rules = (extra: Partial<FlowRules>): FlowRules => ({ ...gitlabFlow, ...extra });

describe('checkPullRequest', () => {
  it.each([
    [gitlabFlow, 'feature/login', 'main', true],
    [gitlabFlow, 'hotfix/cve-1', 'main', true],
    [gitlabFlow, 'main', 'pre-prod', true],
    [gitlabFlow, 'hotfix/cve-1', 'pre-prod', true],
    [gitlabFlow, 'pre-prod', 'prod', true],
    [gitlabFlow, 'hotfix/cve-1', 'prod', true],
    [gitlabFlow, 'release/1.0', 'main', false],
    [gitlabFlow, 'feature/login', 'pre-prod', false],
    [gitlabFlow, 'main', 'prod', false],
    [gitlabFlow, 'feature/login', 'prod', false],
    [gitlabFlow, 'prod', 'main', false],
    [gitlabFlow, 'prod', 'pre-prod', false],
    [gitFlow, 'feature/a/b', 'develop', true],
    [gitFlow, 'develop', 'stg', true],
    [gitFlow, 'stg', 'master', true],
    [gitFlow, 'hotfix/x', 'develop', false],
    [gitFlow, 'develop', 'master', false],
    [gitFlow, 'feature/a', 'stg', false],
    [gitFlow, 'master', 'develop', false],
  ])('%#: %s → %s allowed: %s', (flow, source, destination, allowed) => {
    expect(checkPullRequest(flow, source, destination).allowed).toBe(allowed);
  });

  it('names the promotion order when the previous stage opens the pull request', () => {
    expect(checkPullRequest(gitlabFlow, 'main', 'pre-prod')).toEqual({
      allowed: true,
      reason: 'main → pre-prod follows the promotion order main → pre-prod → prod.',
    });
  });

  it('names the allow rule a glob source matched', () => {
    expect(checkPullRequest(gitlabFlow, 'hotfix/cve-1', 'prod')).toEqual({
      allowed: true,
      reason: 'hotfix/cve-1 → prod is allowed by allow[1] (hotfix/* → main, pre-prod, prod).',
    });
  });

  it('refuses skipping a stage, lists the accepted sources and names the skipped stage', () => {
    expect(checkPullRequest(gitlabFlow, 'main', 'prod')).toEqual({
      allowed: false,
      reason:
        'Pull request from main into prod refused: prod accepts pull requests only from pre-prod ' +
        '(the stage before it in main → pre-prod → prod) or branches matching hotfix/* (allow[1]). ' +
        'Merging main straight into prod would skip pre-prod.',
      allowedSources: ['pre-prod', 'hotfix/*'],
    });
  });

  it('refuses a later stage flowing back', () => {
    const verdict = checkPullRequest(gitlabFlow, 'prod', 'main');
    expect(verdict).toMatchObject({ allowed: false, allowedSources: ['feature/*', 'hotfix/*'] });
    expect(verdict.reason).toContain('main is the first stage of main → pre-prod → prod');
    expect(verdict.reason).toContain('never back from prod');
  });

  it('refuses a wrong source into the first stage with only its allow rules as sources', () => {
    expect(checkPullRequest(gitlabFlow, 'release/1.0', 'main')).toEqual({
      allowed: false,
      reason:
        'Pull request from release/1.0 into main refused: main accepts pull requests only from branches ' +
        'matching feature/* (allow[0]) or branches matching hotfix/* (allow[1]) ' +
        '(main is the first stage of main → pre-prod → prod).',
      allowedSources: ['feature/*', 'hotfix/*'],
    });
  });

  it('refuses every pull request into a first stage that no allow rule targets', () => {
    expect(checkPullRequest(rules({ allow: [] }), 'feature/x', 'main')).toEqual({
      allowed: false,
      reason:
        'Pull request from feature/x into main refused: main is the first stage of main → pre-prod → prod ' +
        'and no allow rule targets it, so it accepts no pull requests.',
      allowedSources: [],
    });
  });

  it('does not let a single * cross path segments', () => {
    expect(checkPullRequest(gitlabFlow, 'feature/team/login', 'main').allowed).toBe(false);
    expect(checkPullRequest(gitFlow, 'feature/team/login', 'develop').allowed).toBe(true);
  });

  it('lets pull requests into branches outside the flow through and says why', () => {
    expect(checkPullRequest(gitlabFlow, 'prod', 'experiment')).toEqual({
      allowed: true,
      reason:
        'experiment is outside the branch flow: it is neither a promotion stage (main → pre-prod → prod) ' +
        'nor the target of an allow rule, so pull requests into it are not checked.',
    });
    expect(checkPullRequest(gitFlow, 'feature/x', 'feature/y').allowed).toBe(true);
  });

  it('checks a branch that is only an allow target against its allow rules', () => {
    const flow = rules({ allow: [{ from: 'release/*', to: 'support' }] });
    expect(checkPullRequest(flow, 'release/2', 'support').allowed).toBe(true);
    expect(checkPullRequest(flow, 'main', 'support')).toMatchObject({
      allowed: false,
      allowedSources: ['release/*'],
    });
  });

  it('accepts full refs as CodeCommit events carry them', () => {
    expect(checkPullRequest(gitlabFlow, 'refs/heads/main', 'refs/heads/pre-prod').allowed).toBe(true);
    expect(checkPullRequest(gitlabFlow, 'refs/heads/main', 'refs/heads/prod').allowed).toBe(false);
  });

  it('lets an allow rule open a route that skips a stage', () => {
    const flow = rules({ allow: [{ from: 'main', to: 'prod' }] });
    expect(checkPullRequest(flow, 'main', 'prod')).toEqual({
      allowed: true,
      reason: 'main → prod is allowed by allow[0] (main → prod).',
    });
  });
});

describe('nextPromotion', () => {
  it.each([
    [gitlabFlow, 'main', 'pre-prod'],
    [gitlabFlow, 'pre-prod', 'prod'],
    [gitlabFlow, 'prod', undefined],
    [gitlabFlow, 'refs/heads/main', 'pre-prod'],
    [gitlabFlow, 'feature/login', undefined],
    [gitFlow, 'develop', 'stg'],
    [gitFlow, 'stg', 'master'],
    [gitFlow, 'master', undefined],
  ])('%#: after a merge into %s → %s', (flow, mergedInto, next) => {
    expect(nextPromotion(flow, mergedInto)).toBe(next);
  });
});

describe('checkPush', () => {
  const push = (branch: string, callerArn: string | undefined, mergeOfAllowedPullRequest = false) => ({
    branch,
    callerArn,
    mergeOfAllowedPullRequest,
  });

  it.each([
    ['trusted user', push('prod', RELEASER), true],
    [
      'trusted role through an assumed-role session',
      push('prod', 'arn:aws:sts::111111111111:assumed-role/Deployer/ci-42'),
      true,
    ],
    ['untrusted user', push('prod', 'arn:aws:iam::111111111111:user/mallory'), false],
    [
      'session of an untrusted role',
      push('pre-prod', 'arn:aws:sts::111111111111:assumed-role/Dev/alice'),
      false,
    ],
    ['merge of an allowed pull request', push('prod', 'arn:aws:iam::111111111111:user/mallory', true), true],
    ['unprotected branch', push('feature/login', 'arn:aws:iam::111111111111:user/mallory'), true],
    ['unknown caller', push('main', undefined), false],
    ['full ref', push('refs/heads/main', 'arn:aws:iam::111111111111:user/mallory'), false],
  ])('%s → ok: %s', (_, attempt, ok) => {
    expect(checkPush(gitlabFlow, attempt).ok).toBe(ok);
  });

  it('explains the violation and the way changes should arrive', () => {
    expect(checkPush(gitlabFlow, push('prod', 'arn:aws:iam::111111111111:user/mallory'))).toEqual({
      ok: false,
      reason:
        'Direct push to protected branch prod by arn:aws:iam::111111111111:user/mallory, who is not a ' +
        'trusted pusher; changes reach it through a pull request from pre-prod or hotfix/*.',
    });
    expect(checkPush(gitlabFlow, push('main', undefined))).toMatchObject({
      reason: expect.stringContaining('by an unknown caller'),
    });
  });

  it('protects every promotion stage by default and only the configured globs otherwise', () => {
    const mallory = 'arn:aws:iam::111111111111:user/mallory';
    expect(protectedPatterns(gitFlow)).toEqual(['develop', 'stg', 'master']);
    expect(checkPush(gitFlow, push('develop', mallory)).ok).toBe(false);
    const custom = rules({ protected: ['prod', 'release/**'] });
    expect(checkPush(custom, push('main', mallory)).ok).toBe(true);
    expect(checkPush(custom, push('release/1/rc', mallory))).toEqual({
      ok: false,
      reason:
        `Direct push to protected branch release/1/rc (protected: release/**) by ${mallory}, who is not ` +
        'a trusted pusher; only trusted pushers may update it.',
    });
    expect(checkPush(rules({ protected: [] }), push('prod', mallory)).ok).toBe(true);
  });
});

describe('globMatch', () => {
  it.each([
    ['main', 'main', true],
    ['main', 'main2', false],
    ['main', 'xmain', false],
    ['feature/*', 'feature/login', true],
    ['feature/*', 'feature/a/b', false],
    ['feature/*', 'feature', false],
    ['feature/*', 'features/login', false],
    ['feat*', 'feature', true],
    ['*', 'main', true],
    ['*', 'feature/x', false],
    ['**', 'feature/x/y', true],
    ['release/**', 'release/1/rc/2', true],
    ['release/**', 'release', false],
    ['**/hotfix', 'hotfix', true],
    ['**/hotfix', 'team/a/hotfix', true],
    ['**/hotfix', 'team/hotfixes', false],
    ['a/**/b', 'a/b', true],
    ['a/**/b', 'a/x/y/b', true],
    ['a/**/b', 'a/xb', false],
    ['*-hotfix', 'cve-hotfix', true],
    ['v1.0', 'v1x0', false],
    ['release+x', 'release+x', true],
    ['(a)', '(a)', true],
  ])('%s matches %s → %s', (pattern, branch, matches) => {
    expect(globMatch(pattern, branch)).toBe(matches);
  });

  it('strips refs/heads/ from full refs only', () => {
    expect(branchName('refs/heads/feature/x')).toBe('feature/x');
    expect(branchName('refs/tags/v1')).toBe('refs/tags/v1');
    expect(branchName('main')).toBe('main');
  });

  it.each([
    ['feature/*', undefined],
    ['release/**', undefined],
    ['', 'empty'],
    ['feature/***', 'three or more *'],
    ['refs/heads/main', 'full ref'],
    ['feature x', 'contains " "'],
    ['feature/?', 'contains "?"'],
    ['a..b', '..'],
    ['feature/', 'empty path segment'],
    ['a//b', 'empty path segment'],
    ['x.lock', '.lock'],
    ['x.', 'ends with .'],
  ])('glob %j has problem %j', (pattern, problem) => {
    if (problem === undefined) expect(globProblem(pattern)).toBeUndefined();
    else expect(globProblem(pattern)).toContain(problem);
  });
});

describe('arnMatches', () => {
  it.each([
    ['same user', RELEASER, RELEASER, true],
    ['other user', RELEASER, 'arn:aws:iam::111111111111:user/releaser2', false],
    ['role and its session', DEPLOYER, 'arn:aws:sts::111111111111:assumed-role/Deployer/ci-42', true],
    ['role in another account', DEPLOYER, 'arn:aws:sts::222222222222:assumed-role/Deployer/ci-42', false],
    ['other role', DEPLOYER, 'arn:aws:sts::111111111111:assumed-role/DeployerX/ci-42', false],
    ['role name prefix', DEPLOYER, 'arn:aws:sts::111111111111:assumed-role/Deploy/ci-42', false],
    [
      'role with a path',
      'arn:aws:iam::111111111111:role/platform/ci/Deployer',
      'arn:aws:sts::111111111111:assumed-role/Deployer/ci-42',
      true,
    ],
    ['other partition', DEPLOYER, 'arn:aws-cn:sts::111111111111:assumed-role/Deployer/ci-42', false],
    [
      'GovCloud role and session',
      'arn:aws-us-gov:iam::111111111111:role/Deployer',
      'arn:aws-us-gov:sts::111111111111:assumed-role/Deployer/s',
      true,
    ],
    [
      'session trusted, other session',
      'arn:aws:sts::111111111111:assumed-role/Deployer/a',
      'arn:aws:sts::111111111111:assumed-role/Deployer/b',
      false,
    ],
    ['role ARN as caller', DEPLOYER, DEPLOYER, true],
    [
      'user named like the role',
      'arn:aws:iam::111111111111:user/Deployer',
      'arn:aws:sts::111111111111:assumed-role/Deployer/s',
      false,
    ],
    ['session without a session name', DEPLOYER, 'arn:aws:sts::111111111111:assumed-role/Deployer', false],
  ])('%s → %s', (_, trusted, caller, matches) => {
    expect(arnMatches(trusted, caller)).toBe(matches);
  });
});

describe('flowRulesProblems', () => {
  it('accepts the GitLab Flow and develop → stg → master rules', () => {
    expect(flowRulesProblems(gitlabFlow)).toEqual([]);
    expect(flowRulesProblems(gitFlow)).toEqual([]);
    expect(flowRulesProblems(rules({ allow: [{ from: 'main', to: 'prod' }] }))).toEqual([]);
  });

  it('reports an empty promotion order', () => {
    expect(flowRulesProblems(rules({ promotion: [], allow: [] }))).toEqual([
      'promotion: the promotion order is empty; name at least one branch',
    ]);
  });

  it('reports duplicate and malformed stages by position', () => {
    expect(flowRulesProblems(rules({ promotion: ['main', 'pre-prod', 'main', 'env/*'], allow: [] }))).toEqual(
      [
        'promotion[2]: main is already stage promotion[0]',
        "promotion[3]: 'env/*' is a pattern; name one branch here",
      ],
    );
  });

  it('reports bad globs and targets in allow and protected', () => {
    const problems = flowRulesProblems(
      rules({
        allow: [
          { from: 'feature/ x', to: 'main' },
          { from: 'hotfix/*', to: [] },
          { from: 'hotfix/*', to: ['pre-prod', 'refs/heads/prod'] },
          { from: 'fix/*', to: 'rel/*' },
        ],
        protected: ['prod', 'release//x'],
      }),
    );
    expect(problems).toEqual([
      `allow[0].from: 'feature/ x' contains " ", which git does not allow in branch names`,
      'allow[1].to: names no branch',
      "allow[2].to[1]: 'refs/heads/prod' is a full ref; write the short branch name (main, not refs/heads/main)",
      "allow[3].to: 'rel/*' is a pattern; name one branch here",
      "protected[1]: 'release//x' has an empty path segment (leading, trailing or double /)",
    ]);
  });

  it('reports an allow rule that sends a later stage back into an earlier one', () => {
    expect(flowRulesProblems(rules({ allow: [{ from: 'prod', to: 'main' }] }))).toEqual([
      'allow[0]: prod → main closes a cycle (main → pre-prod → prod → main); changes must only move forward',
    ]);
    expect(flowRulesProblems(rules({ allow: [{ from: '*', to: ['pre-prod'] }] }))).toEqual([
      'allow[0]: prod → pre-prod closes a cycle (pre-prod → prod → pre-prod); changes must only move forward',
    ]);
    expect(flowRulesProblems(rules({ allow: [{ from: 'main', to: 'main' }] }))).toEqual([
      'allow[0]: main → main closes a cycle (main → main); changes must only move forward',
    ]);
  });

  it('reports allow rules that point at each other outside the promotion order', () => {
    const problems = flowRulesProblems(
      rules({
        allow: [
          { from: 'support', to: 'release' },
          { from: 'release', to: 'support' },
        ],
      }),
    );
    expect(problems).toEqual([
      'allow[0]: support → release closes a cycle (release → support → release); changes must only move forward',
      'allow[1]: release → support closes a cycle (support → release → support); changes must only move forward',
    ]);
  });

  it('reports trusted pushers that are not IAM ARNs', () => {
    expect(flowRulesProblems(rules({ trustedPushers: [DEPLOYER, 'deployer'] }))).toEqual([
      "trustedPushers[1]: 'deployer' is not an IAM user or role ARN (arn:aws:iam::<account>:...)",
    ]);
  });
});
