import { SEVERITIES as ORDERED, type Severity } from './scan-gate.ts';

/** ECR naming facts shared by the events and the registry adapter (pure). */

const REPOSITORY_ARN = /^arn:[a-z][a-z0-9-]*:ecr:[a-z0-9-]+:\d{12}:repository\/(.+)$/;

/**
 * The repository name of a name or a repository ARN (`arn:<partition>:ecr:<region>:<account>:repository/<name>`),
 * which Inspector's scan events carry in place of the name. Throws a TypeError for any other ARN.
 */
export function ecrRepositoryName(nameOrArn: string): string {
  if (!nameOrArn.startsWith('arn:')) return nameOrArn;
  const name = REPOSITORY_ARN.exec(nameOrArn)?.[1];
  if (name === undefined) {
    throw new TypeError(
      `${JSON.stringify(nameOrArn)} is not an ECR repository ARN (expected arn:<partition>:ecr:<region>:<account>:repository/<name>)`,
    );
  }
  return name;
}

const SEVERITIES: ReadonlySet<string> = new Set<Severity>(ORDERED);

const isSeverity = (key: string): key is Severity => SEVERITIES.has(key);

/**
 * Counts keyed by the port's severities. Enhanced scanning also reports `UNTRIAGED` (Inspector has
 * not rated the finding yet), which is counted as `UNDEFINED`; zero counts and any other key are left out.
 */
export function severityCountsOf(
  counts: Record<string, number> | undefined,
): Partial<Record<Severity, number>> {
  const result: Partial<Record<Severity, number>> = {};
  for (const [key, count] of Object.entries(counts ?? {})) {
    const severity = key === 'UNTRIAGED' ? 'UNDEFINED' : key;
    if (!isSeverity(severity) || !(count > 0)) continue;
    result[severity] = (result[severity] ?? 0) + count;
  }
  return result;
}
