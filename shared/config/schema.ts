/**
 * The configuration document users write (YAML or JSON), its validation and the mapping to
 * `Config`. Structural rules live in the zod schema (and so in the exported JSON Schema); rules
 * that relate one part of the document to another run on the raw input, so that every problem is
 * reported at once, each as a `path: message` line. The schema's parts live in the `*-schema.ts`
 * modules beside this one; the names other code relies on are re-exported here.
 */
import { resolve } from 'node:path';
import { accountRoleIssues } from '#config/aws-access-schema.ts';
import { crossReferenceIssues } from '#config/cross-document-rules.ts';
import { configSchema } from '#config/document-schema.ts';
import { flowRuleIssues } from '#config/flow-rule-issues.ts';
import { formatPath, inDocumentOrder, isRecord, zodIssues } from '#config/issue-list.ts';
import { issueMessage } from '#config/issue-messages.ts';
import { mirrorIssues } from '#config/mirror-rules.ts';
import { notificationIssues } from '#config/notification-rules.ts';
import type { Config } from '#config/types.ts';
import { ConfigError } from '#domain/errors.ts';

export { type ConfigSchemaOutput, configSchema } from '#config/document-schema.ts';
export { formatPath } from '#config/issue-list.ts';
export { branchNameProblem, isEcrRepositoryName, isRepositoryPath } from '#config/value-rules.ts';

export interface ParseOptions {
  /**
   * Directory relative `local` repository paths are resolved against (the configuration file's).
   * Without it, such paths are an error: every path in a `Config` is absolute.
   */
  baseDirectory?: string;
}

/**
 * Validate a parsed YAML/JSON document and return the configuration with defaults applied.
 * Throws `ConfigError` listing every problem as a `path: message` line; `source` names where the
 * document came from (a file path, an SSM parameter).
 */
export function parseConfig(input: unknown, source: string, options: ParseOptions = {}): Config {
  if (input === undefined || input === null) {
    throw new ConfigError(source, [
      '(root): the configuration is empty; expected an object with repositories and images',
    ]);
  }
  const result = configSchema.safeParse(input, { error: issueMessage });
  const issues = [
    ...(result.success ? [] : zodIssues(result.error.issues)),
    ...(isRecord(input)
      ? [
          ...crossReferenceIssues(input, options.baseDirectory),
          ...flowRuleIssues(input.flow),
          ...mirrorIssues(input),
          ...notificationIssues(input),
          ...accountRoleIssues(input),
        ]
      : []),
  ];
  if (!result.success || issues.length > 0) {
    const lines = inDocumentOrder(input, issues).map(
      (issue) => `${formatPath(issue.path)}: ${issue.message}`,
    );
    throw new ConfigError(source, [...new Set(lines)]);
  }

  const config: Config = result.data;
  const { baseDirectory } = options;
  for (const repo of Object.values(config.repositories)) {
    if (repo.provider === 'local')
      repo.path = baseDirectory ? resolve(baseDirectory, repo.path) : resolve(repo.path);
  }
  return config;
}
