/**
 * The normalised GitLab merge-request event Flowkeeper puts on the event bus. GitLab does not emit
 * EventBridge events; the webhook ingress turns a `Merge Request Hook` into this, so rules route
 * GitLab merge requests to functions like every other event.
 */

export const GITLAB_EVENT_SOURCE = 'flowkeeper.gitlab';
export const GITLAB_MERGE_REQUEST_DETAIL_TYPE = 'GitLab Merge Request';

export interface GitLabMergeRequestDetail {
  project: { id: number /** path_with_namespace */; path: string; webUrl: string };
  mergeRequest: {
    iid: number;
    /** object_attributes.action as GitLab sends it: open, reopen, update, close, merge, approved, unapproved, approval, unapproval */
    action: string;
    /** object_attributes.state: opened | closed | merged | locked */
    state: string;
    sourceBranch: string;
    targetBranch: string;
    /** object_attributes.last_commit.id, or null */
    lastCommitId: string | null;
    url: string;
    title: string;
  };
  /** For de-duplication of GitLab's retries: the Idempotency-Key and X-Gitlab-Event-UUID headers. */
  delivery: { idempotencyKey: string | null; eventUuid: string | null };
}

/** One event for the bus: what PutEvents takes as an entry, the detail still an object. */
export interface BusEvent {
  source: string;
  detailType: string;
  /** ARNs or URLs the event is about; GitLab merge requests name none (EventBridge wants ARNs). */
  resources: string[];
  detail: GitLabMergeRequestDetail;
}

export function mergeRequestBusEvent(detail: GitLabMergeRequestDetail): BusEvent {
  return {
    source: GITLAB_EVENT_SOURCE,
    detailType: GITLAB_MERGE_REQUEST_DETAIL_TYPE,
    resources: [],
    detail,
  };
}
