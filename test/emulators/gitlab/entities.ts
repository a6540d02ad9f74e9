import type { GitCommit, Signature } from './repository.ts';
import type { EmulatedUser } from './tokens.ts';

/** A git date as GitLab shows it: `2024-05-01T10:00:00.000+02:00`, in the commit's own offset. */
export function gitDate(signature: Signature): string {
  const sign = signature.offset.startsWith('-') ? -1 : 1;
  const hours = Number(signature.offset.slice(1, 3));
  const minutes = Number(signature.offset.slice(3, 5));
  const local = new Date((signature.seconds + sign * (hours * 60 + minutes) * 60) * 1000);
  return `${local.toISOString().slice(0, -1)}${signature.offset.slice(0, 3)}:${signature.offset.slice(3)}`;
}

/** A database timestamp: `2024-05-01T08:00:00.123Z`. */
export const now = (): string => new Date().toISOString();

export function userBasic(user: EmulatedUser, baseUrl: string): Record<string, unknown> {
  return {
    id: user.id,
    username: user.username,
    public_email: null,
    name: user.name,
    state: 'active',
    locked: false,
    avatar_url: null,
    web_url: `${baseUrl}/${user.username}`,
  };
}

export interface ProjectRef {
  id: number;
  path: string;
}

/** `API::Entities::Commit`. */
export function commitEntity(
  commit: GitCommit,
  project: ProjectRef,
  baseUrl: string,
): Record<string, unknown> {
  const title = commit.message.split('\n', 1)[0] ?? '';
  return {
    id: commit.id,
    short_id: commit.id.slice(0, 8),
    created_at: gitDate(commit.committer),
    parent_ids: commit.parents,
    title,
    message: commit.message,
    author_name: commit.author.name,
    author_email: commit.author.email,
    authored_date: gitDate(commit.author),
    committer_name: commit.committer.name,
    committer_email: commit.committer.email,
    committed_date: gitDate(commit.committer),
    trailers: {},
    extended_trailers: {},
    web_url: `${baseUrl}/${project.path}/-/commit/${commit.id}`,
  };
}

/** `API::Entities::CommitDetail`: the commit with its stats, latest status and pipeline. */
export function commitDetailEntity(
  commit: GitCommit,
  project: ProjectRef,
  baseUrl: string,
  detail: {
    stats?: { additions: number; deletions: number; total: number };
    status: string | null;
    lastPipeline: Record<string, unknown> | null;
  },
): Record<string, unknown> {
  return {
    ...commitEntity(commit, project, baseUrl),
    ...(detail.stats === undefined ? {} : { stats: detail.stats }),
    status: detail.status,
    project_id: project.id,
    last_pipeline: detail.lastPipeline,
  };
}
