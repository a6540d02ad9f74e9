/**
 * Where Flowkeeper reaches AWS resources of other accounts: the role to assume (`roleArn`, with an
 * optional `externalId`) on CodeCommit repositories and `ssm` targets, and the `accounts` section
 * naming, per source account, the role that reads its ECR images.
 */
import * as z from 'zod';
import { type Issue, isRecord } from '#config/issue-list.ts';
import { checkedString, closedObject } from '#config/schema-building-blocks.ts';

export const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/(?:[\w+=,.@-]+\/)*[\w+=,.@-]{1,64}$/;
const EXTERNAL_ID = /^[\w+=,.@:/-]{2,1224}$/;
const ACCOUNT_ID = /^\d{12}$/;
export const AWS_REGION = /^[a-z]{2}(?:-[a-z]+)+-\d{1,2}$/;

export const region = (description: string) =>
  checkedString(
    (value) => AWS_REGION.test(value),
    (value) => `must be an AWS region such as eu-west-1 (got ${JSON.stringify(value)})`,
  )
    .meta({ description, examples: ['eu-west-1'], pattern: AWS_REGION.source })
    .optional();

export const roleArn = (description: string) =>
  checkedString(
    (value) => ROLE_ARN.test(value),
    (value) =>
      `must be an IAM role ARN, arn:aws:iam::<12-digit account>:role/<name> (got ${JSON.stringify(value)})`,
  ).meta({
    description,
    examples: ['arn:aws:iam::222222222222:role/flowkeeper-writer'],
    pattern: ROLE_ARN.source,
  });

export const externalId = checkedString(
  (value) => EXTERNAL_ID.test(value),
  () =>
    'must be 2-1224 letters, digits or _ + = , . @ : / - (the sts:ExternalId the role trust policy requires)',
)
  .meta({
    description:
      "External id passed to AssumeRole, when the role's trust policy requires one (`sts:ExternalId`). " +
      'Only with `roleArn`.',
    pattern: EXTERNAL_ID.source,
  })
  .optional();

/** The `roleArn` and `externalId` keys of a resource in another account. */
export const roleFields = (what: string) => ({
  roleArn: roleArn(
    `Role Flowkeeper assumes to reach ${what} in another account; Flowkeeper's own role when omitted. ` +
      "The stack's AssumableRoleArns parameter must list it.",
  ).optional(),
  externalId,
});

/** `externalId` needs `roleArn`: reported at `externalId`. */
export function externalIdNeedsRole(
  value: { roleArn?: string | undefined; externalId?: string | undefined },
  ctx: z.RefinementCtx,
): void {
  if (value.externalId !== undefined && value.roleArn === undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['externalId'],
      message: 'is only used with roleArn: add roleArn or remove externalId',
    });
  }
}

const accountOfArn = (arn: string): string | undefined => /^arn:[^:]+:iam::(\d{12}):/.exec(arn)?.[1];

const account = closedObject({
  ecrReadRoleArn: roleArn(
    'Role in this account Flowkeeper assumes to read its ECR images (DescribeImages, ListImages, ' +
      'DescribeImageScanFindings) when an image event comes from it.',
  ),
  externalId,
}).meta({
  title: 'Source account',
  description: 'How Flowkeeper reads from an account whose ECR events reach its event bus.',
  examples: [{ ecrReadRoleArn: 'arn:aws:iam::111111111111:role/flowkeeper-ecr-read' }],
});

export const accounts = z
  .record(
    z.string().regex(ACCOUNT_ID, { error: 'account ids are 12 digits, quoted ("111111111111")' }),
    account,
  )
  .meta({
    title: 'Source accounts',
    description:
      'Accounts, by 12-digit id, whose image events Flowkeeper receives, and the role through which it reads ' +
      "their ECR registries. An account not listed is read with Flowkeeper's own role (the same account, or " +
      'a registry whose policy allows it).',
    examples: [{ '111111111111': { ecrReadRoleArn: 'arn:aws:iam::111111111111:role/flowkeeper-ecr-read' } }],
  })
  .optional();

/**
 * Each `accounts.<id>.ecrReadRoleArn` must be a role of account `<id>`. Checked on the raw input, so
 * it is reported even when another account id of the section is malformed.
 */
export function accountRoleIssues(input: Record<string, unknown>): Issue[] {
  const issues: Issue[] = [];
  if (!isRecord(input.accounts)) return issues;
  for (const [id, settings] of Object.entries(input.accounts)) {
    if (!ACCOUNT_ID.test(id) || !isRecord(settings) || typeof settings.ecrReadRoleArn !== 'string') continue;
    const roleAccount = accountOfArn(settings.ecrReadRoleArn);
    if (roleAccount !== undefined && roleAccount !== id) {
      issues.push({
        path: ['accounts', id, 'ecrReadRoleArn'],
        message: `is a role of account ${roleAccount}, not of ${id}: the role that reads ECR lives in the account whose registry it reads`,
      });
    }
  }
  return issues;
}
