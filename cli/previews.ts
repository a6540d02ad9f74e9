import { gitHostsFor } from '#adapters/git-hosts.ts';
import { listPreviews, type OpenPreview, type WaitingPreview } from '#app/previews/list.ts';
import type { Config } from '#config/types.ts';

export const collectPreviews = (config: Config) =>
  listPreviews({ config, hostFor: gitHostsFor(config), now: () => new Date() });

const age = (minutes: number): string =>
  minutes < 60
    ? `${minutes}m`
    : minutes < 2880
      ? `${Math.floor(minutes / 60)}h`
      : `${Math.floor(minutes / 1440)}d`;

const sourceOf = (preview: { branch: string; pullRequest?: string }, repository?: string): string =>
  `${repository === undefined ? '' : `${repository} `}${preview.pullRequest === undefined ? '' : `#${preview.pullRequest} `}${preview.branch}`;

export function renderPreviews(previews: { open: OpenPreview[]; waiting: WaitingPreview[] }): string {
  if (previews.open.length === 0 && previews.waiting.length === 0) return 'No preview is open.\n';
  const rows = [
    ['SLUG', 'SOURCE', 'IMAGE', 'URL', 'AGE'],
    ...previews.open.map((p) => [
      p.slug,
      sourceOf(p, p.source),
      p.image ?? '(template)',
      p.url,
      age(p.ageMinutes),
    ]),
  ];
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => row[column]?.length ?? 0))) ?? [];
  const lines = rows.map((row) =>
    row
      .map((cell, column) => cell.padEnd(widths[column] ?? 0))
      .join('  ')
      .trimEnd(),
  );
  const waiting = previews.waiting.map((p) => `waiting: ${p.slug} (${sourceOf(p)}) since ${p.since}`);
  return `${[...lines, ...waiting].join('\n')}\n`;
}
