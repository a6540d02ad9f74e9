import { posix } from 'node:path';
import { isValidRefName } from '../codecommit/names.ts';
import { commitDirectly } from '../codecommit/seed.ts';
import { listFiles, type TreeEntry, writeBlob, writeTree } from '../codecommit/trees.ts';
import type { Handler, RequestContext } from './context.ts';
import { commitDetailEntity } from './entities.ts';
import { apiError, badRequest } from './errors.ts';
import { type Input, optionalBoolean } from './input.ts';
import {
  branchHead,
  compareAndSwapRef,
  defaultBranch,
  diffStats,
  EMPTY_TREE,
  lastCommitFor,
  readCommit,
  resolveCommit,
  setDefaultBranch,
  writeCommit,
  ZERO_ID,
} from './repository.ts';

const ACTIONS = ['create', 'update', 'move', 'delete', 'chmod'] as const;
type ActionName = (typeof ACTIONS)[number];
/** Actions whose `last_commit_id` is checked (`Files::MultiService::UPDATE_FILE_ACTIONS`). */
const CHECKED_ACTIONS: readonly ActionName[] = ['update', 'move', 'delete', 'chmod'];

interface Action {
  action: ActionName;
  filePath: string;
  previousPath?: string;
  content?: string;
  encoding: 'text' | 'base64';
  lastCommitId?: string;
  executeFilemode?: boolean;
}

interface CommitRequest {
  branch: string;
  message: string;
  actions: Action[];
  startBranch?: string;
  startSha?: string;
  authorName?: string;
  authorEmail?: string;
  stats: boolean;
  force: boolean;
}

/** A string parameter; anything else is the API's "must be a string" refusal. */
function stringAttribute(record: Input, name: string, prefix = ''): string | undefined {
  const value = record[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw badRequest(`${prefix}${prefix ? `[${name}]` : name} must be a string`);
  return value;
}

function parseAction(raw: unknown, index: number): Action {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw badRequest(`actions[${index}] must be a hash`);
  }
  const record = raw as Input;
  const prefix = `actions[${index}]`;
  const filePath = stringAttribute(record, 'file_path', prefix);
  const previousPath = stringAttribute(record, 'previous_path', prefix);
  const lastCommitId = stringAttribute(record, 'last_commit_id', prefix);
  const action = record.action;
  if (action === undefined || action === null || action === '')
    throw badRequest(`${prefix}[action] is required`);
  if (filePath === undefined || filePath.trim() === '') throw badRequest(`${prefix}[file_path] is required`);
  if (!(ACTIONS as readonly unknown[]).includes(action)) {
    throw badRequest(`${prefix}[action] must be one of: ${ACTIONS.join(', ')}`);
  }
  const encoding = record.encoding ?? 'text';
  if (encoding !== 'text' && encoding !== 'base64')
    throw badRequest(`${prefix}[encoding] must be text or base64`);
  const content = record.content;
  if (action === 'update' && !('content' in record)) {
    throw badRequest(`${prefix}[content] is required for update action`);
  }
  if (action === 'move' && (previousPath === undefined || previousPath.trim() === '')) {
    throw badRequest(`${prefix}[previous_path] is required for move action`);
  }
  let executeFilemode: boolean | undefined;
  if (action === 'chmod') {
    if (!('execute_filemode' in record))
      throw badRequest(`${prefix}[execute_filemode] is required for chmod action`);
    const mode = record.execute_filemode;
    if (mode !== true && mode !== false && mode !== 'true' && mode !== 'false') {
      throw badRequest(`${prefix}[execute_filemode] must be a boolean`);
    }
    executeFilemode = mode === true || mode === 'true';
  }
  return {
    action: action as ActionName,
    filePath,
    ...(previousPath === undefined ? {} : { previousPath }),
    ...(content === undefined || content === null ? {} : { content: String(content) }),
    encoding,
    ...(lastCommitId === undefined ? {} : { lastCommitId }),
    ...(executeFilemode === undefined ? {} : { executeFilemode }),
  };
}

