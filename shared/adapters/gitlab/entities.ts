/** The GitLab REST v4 entities the adapters read (only the fields used), and their mapping to the ports. */
import type { CommitDetails } from '#app/ports/mirror-hosts.ts';

/** The commit entity GitLab answers (only the fields used). */
export interface GitLabCommit {
  id: string;
  parent_ids?: string[];
  message?: string;
  title?: string;
  author_name?: string;
  author_email?: string;
  authored_date?: string;
  committed_date?: string;
  created_at?: string;
}

export interface GitLabFile {
  content: string;
  encoding?: string;
  commit_id: string;
  last_commit_id: string;
}

export interface GitLabDiff {
  old_path: string;
  new_path: string;
}

export interface GitLabCompare {
  commits?: GitLabCommit[];
  diffs?: GitLabDiff[];
  compare_timeout?: boolean;
}

export interface GitLabMergeRequestRef {
  iid: number;
  state: string;
  sha: string | null;
  web_url: string;
}

export interface GitLabNote {
  body: string;
}

export interface GitLabRemoteMirror {
  id: number;
  url: string;
  enabled?: boolean;
}

export interface GitLabStatus {
  id: number;
  name: string;
  status: string;
  target_url?: string | null;
  description?: string | null;
}

/** GitLab dates carry an offset (`2026-03-10T09:31:12.000+01:00`); the ports speak UTC. */
function isoDate(value: string | undefined): string {
  if (value === undefined) return '';
  const time = Date.parse(value);
  return Number.isNaN(time) ? value : new Date(time).toISOString();
}

export function commitDetails(commit: GitLabCommit): CommitDetails {
  return {
    id: commit.id,
    parentIds: commit.parent_ids ?? [],
    author: { name: commit.author_name ?? '', email: commit.author_email ?? '' },
    authoredAt: isoDate(commit.authored_date ?? commit.created_at),
    committedAt: isoDate(commit.committed_date ?? commit.created_at),
    message: commit.message ?? commit.title ?? '',
  };
}
