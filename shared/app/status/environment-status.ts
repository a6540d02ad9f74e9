import type { Config } from '#config/types.ts';
import { isAhead, type StageValue, stageValue, trackedFiles, trackedValues } from '#domain/stage-values.ts';
import { readStages } from '../branch-flow/stage-files.ts';
import type { GitHost } from '../ports/git-host.ts';
import type { PullRequest, PullRequestHost } from '../ports/pull-request-host.ts';

export interface EnvironmentStatus {
  repository: string;
  stages: string[];
  missingBranches: string[];
  rows: StatusRow[];
  /** Open pull requests between consecutive stages; undefined when the host has no pull requests. */
  promotions?: PullRequest[];
  /** Why promotions are not listed (a local repository, say). */
  promotionsNote?: string;
}

export interface StatusRow {
  image: string;
  file: string;
  selector: string;
  values: Record<string, StageValue>;
  /** Consecutive stages where the earlier one is ahead: what is waiting to be promoted. */
  waiting: { from: string; to: string; value: string }[];
}

export interface StatusDeps {
  config: Config;
  hostFor: (repository: string) => GitHost;
  /** Undefined for repositories without pull requests. */
  pullRequestsFor: (repository: string) => PullRequestHost | undefined;
}

/** For every repository with a promotion order: each tracked image value on each stage. */
export async function environmentStatus(deps: StatusDeps): Promise<EnvironmentStatus[]> {
  const statuses: EnvironmentStatus[] = [];
  for (const [repository, flow] of Object.entries(deps.config.flow)) {
    const stages = flow.promotion;
    const values = trackedValues(deps.config.images, repository, stages);
    const snapshot = await readStages(deps.hostFor(repository), stages, trackedFiles(values));
    const rows = values.map((value): StatusRow => {
      const byStage: Record<string, StageValue> = {};
      for (const stage of stages) byStage[stage] = stageValue(value, snapshot.files.get(stage) ?? new Map());
      const waiting: StatusRow['waiting'] = [];
      stages.slice(0, -1).forEach((from, i) => {
        const to = stages[i + 1] as string;
        const source = byStage[from];
        const target = byStage[to];
        if (source?.state === 'set' && target !== undefined && isAhead(value, source, target)) {
          waiting.push({ from, to, value: source.text });
        }
      });
      return { image: value.image, file: value.file, selector: value.selector, values: byStage, waiting };
    });
    const status: EnvironmentStatus = { repository, stages, missingBranches: snapshot.missingBranches, rows };
    const host = deps.pullRequestsFor(repository);
    if (host === undefined) {
      status.promotionsNote = `${repository} is a local repository: it has no pull requests`;
    } else {
      const open = await host.listPullRequests('OPEN', 100);
      status.promotions = open.filter((pr) => {
        const at = stages.indexOf(pr.source);
        return at >= 0 && stages[at + 1] === pr.destination;
      });
    }
    statuses.push(status);
  }
  return statuses;
}
