import { describe, expect, it } from 'vitest';
import { isObject, loadTemplate, parseTemplate, type SamTemplate } from '../../tooling/sam-template.ts';

/**
 * Least privilege, checked on the template as written: no statement of a function's Policies, of a role
 * it uses, or of any IAM resource allows a write action on Resource "*". Reads (Get*, List*, Describe*,
 * BatchGet*), CloudWatch Logs and X-Ray trace uploads are the only actions allowed on "*". Anything the
 * check cannot see through (managed policy names, SAM policy templates, a role given as an ARN) is
 * reported too, so a new function cannot slip past it.
 */

interface Finding {
  where: string;
  problem: string;
}

const READ_ACTION = /^(Get|List|Describe|BatchGet)/;
const IAM_RESOURCE_TYPES = new Set([
  'AWS::IAM::Role',
  'AWS::IAM::Policy',
  'AWS::IAM::ManagedPolicy',
  'AWS::IAM::RolePolicy',
]);

function isWriteAction(action: string): boolean {
  if (action === '*') return true;
  const [service = '', name = ''] = action.split(':');
  if (service === 'logs') return false;
  if (service === 'xray' && name.startsWith('Put')) return false;
  return !READ_ACTION.test(name);
}

/** Every value a template expression can take: both branches of !If, each item of a list. */
function alternatives(value: unknown): unknown[] {
  if (Array.isArray(value)) return value.flatMap(alternatives);
  if (isObject(value) && Array.isArray(value['Fn::If'])) {
    const [, whenTrue, whenFalse] = value['Fn::If'];
    return [...alternatives(whenTrue), ...alternatives(whenFalse)];
  }
  if (isObject(value) && value.Ref === 'AWS::NoValue') return [];
  return [value];
}

function grantsEverything(resource: unknown): boolean {
  return alternatives(resource).some(
    (value) => value === '*' || (isObject(value) && value['Fn::Sub'] === '*'),
  );
}

function checkDocument(document: unknown, where: string, findings: Finding[]): void {
  for (const candidate of alternatives(document)) {
    if (!isObject(candidate) || candidate.Statement === undefined) {
      findings.push({ where, problem: 'not an inline policy document the check can read' });
      continue;
    }
    for (const [index, statement] of alternatives(candidate.Statement).entries()) {
      const at = `${where}.Statement[${index}]`;
      if (!isObject(statement)) {
        findings.push({ where: at, problem: 'not a statement object' });
      } else if (statement.NotAction !== undefined || statement.NotResource !== undefined) {
        if (statement.Effect === 'Allow') {
          findings.push({ where: at, problem: 'NotAction/NotResource grants more than it names' });
        }
      } else if (statement.Effect === 'Allow' && grantsEverything(statement.Resource)) {
        for (const action of alternatives(statement.Action)) {
          if (typeof action !== 'string' || isWriteAction(action)) {
            findings.push({ where: at, problem: `${JSON.stringify(action)} on Resource "*"` });
          }
        }
      }
    }
  }
}

function iamFindings(template: SamTemplate): Finding[] {
  const findings: Finding[] = [];
  for (const [id, resource] of Object.entries(template.Resources)) {
    const properties = resource.Properties ?? {};
    if (resource.Type === 'AWS::Serverless::Function') {
      alternatives(properties.Policies).forEach((policy, index) => {
        const where = `${id}.Policies[${index}]`;
        const ref = isObject(policy) ? policy.Ref : undefined;
        // A managed policy of this template is checked below, as the IAM resource it is.
        if (typeof ref === 'string' && template.Resources[ref]?.Type === 'AWS::IAM::ManagedPolicy') return;
        if (typeof policy === 'string')
          findings.push({ where, problem: `managed policy ${policy} cannot be checked` });
        else if (isObject(policy) && policy.Statement === undefined) {
          findings.push({
            where,
            problem: `policy template ${Object.keys(policy).join()} cannot be checked`,
          });
        } else checkDocument(policy, where, findings);
      });
      const role = properties.Role;
      if (role !== undefined && !(isObject(role) && Array.isArray(role['Fn::GetAtt']))) {
        findings.push({ where: `${id}.Role`, problem: 'a role outside the template cannot be checked' });
      }
    }
    if (IAM_RESOURCE_TYPES.has(resource.Type)) {
      if (resource.Type === 'AWS::IAM::Role') {
        alternatives(properties.Policies).forEach((policy, index) => {
          checkDocument(
            isObject(policy) ? policy.PolicyDocument : policy,
            `${id}.Policies[${index}]`,
            findings,
          );
        });
        if (alternatives(properties.ManagedPolicyArns).length > 0) {
          findings.push({ where: `${id}.ManagedPolicyArns`, problem: 'managed policies cannot be checked' });
        }
      } else {
        checkDocument(properties.PolicyDocument, `${id}.PolicyDocument`, findings);
      }
    }
  }
  return findings;
}

