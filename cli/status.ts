import { resolve } from 'node:path';
import { configLoaderFromEnv } from '#adapters/aws/ssm-config-loader.ts';
import { gitHostsFor } from '#adapters/git-hosts.ts';
import { pullRequestHostsFor } from '#adapters/pull-request-hosts.ts';
import { type EnvironmentStatus, environmentStatus } from '#app/status/environment-status.ts';
import type { Config } from '#config/types.ts';
import { UsageError } from './usage.ts';

/** The configuration `status` reads: the file given, else the environment, as `invoke` does. */
export async function loadStatusConfig(configFile: string | undefined): Promise<Config> {
  const env = { ...process.env };
  if (configFile) {
    env.FLOWKEEPER_CONFIG_FILE = resolve(configFile);
    delete env.FLOWKEEPER_CONFIG_PARAMETER;
  } else if (!env.FLOWKEEPER_CONFIG_FILE && !env.FLOWKEEPER_CONFIG_PARAMETER) {
    throw new UsageError(
      'no configuration: pass --config <file>, or set FLOWKEEPER_CONFIG_FILE or FLOWKEEPER_CONFIG_PARAMETER',
    );
  }
  return configLoaderFromEnv(env).load();
}

/** Every repository with a promotion order: the values on each stage and the open promotions. */
export async function collectStatus(config: Config): Promise<EnvironmentStatus[]> {
  const pullRequests = pullRequestHostsFor(config);
  return environmentStatus({
    config,
    hostFor: gitHostsFor(config),
    pullRequestsFor: (repository) =>
      config.repositories[repository]?.provider === 'codecommit' ? pullRequests(repository) : undefined,
  });
}

export function renderStatus(statuses: EnvironmentStatus[]): string {
  if (statuses.length === 0) {
    return 'No repository has a promotion order: add a `flow:` section to the configuration.\n';
  }
  return statuses.map(renderRepository).join('\n');
}

function renderRepository(status: EnvironmentStatus): string {
  const lines = [`${status.repository}: ${status.stages.join(' → ')}`];
  for (const branch of status.missingBranches) lines.push(`  branch ${branch} does not exist`);
  if (status.rows.length === 0) {
    lines.push('  no image target of the configuration is on a promotion branch');
  } else {
    const header = ['IMAGE', 'FILE', ...status.stages, 'WAITING'];
    const rows = status.rows.map((row) => [
      row.image,
      row.file,
      ...status.stages.map((stage) => {
        const value = row.values[stage];
        return value?.state === 'set' ? value.text : '—';
      }),
      row.waiting.length === 0 ? 'in sync' : row.waiting.map((w) => `${w.from} → ${w.to}`).join(', '),
    ]);
    lines.push(...table([header, ...rows]).map((line) => `  ${line}`));
  }
  if (status.promotions === undefined) {
    lines.push(`  open promotion pull requests: ${status.promotionsNote ?? 'not available'}`);
  } else if (status.promotions.length === 0) {
    lines.push('  open promotion pull requests: none');
  } else {
    lines.push('  open promotion pull requests:');
    for (const pr of status.promotions)
      lines.push(`    #${pr.id} ${pr.source} → ${pr.destination}  ${pr.title}`);
  }
  return `${lines.join('\n')}\n`;
}

function table(rows: string[][]): string[] {
  const widths =
    rows[0]?.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length))) ?? [];
  return rows.map((row) =>
    row
      .map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column] ?? 0)))
      .join('  ')
      .trimEnd(),
  );
}