/** The API's own checks (`validate_commits_attrs!`), in its order. */
function parseRequest(input: Input): CommitRequest {
  const branch = stringAttribute(input, 'branch');
  const message = stringAttribute(input, 'commit_message');
  const startBranch = stringAttribute(input, 'start_branch');
  const startSha = stringAttribute(input, 'start_sha');
  const authorName = stringAttribute(input, 'author_name');
  const authorEmail = stringAttribute(input, 'author_email');
  if (branch === undefined || branch.trim() === '') throw badRequest('branch is required');
  if (message === undefined || message.trim() === '') throw badRequest('commit_message is required');
  let rawActions = input.actions;
  if (
    rawActions === undefined ||
    rawActions === null ||
    (Array.isArray(rawActions) && rawActions.length === 0)
  ) {
    if (optionalBoolean(input, 'allow_empty') !== true) {
      throw badRequest('Provide at least one action, or set allow_empty to true');
    }
    rawActions = [];
  }
  if (!Array.isArray(rawActions)) throw badRequest('actions must be an array');
  if ('start_sha' in input && 'start_branch' in input) {
    throw badRequest('start_branch, start_sha are mutually exclusive');
  }
  return {
    branch,
    message,
    actions: rawActions.map(parseAction),
    ...(startBranch === undefined ? {} : { startBranch }),
    ...(startSha === undefined ? {} : { startSha }),
    ...(authorName === undefined || authorName === '' ? {} : { authorName }),
    ...(authorEmail === undefined || authorEmail === '' ? {} : { authorEmail }),
    stats: optionalBoolean(input, 'stats') !== false,
    force: optionalBoolean(input, 'force') === true,
  };
}

const COMMIT_ID = /^[0-9a-fA-F]{40}$/;

/** Gitaly cleans paths; one that leaves the repository, or names nothing, is refused. */
function cleanPath(path: string): string {
  const cleaned = posix.normalize(path.replace(/^\/+/, '')).replace(/\/+$/, '');
  if (cleaned === '..' || cleaned.startsWith('../'))
    throw apiError(400, 'Path cannot include directory traversal');
  if (cleaned === '' || cleaned === '.') throw apiError(400, 'You must provide a file path');
  return cleaned;
}

const fileExists = (files: Map<string, TreeEntry>, path: string): boolean => files.has(path);

const directoryExists = (files: Map<string, TreeEntry>, path: string): boolean =>
  [...files.keys()].some((existing) => existing.startsWith(`${path}/`));

/** A parent directory of `path` that is a file makes `path` impossible. */
const blockedByFile = (files: Map<string, TreeEntry>, path: string): boolean =>
  path
    .split('/')
    .slice(0, -1)
    .some((_, index, parts) => files.has(parts.slice(0, index + 1).join('/')));

function requireExisting(files: Map<string, TreeEntry>, path: string): TreeEntry {
  const entry = files.get(path);
  if (entry === undefined) throw apiError(400, "A file with this name doesn't exist");
  return entry;
}

function requireFree(files: Map<string, TreeEntry>, path: string): void {
  if (fileExists(files, path) || blockedByFile(files, path))
    throw apiError(400, 'A file with this name already exists');
  if (directoryExists(files, path)) throw apiError(400, 'A directory with this name already exists');
}

const decode = (action: Action): Buffer =>
  Buffer.from(action.content ?? '', action.encoding === 'base64' ? 'base64' : 'utf8');

/** Applies the actions in order to the base commit's files; any refusal leaves the repository untouched. */
async function applyActions(
  gitDir: string,
  base: string | undefined,
  actions: Action[],
): Promise<Map<string, TreeEntry>> {
  const files = base === undefined ? new Map<string, TreeEntry>() : await listFiles(gitDir, base);
  for (const action of actions) {
    const path = cleanPath(action.filePath);
    if (action.action === 'create') {
      requireFree(files, path);
      files.set(path, { mode: '100644', type: 'blob', objectId: await writeBlob(gitDir, decode(action)) });
    } else if (action.action === 'update') {
      const entry = requireExisting(files, path);
      files.set(path, { ...entry, type: 'blob', objectId: await writeBlob(gitDir, decode(action)) });
    } else if (action.action === 'delete') {
      requireExisting(files, path);
      files.delete(path);
    } else if (action.action === 'chmod') {
      const entry = requireExisting(files, path);
      files.set(path, { ...entry, mode: action.executeFilemode ? '100755' : '100644' });
    } else {
      const previous = cleanPath(action.previousPath ?? '');
      const entry = requireExisting(files, previous);
      files.delete(previous);
      requireFree(files, path);
      // Without content a move keeps the file's content; with content it replaces it.
      const objectId =
        action.content === undefined ? entry.objectId : await writeBlob(gitDir, decode(action));
      files.set(path, { ...entry, objectId });
    }
  }
  return files;
}

/** `Files::BaseService#file_has_changed?`: the file's last commit on the start ref against the given one's. */
async function checkFileStatus(gitDir: string, base: string | undefined, action: Action): Promise<void> {
  if (!CHECKED_ACTIONS.includes(action.action) || action.lastCommitId === undefined || base === undefined)
    return;
  const path = action.previousPath ?? action.filePath;
  const lastOnStart = await lastCommitFor(gitDir, base, path);
  if (lastOnStart === undefined) return;
  const given = await resolveCommit(gitDir, action.lastCommitId);
  const lastOnGiven = given === undefined ? undefined : await lastCommitFor(gitDir, given, path);
  if (lastOnGiven !== undefined && lastOnGiven !== lastOnStart) {
    throw apiError(400, `The file has changed since you started editing it: ${path}`);
  }
}

