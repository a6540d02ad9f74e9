import { EventError } from '#domain/errors.ts';
import {
  GITLAB_EVENT_SOURCE,
  GITLAB_MERGE_REQUEST_DETAIL_TYPE,
  type GitLabMergeRequestDetail,
} from '#domain/gitlab-merge-request.ts';
import { type Envelope, isRecord, requireKind, requireString } from './envelope.ts';

export const GITLAB_SOURCE = GITLAB_EVENT_SOURCE;
export const GITLAB_MERGE_REQUEST = GITLAB_MERGE_REQUEST_DETAIL_TYPE;

/** The normalised GitLab merge-request event the ingress puts on the bus (its detail), validated. */
export interface GitLabMergeRequestEvent extends Pick<GitLabMergeRequestDetail, 'project' | 'mergeRequest'> {
  id: string;
  account: string;
  region: string;
}

const positiveInteger = (record: Record<string, unknown>, key: string, where: string): number => {
  const value = record[key];
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw new EventError(`${where}.${key}: expected a positive integer, got ${JSON.stringify(value)}`);
  }
  return value;
};

const record = (value: unknown, where: string): Record<string, unknown> => {
  if (!isRecord(value)) throw new EventError(`${where}: expected an object`);
  return value;
};

export function fromEnvelope(envelope: Envelope): GitLabMergeRequestEvent {
  requireKind(envelope, GITLAB_SOURCE, GITLAB_MERGE_REQUEST);
  const project = record(envelope.detail.project, 'detail.project');
  const mr = record(envelope.detail.mergeRequest, 'detail.mergeRequest');
  const lastCommitId = mr.lastCommitId;
  return {
    id: envelope.id,
    account: envelope.account,
    region: envelope.region,
    project: {
      id: positiveInteger(project, 'id', 'detail.project'),
      path: requireString(project, 'path', 'detail.project'),
      webUrl: requireString(project, 'webUrl', 'detail.project'),
    },
    mergeRequest: {
      iid: positiveInteger(mr, 'iid', 'detail.mergeRequest'),
      action: requireString(mr, 'action', 'detail.mergeRequest'),
      state: requireString(mr, 'state', 'detail.mergeRequest'),
      sourceBranch: requireString(mr, 'sourceBranch', 'detail.mergeRequest'),
      targetBranch: requireString(mr, 'targetBranch', 'detail.mergeRequest'),
      lastCommitId: typeof lastCommitId === 'string' ? lastCommitId : null,
      url: requireString(mr, 'url', 'detail.mergeRequest'),
      title: typeof mr.title === 'string' ? mr.title : '',
    },
  };
}
