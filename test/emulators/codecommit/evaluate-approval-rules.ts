import { fail } from './errors.ts';
import { type Input, optionalString } from './input.ts';
import type { OperationContext } from './operation-context.ts';
import { currentRevision, refresh, requirePullRequest } from './pull-request-store.ts';

const REVISION_ID = /^[0-9a-f]{64}$/;

/**
 * This emulator has no approval rules, so every pull request's current revision is approved: nothing
 * satisfied, nothing unsatisfied, nothing overridden. The revision must still be one the pull request
 * has had (`InvalidRevisionIdException`) and be its current one (`RevisionNotCurrentException`).
 * A closed pull request is evaluated too: the operation documents no error for one.
 */
export async function evaluatePullRequestApprovalRules(
  context: OperationContext,
  input: Input,
): Promise<Record<string, unknown>> {
  const record = requirePullRequest(context, input);
  const revisionId = optionalString(input, 'revisionId');
  if (revisionId === undefined || revisionId === '') {
    return fail('RevisionIdRequiredException', 'A revision id is required.');
  }
  await refresh(context, record);
  if (!REVISION_ID.test(revisionId) || !record.revisions.includes(revisionId)) {
    fail('InvalidRevisionIdException', `The revision id '${revisionId}' is not valid.`);
  }
  if (revisionId !== currentRevision(record)) {
    fail('RevisionNotCurrentException', `Revision ${revisionId} is not the current revision.`);
  }
  return {
    evaluation: {
      approved: true,
      overridden: false,
      approvalRulesSatisfied: [],
      approvalRulesNotSatisfied: [],
    },
  };
}
