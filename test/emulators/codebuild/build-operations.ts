import { fail } from '../codecommit/errors.ts';
import { optionalString } from '../codecommit/input.ts';
import { BATCH_LIMIT, SORT_ORDERS } from './enums.ts';
import type { Operation } from './operation-context.ts';
import { invalidInput, optionalEnum, requiredString, stringList } from './validation.ts';
import { buildOutput } from './wire.ts';

/** Builds in the order asked for; unknown ids are listed in `buildsNotFound`. */
export const batchGetBuilds: Operation = ({ store }, input) => {
  const ids = [...new Set(stringList(input, 'ids', { min: 1, max: BATCH_LIMIT }))];
  const builds: Record<string, unknown>[] = [];
  const buildsNotFound: string[] = [];
  for (const id of ids) {
    const build = store.build(id);
    if (build === undefined) buildsNotFound.push(id);
    else builds.push(buildOutput(build));
  }
  return { builds, buildsNotFound };
};

export const stopBuild: Operation = ({ store }, input) => {
  const id = requiredString(input, 'id');
  const build = store.build(id) ?? fail('ResourceNotFoundException', `Build cannot be found: ${id}`);
  if (build.complete) invalidInput(`Build ${id} has already completed with status ${build.status}.`);
  store.finish(build, 'STOPPED');
  return { build: buildOutput(build) };
};

interface PageToken {
  project: string;
  sortOrder: string;
  /** The build number the previous page ended on. */
  after: number;
}

const encodeToken = (token: PageToken): string => Buffer.from(JSON.stringify(token)).toString('base64url');

function decodeToken(text: string, project: string, sortOrder: string): PageToken {
  try {
    const token = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as PageToken;
    if (token.project === project && token.sortOrder === sortOrder && Number.isInteger(token.after))
      return token;
  } catch {
    // Falls through to the error below.
  }
  return invalidInput('Invalid nextToken.');
}

/**
 * Build ids of one project, newest first unless `sortOrder` is ASCENDING, a page at a time. A page
 * token names the build number it stopped at, so builds started meanwhile do not shift the pages.
 */
export const listBuildsForProject: Operation = ({ store }, input) => {
  const project = store.requireProject(requiredString(input, 'projectName'));
  const sortOrder = optionalEnum(input, 'sortOrder', SORT_ORDERS) ?? 'DESCENDING';
  const nextToken = optionalString(input, 'nextToken');
  const after = nextToken === undefined ? undefined : decodeToken(nextToken, project.name, sortOrder).after;
  const ascending = sortOrder === 'ASCENDING';
  const builds = store
    .builds()
    .filter((build) => build.projectName === project.name)
    .filter(
      (build) => after === undefined || (ascending ? build.buildNumber > after : build.buildNumber < after),
    )
    .sort((a, b) => (ascending ? a.buildNumber - b.buildNumber : b.buildNumber - a.buildNumber));
  const page = builds.slice(0, store.pageSize);
  const last = page.at(-1);
  return {
    ids: page.map((build) => build.id),
    ...(builds.length > page.length && last !== undefined
      ? { nextToken: encodeToken({ project: project.name, sortOrder, after: last.buildNumber }) }
      : {}),
  };
};
