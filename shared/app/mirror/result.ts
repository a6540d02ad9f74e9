/** What a mirror-sync invocation did; returned and logged by the handler. */
export interface MirrorResult {
  eventId: string;
  actions: MirrorAction[];
}

export type MirrorState = 'in-sync' | 'gitlab-ahead' | 'codecommit-ahead' | 'diverged';

export type MirrorAction =
  /** How a mirrored branch compares on both sides. */
  | {
      type: 'mirror';
      gitlab: string;
      codecommit: string;
      branch: string;
      state: MirrorState;
      gitlabHead?: string;
      codecommitHead?: string;
      /** Commits CodeCommit lacks. */
      behind: number;
      /** Commits only CodeCommit holds. */
      ahead: number;
      /** Seconds since the oldest commit one side lacks; 0 in sync. */
      lagSeconds: number;
    }
  | { type: 'sync'; gitlab: string; codecommit: string; mirrorId?: number; dryRun?: true }
  /** Commits made only on CodeCommit, replayed onto GitLab (`to` is the new GitLab commit). */
  | { type: 'adopt'; gitlab: string; branch: string; commits: { from: string; to?: string }[]; dryRun?: true }
  | { type: 'alert'; subject: string }
  | { type: 'skip'; reason: string };
