import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  isObject,
  listFunctions,
  loadTemplate,
  PROJECT_ROOT,
  resolveWithDefaults,
  type SamTemplate,
  type TemplateObject,
} from '../../tooling/sam-template.ts';

/**
 * templates/source-account.yaml, deployed in each source account, forwards exactly the events the
 * central stack's rules listen to, with a role that can put events on the central bus and nothing else.
 */
const central = loadTemplate();
const source = loadTemplate(resolve(PROJECT_ROOT, 'templates/source-account.yaml'));

/** How the templates name the central account inside `!Sub`. */
const CENTRAL_ACCOUNT = ['$', '{CentralAccountId}'].join('');

const rulesOf = (template: SamTemplate) =>
  Object.entries(template.Resources).filter(([, resource]) => resource.Type === 'AWS::Events::Rule');

/**
 * Every pattern of another service's events that reaches a central function: its own rules and those
 * in front of the image queue (schedules, `aws.events`, and what the GitLab webhook function puts,
 * `flowkeeper.gitlab`, are the central account's own).
 */
const OWN_SOURCES = new Set(['["aws.events"]', '["flowkeeper.gitlab"]']);
const centralPatterns = listFunctions(central)
  .flatMap((fn) => fn.rules.map((rule) => rule.pattern))
  .filter((pattern) => !(isObject(pattern) && OWN_SOURCES.has(JSON.stringify(pattern.source))));
const forwarded = rulesOf(source).map(([id, rule]) => ({
  id,
  pattern: resolveWithDefaults(source, rule.Properties?.EventPattern),
  targets: rule.Properties?.Targets as TemplateObject[],
}));

/** Whether every event `inner` matches, `outer` matches too (patterns of the same shape, lists as sets). */
function covers(outer: unknown, inner: unknown): boolean {
  if (Array.isArray(outer) && Array.isArray(inner)) return inner.every((value) => outer.includes(value));
  if (isObject(outer) && isObject(inner)) {
    return Object.entries(outer).every(([key, value]) => key in inner && covers(value, inner[key]));
  }
  return outer === inner;
}

describe('templates/source-account.yaml', () => {
  it('forwards each pattern a central rule listens to, unchanged', () => {
    const patterns = forwarded.map((rule) => rule.pattern);
    for (const pattern of centralPatterns) {
      // A central pattern is forwarded as is, or (mirror sync's branch updates) within a forwarded
      // pattern that is itself a central one.
      const equal = patterns.some((p) => JSON.stringify(p) === JSON.stringify(pattern));
      const within = patterns.some(
        (p) =>
          covers(pattern, p) ||
          (covers(p, pattern) && centralPatterns.some((c) => JSON.stringify(c) === JSON.stringify(p))),
      );
      expect(equal || within, JSON.stringify(pattern)).toBe(true);
    }
    for (const pattern of patterns) {
      expect(
        centralPatterns.some((c) => JSON.stringify(c) === JSON.stringify(pattern)),
        `forwarded but no central rule has it: ${JSON.stringify(pattern)}`,
      ).toBe(true);
    }
  });

  it('sends every forwarded event to the central default bus through the forwarding role', () => {
    expect(forwarded.length).toBeGreaterThan(0);
    for (const rule of forwarded) {
      expect(rule.targets, rule.id).toHaveLength(1);
      const [target] = rule.targets;
      expect(JSON.stringify(target?.Arn)).toContain(':event-bus/default');
      expect(JSON.stringify(target?.Arn)).toContain(CENTRAL_ACCOUNT);
      expect(target?.RoleArn).toEqual({ 'Fn::GetAtt': ['ForwardEventsRole', 'Arn'] });
    }
  });

  it('lets the forwarding role put events on the central bus and do nothing else', () => {
    const role = source.Resources.ForwardEventsRole?.Properties as TemplateObject;
    const trust = (role.AssumeRolePolicyDocument as { Statement: TemplateObject[] }).Statement;
    expect(trust).toEqual([
      expect.objectContaining({ Principal: { Service: 'events.amazonaws.com' }, Action: 'sts:AssumeRole' }),
    ]);
    const policies = role.Policies as { PolicyDocument: { Statement: TemplateObject[] } }[];
    const statements = policies.flatMap((policy) => policy.PolicyDocument.Statement);
    expect(statements).toHaveLength(1);
    expect(statements[0]?.Action).toBe('events:PutEvents');
    expect(JSON.stringify(statements[0]?.Resource)).toContain(`:${CENTRAL_ACCOUNT}:event-bus/default`);
    expect(role.ManagedPolicyArns).toBeUndefined();
  });
});

describe('template.yaml accepts events and assumes roles only as its parameters say', () => {
  it('lets the listed accounts or the organization put events on the default bus', () => {
    const byAccount = central.Resources.SourceAccountsEventBusPolicy;
    const byOrganization = central.Resources.SourceOrganizationEventBusPolicy;
    expect(byAccount?.Condition).toBe('HasSourceAccountIds');
    expect(byAccount?.Properties?.Statement).toMatchObject({
      Action: 'events:PutEvents',
      Principal: { AWS: { Ref: 'SourceAccountIds' } },
    });
    expect(byOrganization?.Condition).toBe('HasSourceOrganizationId');
    expect(byOrganization?.Properties?.Statement).toMatchObject({
      Action: 'events:PutEvents',
      Condition: { StringEquals: { 'aws:PrincipalOrgID': { Ref: 'SourceOrganizationId' } } },
    });
  });

  it('grants sts:AssumeRole on the AssumableRoleArns parameter only', () => {
    const statements = Object.values(central.Resources).flatMap((resource) => {
      const document = resource.Properties?.PolicyDocument as { Statement?: TemplateObject[] } | undefined;
      return document?.Statement ?? [];
    });
    const assuming = statements.filter((statement) =>
      JSON.stringify(statement.Action ?? null).includes('sts:AssumeRole'),
    );
    expect(assuming).toEqual([
      expect.objectContaining({ Action: 'sts:AssumeRole', Resource: { Ref: 'AssumableRoleArns' } }),
    ]);
    expect(central.Resources.AssumeConfiguredRolesPolicy?.Condition).toBe('HasAssumableRoleArns');
  });
});
