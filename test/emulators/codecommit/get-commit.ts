import { fail } from './errors.ts';
import { git } from './git.ts';
import { type Input, optionalString } from './input.ts';
import { FULL_COMMIT_ID, requireRepositoryName } from './names.ts';
import type { OperationContext } from './operation-context.ts';
import { objectType } from './repositories.ts';

interface UserInfo {
  name: string;
  email: string;
  /** git's own form: `<epoch seconds> <±hhmm>`, as the API reference example shows. */
  date: string;
}

const IDENTITY = /^(.*) <([^>]*)> (\d+ [+-]\d{4})$/;

function userInfo(line: string | undefined): UserInfo | undefined {
  const match = line === undefined ? null : IDENTITY.exec(line);
  if (match === null) return undefined;
  return { name: match[1] as string, email: match[2] as string, date: match[3] as string };
}

/**
 * The raw commit object: headers up to the first empty line (continuation lines of multi-line
 * headers such as `gpgsig` start with a space and are skipped), then the message as stored,
 * trailing newline included (the API reference example keeps it).
 */
function parseCommitObject(raw: string): {
  treeId: string;
  parents: string[];
  author?: UserInfo;
  committer?: UserInfo;
  message: string;
} {
  const end = raw.indexOf('\n\n');
  const headerText = end === -1 ? raw : raw.slice(0, end);
  const message = end === -1 ? '' : raw.slice(end + 2);
  let treeId = '';
  const parents: string[] = [];
  let author: UserInfo | undefined;
  let committer: UserInfo | undefined;
  for (const line of headerText.split('\n')) {
    if (line.startsWith(' ')) continue;
    const space = line.indexOf(' ');
    const key = line.slice(0, space);
    const value = line.slice(space + 1);
    if (key === 'tree') treeId = value;
    else if (key === 'parent') parents.push(value);
    else if (key === 'author') author = userInfo(value);
    else if (key === 'committer') committer = userInfo(value);
  }
  return {
    treeId,
    parents,
    ...(author === undefined ? {} : { author }),
    ...(committer === undefined ? {} : { committer }),
    message,
  };
}

/**
 * GetCommit takes a full commit id only ("Commit IDs are the full SHA ID of the commit"): anything
 * else is `InvalidCommitIdException`; a well-formed id that names no commit (nothing, or a tree or
 * blob) is `CommitIdDoesNotExistException`. `additionalData` is empty, as in the documented example.
 */
export async function getCommit(context: OperationContext, input: Input): Promise<Record<string, unknown>> {
  const repository = context.store.get(requireRepositoryName(optionalString(input, 'repositoryName')));
  const commitId = optionalString(input, 'commitId');
  if (commitId === undefined || commitId === '') {
    return fail('CommitIdRequiredException', 'A commit ID is required.');
  }
  if (!FULL_COMMIT_ID.test(commitId)) {
    return fail('InvalidCommitIdException', `The commit ID '${commitId}' is not valid.`);
  }
  if ((await objectType(repository.gitDir, commitId)) !== 'commit') {
    return fail('CommitIdDoesNotExistException', `Commit ${commitId} does not exist.`);
  }
  const raw = (await git(repository.gitDir, ['cat-file', 'commit', commitId])).toString('utf8');
  const { treeId, parents, author, committer, message } = parseCommitObject(raw);
  return {
    commit: {
      commitId,
      treeId,
      parents,
      message,
      ...(author === undefined ? {} : { author }),
      ...(committer === undefined ? {} : { committer }),
      additionalData: '',
    },
  };
}
