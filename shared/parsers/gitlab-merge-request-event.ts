import * as z from 'zod/mini';
import {
  GITLAB_EVENT_SOURCE,
  GITLAB_MERGE_REQUEST_DETAIL_TYPE,
  type GitLabMergeRequestDetail,
} from '#domain/gitlab-merge-request.ts';
import { type Envelope, parseDetail, requireKind } from './envelope.ts';
import { nonEmptyText, positiveInteger } from './fields.ts';

export const GITLAB_SOURCE = GITLAB_EVENT_SOURCE;
export const GITLAB_MERGE_REQUEST = GITLAB_MERGE_REQUEST_DETAIL_TYPE;

/** The normalised GitLab merge-request event the ingress puts on the bus (its detail), validated. */
export interface GitLabMergeRequestEvent extends Pick<GitLabMergeRequestDetail, 'project' | 'mergeRequest'> {
  id: string;
  account: string;
  region: string;
}

/** The ingress wrote this detail; a value of another type in the two lenient fields reads as absent. */
const MergeRequestDetail = z.object({
  project: z.object({ id: positiveInteger, path: nonEmptyText, webUrl: nonEmptyText }),
  mergeRequest: z.object({
    iid: positiveInteger,
    action: nonEmptyText,
    state: nonEmptyText,
    sourceBranch: nonEmptyText,
    targetBranch: nonEmptyText,
    lastCommitId: z.pipe(
      z.unknown(),
      z.transform((id) => (typeof id === 'string' ? id : null)),
    ),
    url: nonEmptyText,
    title: z.pipe(
      z.unknown(),
      z.transform((title) => (typeof title === 'string' ? title : '')),
    ),
  }),
});

export function fromEnvelope(envelope: Envelope): GitLabMergeRequestEvent {
  requireKind(envelope, GITLAB_SOURCE, GITLAB_MERGE_REQUEST);
  const { project, mergeRequest } = parseDetail(MergeRequestDetail, envelope);
  return { id: envelope.id, account: envelope.account, region: envelope.region, project, mergeRequest };
}
