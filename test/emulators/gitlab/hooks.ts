import { randomUUID } from 'node:crypto';
import { type Handler, param, type RequestContext } from './context.ts';
import { now } from './entities.ts';
import { recordNotFound } from './errors.ts';
import { optionalBoolean, optionalString, requiredString } from './input.ts';
import type { MergeRequestRecord } from './merge-requests.ts';
import type { ProjectRecord } from './projects.ts';
import { branchHead, readCommit } from './repository.ts';
import type { EmulatedUser } from './tokens.ts';

/** The GitLab version the emulator's hooks announce in `User-Agent`. */
export const GITLAB_VERSION = '18.6.1';
/** GitLab.com's webhook timeout. */
const HOOK_TIMEOUT_MS = 10_000;

export interface HookRecord {
  id: number;
  url: string;
  /** The secret token sent as `X-Gitlab-Token`; never shown by the API. */
  token: string | undefined;
  pushEvents: boolean;
  mergeRequestsEvents: boolean;
  enableSslVerification: boolean;
  /** `X-Gitlab-Webhook-UUID`: one per hook. */
  uuid: string;
  createdAt: string;
}

/** One request a hook made (or tried to make), as the hook's "Recent events" log shows it. */
export interface HookDelivery {
  id: number;
  hookId: number;
  url: string;
  /** `X-Gitlab-Event`. */
  event: string;
  headers: Record<string, string>;
  body: string;
  /** The receiver's answer; null when the request failed or timed out. */
  status: number | null;
  responseBody: string;
  error?: string;
}

/**
 * Sends webhooks the way GitLab's WebHookService does: after the triggering request has been
 * answered (GitLab runs them in Sidekiq), one POST per hook subscribed to the event kind, JSON body,
 * the headers GitLab sends. Every delivery is kept; `resend` sends one again with the same headers
 * and body (the UI's "Resend request", which keeps the Idempotency-Key).
 */
export class HookDispatcher {
  readonly deliveries: HookDelivery[] = [];
  readonly #pending = new Set<Promise<void>>();
  #nextId = 1;
  #baseUrl = '';

  setBaseUrl(baseUrl: string): void {
    this.#baseUrl = baseUrl;
  }

  /** Queues the event for every hook of `project` that `subscribed` selects. */
  trigger(
    project: ProjectRecord,
    event: string,
    subscribed: (hook: HookRecord) => boolean,
    payload: Record<string, unknown>,
  ): void {
    const body = JSON.stringify(payload);
    for (const hook of project.hooks.values()) {
      if (!subscribed(hook)) continue;
      const idempotencyKey = randomUUID();
      const headers: Record<string, string> = {
        'Content-Type': 'application/json',
        'User-Agent': `GitLab/${GITLAB_VERSION}`,
        'X-Gitlab-Event': event,
        'X-Gitlab-Webhook-UUID': hook.uuid,
        'X-Gitlab-Instance': this.#baseUrl,
        'X-Gitlab-Event-UUID': randomUUID(),
        'Idempotency-Key': idempotencyKey,
        ...(hook.token === undefined || hook.token === '' ? {} : { 'X-Gitlab-Token': hook.token }),
      };
      const delivery: HookDelivery = {
        id: this.#nextId++,
        hookId: hook.id,
        url: hook.url,
        event,
        headers,
        body,
        status: null,
        responseBody: '',
      };
      this.deliveries.push(delivery);
      this.#track(this.#send(delivery));
    }
  }