/** Numbers the other writer's commits so each one changes its file. */
let concurrentChanges = 0;

async function moveBranchIfAsked(context: RequestContext, branch: string): Promise<void> {
  const move = context.state.faults.takeBranchMove(context.project, branch);
  const { gitDir } = context.project;
  if (move === undefined || (await branchHead(gitDir, branch)) === undefined) return;
  concurrentChanges += 1;
  await commitDirectly(gitDir, context.state.scratchDir, {
    branch,
    files: {
      [move.path ?? 'CONCURRENT_CHANGE.md']: move.content ?? `concurrent change ${concurrentChanges}\n`,
    },
    inheritFiles: true,
    message: `Concurrent change ${concurrentChanges}`,
    author: { name: 'Concurrent Writer', email: 'concurrent@example.com' },
  });
}

/**
 * `Commits::CreateService#validate!`: where the commit starts, and whether the target branch may be
 * written. A start other than the branch itself (another branch, or `start_sha`) is for creating the
 * branch, or for overwriting it with `force`.
 */
async function startOf(gitDir: string, request: CommitRequest): Promise<string | undefined> {
  const empty = (await defaultBranch(gitDir)) === undefined;
  const startBranch = request.startBranch ?? (request.startSha === undefined ? request.branch : undefined);
  if (request.startSha !== undefined) {
    if (!COMMIT_ID.test(request.startSha)) throw apiError(400, `Invalid start_sha '${request.startSha}'`);
    if ((await resolveCommit(gitDir, request.startSha)) === undefined) {
      throw apiError(400, `Cannot find start_sha '${request.startSha}'`);
    }
  }
  if (startBranch !== undefined && !empty && (await branchHead(gitDir, startBranch)) === undefined) {
    throw apiError(400, 'You can only create or edit files when you are on a branch');
  }
  const differentBranch = startBranch !== request.branch || request.startSha !== undefined;
  const targetExists = (await branchHead(gitDir, request.branch)) !== undefined;
  if (!empty && differentBranch && targetExists && !request.force) {
    throw apiError(
      400,
      `A branch called '${request.branch}' already exists. Switch to that branch in order to make changes`,
    );
  }
  if (differentBranch && !targetExists && !(await isValidRefName(`refs/heads/${request.branch}`))) {
    throw apiError(
      400,
      `Something went wrong when we tried to create '${request.branch}' for you: Branch name is invalid`,
    );
  }
  if (request.startSha !== undefined) return (await resolveCommit(gitDir, request.startSha)) as string;
  return startBranch === undefined ? undefined : branchHead(gitDir, startBranch);
}

/** `POST /projects/:id/repository/commits`: all actions in one commit, or none. */
export const createCommit: Handler = (context) =>
  context.project.exclusive(async () => {
    const request = parseRequest(context.input);
    const { gitDir } = context.project;
    await moveBranchIfAsked(context, request.branch);
    const base = await startOf(gitDir, request);
    for (const action of request.actions) await checkFileStatus(gitDir, base, action);
    const files = await applyActions(gitDir, base, request.actions);
    const tree = await writeTree(gitDir, files, context.state.scratchDir);
    const { user } = context;
    const commitId = await writeCommit(gitDir, {
      tree,
      parents: base === undefined ? [] : [base],
      message: request.message,
      author: { name: request.authorName ?? user.name, email: request.authorEmail ?? user.email },
      committer: { name: user.name, email: user.email },
    });
    const ref = `refs/heads/${request.branch}`;
    const current = await branchHead(gitDir, request.branch);
    // Without force the branch must still be where the commit started (or not exist yet).
    const expected = request.force ? (current ?? ZERO_ID) : current === undefined ? ZERO_ID : base;
    if (expected === undefined || !(await compareAndSwapRef(gitDir, ref, commitId, expected))) {
      throw apiError(400, `Could not update ${ref}. Please refresh and try again.`);
    }
    if ((await defaultBranch(gitDir)) === undefined) await setDefaultBranch(gitDir, request.branch);
    const commit = await readCommit(gitDir, commitId);
    return {
      status: 201,
      body: commitDetailEntity(commit, context.project, context.state.baseUrl, {
        ...(request.stats ? { stats: await diffStats(gitDir, base ?? EMPTY_TREE, commitId) } : {}),
        status: null,
        lastPipeline: null,
      }),
    };
  });
