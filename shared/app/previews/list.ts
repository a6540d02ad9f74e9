import type { GitHost } from '../ports/git-host.ts';
import type { PreviewDeps } from './deps.ts';
import { readState } from './state.ts';

export interface OpenPreview {
  set: string;
  slug: string;
  branch: string;
  pullRequest?: string;
  source: string;
  url: string;
  image?: string;
  openedAt: string;
  /** Whole minutes since it opened. */
  ageMinutes: number;
}

export interface WaitingPreview {
  set: string;
  slug: string;
  branch: string;
  pullRequest?: string;
  since: string;
}

/** Every open and waiting preview of every set, as git holds them now. */
export async function listPreviews(
  deps: Pick<PreviewDeps, 'config' | 'now'> & { hostFor(repository: string): GitHost },
): Promise<{ open: OpenPreview[]; waiting: WaitingPreview[] }> {
  const open: OpenPreview[] = [];
  const waiting: WaitingPreview[] = [];
  const now = deps.now().getTime();
  for (const set of deps.config.previews ?? []) {
    const state = await readState(deps.hostFor(set.repository), set);
    for (const record of state.open.values()) {
      open.push({
        set: set.name,
        ...record,
        source: set.source.repository,
        ageMinutes: Math.max(0, Math.floor((now - Date.parse(record.openedAt)) / 60_000)),
      });
    }
    for (const entry of state.waiting) waiting.push({ set: set.name, ...entry });
  }
  return { open, waiting };
}