describe('IAM in template.yaml', () => {
  it('grants no write action on Resource "*"', () => {
    expect(iamFindings(loadTemplate())).toEqual([]);
  });

  it('scopes CodeCommit writes to the named repositories, and grants none when there are none', () => {
    const policies = loadTemplate().Resources.ImageBumpFunction?.Properties?.Policies;
    const codecommit = alternatives(policies).filter(
      (policy) => isObject(policy) && JSON.stringify(policy).includes('codecommit:CreateCommit'),
    );
    expect(codecommit).toHaveLength(1);
    const conditional = (policies as unknown[]).find(
      (policy) => isObject(policy) && JSON.stringify(policy).includes('codecommit:CreateCommit'),
    );
    expect(conditional).toMatchObject({
      'Fn::If': ['HasCodeCommitRepositoryNames', expect.any(Object), { Ref: 'AWS::NoValue' }],
    });
  });

  it('lets only the functions that talk to GitLab read its token', () => {
    const template = loadTemplate();
    const base = JSON.stringify(template.Resources.FunctionBasePolicy);
    expect(base).not.toContain('GitLabToken');
    const readers = Object.entries(template.Resources)
      .filter(([, resource]) => resource.Type === 'AWS::Serverless::Function')
      .filter(([, resource]) =>
        JSON.stringify(resource.Properties?.Policies).includes('GitLabTokenReadPolicy'),
      )
      .map(([id]) => id)
      .sort();
    expect(readers).toEqual([
      'BuildReportFunction',
      'ImageBumpFunction',
      'MirrorSyncFunction',
      'PreviewFunction',
      'ReconcileFunction',
    ]);
  });

  it('lets only the GitLab webhook function read the webhook token and put events, on the one bus', () => {
    const template = loadTemplate();
    const functions = Object.entries(template.Resources).filter(
      ([, resource]) => resource.Type === 'AWS::Serverless::Function',
    );
    const mentioning = (text: string) =>
      functions
        .filter(([, resource]) => JSON.stringify(resource.Properties?.Policies).includes(text))
        .map(([id]) => id);
    expect(mentioning('GitLabWebhookToken')).toEqual(['GitLabWebhookFunction']);
    expect(mentioning('events:PutEvents')).toEqual(['GitLabWebhookFunction']);
    const policies = JSON.stringify(template.Resources.GitLabWebhookFunction?.Properties?.Policies);
    expect(policies).not.toContain('FunctionBasePolicy');
    expect(policies).not.toContain('GitLabTokenReadPolicy');
    expect(policies).toContain(`:event-bus/${'$'}{GitLabEventBusName}`);
  });

  it('trusts every role that commits as a pusher, so its own commits raise no direct-push alert', () => {
    const variables = loadTemplate().Resources.BranchFlowFunction?.Properties?.Environment as {
      Variables: { TRUSTED_PUSHER_ARNS: unknown };
    };
    const trusted = JSON.stringify(variables.Variables.TRUSTED_PUSHER_ARNS);
    for (const role of ['ImageBumpFunctionRole', 'ReconcileFunctionRole']) expect(trusted).toContain(role);
  });

  it('pins every any-account ARN pattern to this account and to the allowed regions', () => {
    const statements: string[] = [];
    const walk = (node: unknown): void => {
      if (Array.isArray(node)) node.forEach(walk);
      else if (isObject(node)) {
        if ('Sid' in node && 'Resource' in node) statements.push(JSON.stringify(node));
        else Object.values(node).forEach(walk);
      }
    };
    walk(loadTemplate().Resources);
    const wildcardAccount = statements.filter((statement) => statement.includes('arn:*:'));
    expect(wildcardAccount.length).toBeGreaterThan(0);
    for (const statement of wildcardAccount) {
      expect(statement).toContain('aws:ResourceAccount');
      expect(statement).toContain('aws:RequestedRegion');
    }
  });
});