  /** Sends a recorded delivery again, same headers and body; answers the new delivery. */
  resend(id: number): Promise<HookDelivery> {
    const original = this.deliveries.find((delivery) => delivery.id === id);
    if (original === undefined) throw new Error(`no hook delivery ${id}`);
    const delivery: HookDelivery = { ...original, id: this.#nextId++, status: null, responseBody: '' };
    delete delivery.error;
    this.deliveries.push(delivery);
    const sent = this.#send(delivery);
    this.#track(sent);
    return sent.then(() => delivery);
  }

  /** Resolves once every delivery queued so far has been answered (or has failed). */
  async settle(): Promise<void> {
    while (this.#pending.size > 0) await Promise.all([...this.#pending]);
  }

  #track(sent: Promise<void>): void {
    // Deliveries start after the triggering request has been answered.
    this.#pending.add(sent);
    void sent.finally(() => this.#pending.delete(sent));
  }

  async #send(delivery: HookDelivery): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve));
    try {
      const response = await fetch(delivery.url, {
        method: 'POST',
        headers: delivery.headers,
        body: delivery.body,
        signal: AbortSignal.timeout(HOOK_TIMEOUT_MS),
      });
      delivery.status = response.status;
      delivery.responseBody = await response.text();
    } catch (error) {
      delivery.error = error instanceof Error ? error.message : String(error);
    }
  }
}

function hookEntity(project: ProjectRecord, hook: HookRecord): Record<string, unknown> {
  return {
    id: hook.id,
    url: hook.url,
    name: null,
    description: null,
    project_id: project.id,
    push_events: hook.pushEvents,
    push_events_branch_filter: null,
    issues_events: false,
    confidential_issues_events: false,
    merge_requests_events: hook.mergeRequestsEvents,
    tag_push_events: false,
    note_events: false,
    confidential_note_events: false,
    job_events: false,
    pipeline_events: false,
    wiki_page_events: false,
    deployment_events: false,
    releases_events: false,
    enable_ssl_verification: hook.enableSslVerification,
    repository_update_events: false,
    alert_status: 'executable',
    disabled_until: null,
    url_variables: [],
    created_at: hook.createdAt,
  };
}

function findHook(context: RequestContext): HookRecord {
  const id = param(context, 'hook_id');
  const hook = /^\d+$/.test(id) ? context.project.hooks.get(Number(id)) : undefined;
  if (hook === undefined) throw recordNotFound();
  return hook;
}

/** `GET /projects/:id/hooks`. */
export const listHooks: Handler = async (context) => ({
  status: 200,
  body: [...context.project.hooks.values()].map((hook) => hookEntity(context.project, hook)),
});

/** `GET /projects/:id/hooks/:hook_id`. */
export const getHook: Handler = async (context) => ({
  status: 200,
  body: hookEntity(context.project, findHook(context)),
});

/** `POST /projects/:id/hooks`: `url` required; push events on and merge request events off by default, as in GitLab. */
export const addHook: Handler = async (context) => {
  const url = requiredString(context.input, 'url');
  const hook: HookRecord = {
    id: context.state.sequences.next('hook'),
    url,
    token: optionalString(context.input, 'token'),
    pushEvents: optionalBoolean(context.input, 'push_events') ?? true,
    mergeRequestsEvents: optionalBoolean(context.input, 'merge_requests_events') ?? false,
    enableSslVerification: optionalBoolean(context.input, 'enable_ssl_verification') ?? true,
    uuid: randomUUID(),
    createdAt: now(),
  };
  context.project.hooks.set(hook.id, hook);
  return { status: 201, body: hookEntity(context.project, hook) };
};

/** `DELETE /projects/:id/hooks/:hook_id`. */
export const deleteHook: Handler = async (context) => {
  const hook = findHook(context);
  context.project.hooks.delete(hook.id);
  return { status: 204 };
};

/** `object_attributes.action` values the emulator sends. */
export type MergeRequestAction = 'open' | 'close' | 'reopen' | 'merge';

/** GitLab's `project` block of hook payloads (`Project#hook_attrs`). */
function projectHookAttributes(project: ProjectRecord, baseUrl: string): Record<string, unknown> {
  const segments = project.path.split('/');
  const webUrl = `${baseUrl}/${project.path}`;
  const sshUrl = `git@${new URL(baseUrl).hostname}:${project.path}.git`;
  return {
    id: project.id,
    name: segments.at(-1),
    description: null,
    web_url: webUrl,
    avatar_url: null,
    git_ssh_url: sshUrl,
    git_http_url: `${webUrl}.git`,
    namespace: segments.at(-2),
    visibility_level: 0,
    path_with_namespace: project.path,
    default_branch: 'main',
    ci_config_path: '',
    homepage: webUrl,
    url: sshUrl,
    ssh_url: sshUrl,
    http_url: `${webUrl}.git`,
  };
}

const STATE_IDS = { opened: 1, closed: 2, merged: 3 } as const;

const hookDate = (iso: string): string => `${iso.slice(0, 19).replace('T', ' ')} UTC`;

/** Triggers the `Merge Request Hook` for `action`, with the payload GitLab documents. */
export async function triggerMergeRequestHook(
  context: RequestContext,
  mergeRequest: MergeRequestRecord,
  action: MergeRequestAction,
): Promise<void> {
  const { project, state } = context;
  const { baseUrl } = state;
  const head = await branchHead(project.gitDir, mergeRequest.sourceBranch);
  const commit = head === undefined ? undefined : await readCommit(project.gitDir, head);
  const projectAttributes = projectHookAttributes(project, baseUrl);
  const user = hookUser(context.user, baseUrl);
  const lastCommit =
    commit === undefined
      ? null
      : {
          id: commit.id,
          message: commit.message,
          title: commit.message.split('\n', 1)[0] ?? '',
          timestamp: new Date(commit.author.seconds * 1000).toISOString().replace('.000Z', '+00:00'),
          url: `${baseUrl}/${project.path}/-/commit/${commit.id}`,
          author: { name: commit.author.name, email: commit.author.email },
        };
  const payload = {
    object_kind: 'merge_request',
    event_type: 'merge_request',
    user,
    project: projectAttributes,
    object_attributes: {
      assignee_id: null,
      author_id: mergeRequest.author.id,
      created_at: hookDate(mergeRequest.createdAt),
      description: mergeRequest.description,
      draft: false,
      head_pipeline_id: null,
      id: mergeRequest.id,
      iid: mergeRequest.iid,
      last_edited_at: null,
      last_edited_by_id: null,
      merge_commit_sha: mergeRequest.mergeCommitSha ?? null,
      merge_error: null,
      merge_params: { force_remove_source_branch: '0' },
      merge_status: 'can_be_merged',
      merge_user_id: mergeRequest.state === 'merged' ? context.user.id : null,
      merge_when_pipeline_succeeds: false,
      milestone_id: null,
      source_branch: mergeRequest.sourceBranch,
      source_project_id: project.id,
      state_id: STATE_IDS[mergeRequest.state],
      target_branch: mergeRequest.targetBranch,
      target_project_id: project.id,
      time_estimate: 0,
      title: mergeRequest.title,
      updated_at: hookDate(mergeRequest.updatedAt),
      updated_by_id: null,
      assignee_ids: [],
      blocking_discussions_resolved: true,
      detailed_merge_status: 'mergeable',
      first_contribution: false,
      human_time_change: null,
      human_time_estimate: null,
      human_total_time_spent: null,
      labels: [],
      last_commit: lastCommit,
      reviewer_ids: [],
      source: projectAttributes,
      state: mergeRequest.state,
      target: projectAttributes,
      time_change: 0,
      total_time_spent: 0,
      url: `${baseUrl}/${project.path}/-/merge_requests/${mergeRequest.iid}`,
      work_in_progress: false,
      approval_rules: [],
      action,
    },
    labels: [],
    changes:
      action === 'open'
        ? {}
        : { state_id: { previous: STATE_IDS.opened, current: STATE_IDS[mergeRequest.state] } },
    repository: {
      name: projectAttributes.name,
      url: projectAttributes.url,
      description: null,
      homepage: projectAttributes.homepage,
    },
    assignees: [],
    reviewers: [],
  };
  state.hooks.trigger(project, 'Merge Request Hook', (hook) => hook.mergeRequestsEvents, payload);
}

function hookUser(user: EmulatedUser, baseUrl: string): Record<string, unknown> {
  return {
    id: user.id,
    name: user.name,
    username: user.username,
    avatar_url: `${baseUrl}/uploads/-/system/user/avatar/${user.id}/avatar.png`,
    email: '[REDACTED]',
  };
}
