/**
 * Links a chat message can carry: AWS console pages of CodeCommit commits and pull requests (the
 * console host follows the region's partition) and GitLab commit and merge-request pages. Every
 * name is URL-encoded, so no value can leave its path segment.
 */

/** The AWS console host of `region`: China and GovCloud have their own. */
export function consoleHost(region: string): string {
  if (region.startsWith('cn-')) return `${region}.console.amazonaws.cn`;
  if (region.startsWith('us-gov-')) return `${region}.console.amazonaws-us-gov.com`;
  return `${region}.console.aws.amazon.com`;
}

const codecommitBase = (region: string, repository: string): string =>
  `https://${consoleHost(region)}/codesuite/codecommit/repositories/${encodeURIComponent(repository)}`;

export function codecommitCommitUrl(region: string, repository: string, commitId: string): string {
  return `${codecommitBase(region, repository)}/commit/${encodeURIComponent(commitId)}?region=${region}`;
}

export function codecommitPullRequestUrl(region: string, repository: string, pullRequestId: string): string {
  return `${codecommitBase(region, repository)}/pull-requests/${encodeURIComponent(pullRequestId)}/details?region=${region}`;
}

/** A GitLab project page; a numeric project id has no path to link to. */
function gitlabProjectUrl(url: string, project: string): string | undefined {
  if (/^\d+$/.test(project)) return undefined;
  const path = project.split('/').map(encodeURIComponent).join('/');
  return `${url.replace(/\/+$/, '')}/${path}`;
}

export function gitlabCommitUrl(url: string, project: string, commitId: string): string | undefined {
  const base = gitlabProjectUrl(url, project);
  return base && `${base}/-/commit/${encodeURIComponent(commitId)}`;
}