describe('pull-request roles in template.yaml', () => {
  const functionsGranting = (action: string) =>
    Object.entries(loadTemplate().Resources)
      .filter(([, resource]) => resource.Type === 'AWS::Serverless::Function')
      .filter(([, resource]) => JSON.stringify(resource.Properties?.Policies ?? []).includes(`"${action}"`))
      .map(([id]) => id);

  it('keeps the approver apart from the role that opens promotion pull requests', () => {
    expect(functionsGranting('codecommit:UpdatePullRequestApprovalState')).toEqual(['BuildReportFunction']);
    expect(functionsGranting('codecommit:CreatePullRequest')).toEqual(['BranchFlowFunction']);
    expect(functionsGranting('codebuild:StartBuild')).toEqual(['BranchFlowFunction']);
  });
});

describe('the least-privilege check', () => {
  const sample = (policies: string) =>
    parseTemplate(`
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Policies:
${policies}
`);

  it('flags a write action on "*", including inside an !If branch', () => {
    const findings = iamFindings(
      sample(`        - Statement:
            - { Effect: Allow, Action: ['s3:GetObject', 's3:PutObject'], Resource: '*' }
        - !If
          - Cond
          - Statement: [{ Effect: Allow, Action: 'codecommit:*', Resource: ['*'] }]
          - !Ref AWS::NoValue`),
    );
    expect(findings.map((finding) => finding.problem)).toEqual([
      '"s3:PutObject" on Resource "*"',
      '"codecommit:*" on Resource "*"',
    ]);
  });

  it('allows reads, logs and traces on "*" and writes on named resources', () => {
    const findings = iamFindings(
      sample(`        - Statement:
            - { Effect: Allow, Action: ['ecr:DescribeImages', 'ssm:GetParameter', 'logs:CreateLogStream', 'xray:PutTraceSegments'], Resource: '*' }
            - { Effect: Allow, Action: 'sqs:SendMessage', Resource: !GetAtt Queue.Arn }
            - { Effect: Deny, Action: '*', Resource: '*' }`),
    );
    expect(findings).toEqual([]);
  });

  it('reports what it cannot see through', () => {
    const findings = iamFindings(
      sample(`        - AWSLambdaExecute
        - S3CrudPolicy: { BucketName: b }`),
    );
    expect(findings).toHaveLength(2);
  });

  it('classifies actions by verb', () => {
    expect(
      ['ssm:GetParameter', 'ec2:DescribeImages', 's3:ListBucket', 'dynamodb:BatchGetItem'].map(isWriteAction),
    ).toEqual([false, false, false, false]);
    expect(
      ['codecommit:CreateCommit', 'kms:Decrypt', 'sqs:SendMessage', 's3:*', '*'].map(isWriteAction),
    ).toEqual([true, true, true, true, true]);
  });
});

/** Every IAM statement (an object with `Sid`) anywhere below `value`. */
function statementsIn(value: unknown): Record<string, unknown>[] {
  if (Array.isArray(value)) return value.flatMap(statementsIn);
  if (value === null || typeof value !== 'object') return [];
  const record = value as Record<string, unknown>;
  return [
    ...(typeof record.Sid === 'string' ? [record] : []),
    ...Object.values(record).flatMap(statementsIn),
  ];
}

describe('PreviewFunction IAM', () => {
  it('commits only to the previews repository and only reads and comments on pull requests elsewhere', () => {
    const statements = statementsIn(loadTemplate().Resources.PreviewFunction?.Properties?.Policies);
    const committing = statements.filter((statement) =>
      JSON.stringify(statement.Action).includes('CreateCommit'),
    );
    expect(committing.map((statement) => statement.Sid)).toEqual(['CommitPreviews']);
    expect(JSON.stringify(committing[0]?.Resource)).toContain(':${'.concat('PreviewRepositoryName}'));
    const writes = statements
      .flatMap((statement) => [statement.Action].flat() as string[])
      .filter((action) => action.startsWith('codecommit:') && !READ_ACTION.test(action.slice(11)));
    expect(writes.sort()).toEqual(['codecommit:CreateCommit', 'codecommit:PostCommentForPullRequest']);
  });
});
