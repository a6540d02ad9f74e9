import { setTimeout as sleep } from 'node:timers/promises';
import { fail } from './errors.ts';
import { GitCommandError, gitOnObjects } from './git.ts';
import {
  type Input,
  optionalBlob,
  optionalBoolean,
  optionalList,
  optionalString,
  optionalStructure,
} from './input.ts';
import { MAX_COMMIT_CONTENT_BYTES, MAX_FILE_BYTES, MAX_MESSAGE_BYTES } from './limits.ts';
import {
  FULL_COMMIT_ID,
  parentDirectories,
  requireBranchName,
  requirePath,
  requireRepositoryName,
} from './names.ts';
import type { OperationContext } from './operation-context.ts';
import {
  branchHead,
  compareAndSwapBranch,
  defaultBranch,
  hasBranches,
  objectType,
  resolveRef,
  setDefaultBranch,
  ZERO_COMMIT_ID,
} from './repositories.ts';
import {
  type CommitIdentity,
  FILE_MODES,
  type FileMode,
  fileMode,
  gitMode,
  listFiles,
  rememberWrittenCommit,
  type TreeEntry,
  treeOf,
  writeBlob,
  writeCommit,
  writeTree,
} from './trees.ts';

/** Not documented; the service only names the exceptions. */
const MAX_AUTHOR_NAME = 1024;
const MAX_EMAIL = 320;
/** The model says a default message is used when none is given; its wording is not documented. */
const DEFAULT_MESSAGE = 'Commit created through the CreateCommit API';
const KEEP_FILE = '.gitkeep';

interface PutChange {
  path: string;
  mode?: FileMode;
  content?: Buffer;
  source?: { path: string; isMove: boolean };
}

interface ModeChange {
  path: string;
  mode: FileMode;
}

interface Changes {
  puts: PutChange[];
  deletes: string[];
  modes: ModeChange[];
}

function readFileMode(entry: Input, member: string): FileMode | undefined {
  const mode = optionalString(entry, member);
  if (mode === undefined) return undefined;
  if (!FILE_MODES.includes(mode as FileMode)) {
    return fail('InvalidFileModeException', `The file mode '${mode}' is not valid.`);
  }
  return mode as FileMode;
}

function readChanges(input: Input): Changes {
  const putEntries = optionalList(input, 'putFiles');
  const deleteEntries = optionalList(input, 'deleteFiles');
  const modeEntries = optionalList(input, 'setFileModes');
  if (putEntries.length + deleteEntries.length + modeEntries.length === 0) {
    fail('FileEntryRequiredException', 'The commit specifies no file to put, delete or change.');
  }
  const puts = putEntries.map((entry): PutChange => {
    const path = requirePath(optionalString(entry, 'filePath'));
    const mode = readFileMode(entry, 'fileMode');
    const content = optionalBlob(entry, 'fileContent');
    const sourceEntry = optionalStructure(entry, 'sourceFile');
    if (content !== undefined && sourceEntry !== undefined) {
      fail(
        'FileContentAndSourceFileSpecifiedException',
        `Both content and a source file are given for ${path}.`,
      );
    }
    if (content === undefined && sourceEntry === undefined) {
      fail('SourceFileOrContentRequiredException', `Neither content nor a source file is given for ${path}.`);
    }
    const put: PutChange = { path, ...(mode === undefined ? {} : { mode }) };
    if (content !== undefined) return { ...put, content };
    const source = sourceEntry as Input;
    const sourcePath = requirePath(optionalString(source, 'filePath'));
    if (sourcePath.split('/').at(-1) === KEEP_FILE) {
      fail('RestrictedSourceFileException', `${sourcePath} cannot be copied or moved.`);
    }
    return { ...put, source: { path: sourcePath, isMove: optionalBoolean(source, 'isMove') ?? false } };
  });
  const deletes = deleteEntries.map((entry) => requirePath(optionalString(entry, 'filePath')));
  const modes = modeEntries.map((entry): ModeChange => {
    const path = requirePath(optionalString(entry, 'filePath'));
    const mode = readFileMode(entry, 'fileMode');
    if (mode === undefined) return fail('FileModeRequiredException', `No file mode is given for ${path}.`);
    return { path, mode };
  });
  checkPathsAreDistinct({ puts, deletes, modes });
  checkContentSizes(puts);
  return { puts, deletes, modes };
}

function checkPathsAreDistinct(changes: Changes): void {
  const touched = [
    ...changes.puts.map((put) => put.path),
    ...changes.puts.flatMap((put) => (put.source?.isMove ? [put.source.path] : [])),
    ...changes.deletes,
    ...changes.modes.map((change) => change.path),
  ];
  const seen = new Set<string>();
  for (const path of touched) {
    if (seen.has(path)) fail('SamePathRequestException', `More than one change targets ${path}.`);
    seen.add(path);
  }
  const putPaths = new Set(changes.puts.map((put) => put.path));
  for (const put of changes.puts) {
    const folder = parentDirectories(put.path).find((directory) => putPaths.has(directory));
    if (folder !== undefined) {
      fail(
        'PutFileEntryConflictException',
        `${folder} is put both as a file and as the folder of ${put.path}.`,
      );
    }
  }
}

function checkContentSizes(puts: PutChange[]): void {
  let total = 0;
  for (const put of puts) {
    const size = put.content?.length ?? 0;
    if (size > MAX_FILE_BYTES) {
      fail(
        'FileContentSizeLimitExceededException',
        `${put.path} is ${size} bytes; the limit is 6 MB per file.`,
      );
    }
    total += size;
  }
  if (total > MAX_COMMIT_CONTENT_BYTES) {
    fail('FileContentSizeLimitExceededException', `The commit carries ${total} bytes; the limit is 7 MB.`);
  }
}

function readIdentity(input: Input, callerName: string): { author: CommitIdentity; message: string } {
  const name = optionalString(input, 'authorName');
  const email = optionalString(input, 'email') ?? '';
  const message = optionalString(input, 'commitMessage') ?? DEFAULT_MESSAGE;
  if (name !== undefined && name.length > MAX_AUTHOR_NAME) {
    fail('NameLengthExceededException', 'The author name is too long.');
  }
  if (email.length > MAX_EMAIL || /[<>\n\0]/.test(email)) {
    fail('InvalidEmailException', `The email address '${email}' is not valid.`);
  }
  if (Buffer.byteLength(message, 'utf8') > MAX_MESSAGE_BYTES) {
    fail('CommitMessageLengthExceededException', 'The commit message is longer than 256 KB.');
  }
  // Without authorName the service records the caller (assumed for a blank name too, which git
  // refuses); the access key id stands in for the caller's identity here.
  return { author: { name: name?.trim() ? name : callerName, email }, message };
}

/**
 * Where the commit goes: its parent (undefined for the first commit of an empty repository).
 * Re-run after a lost compare-and-swap, so the loser gets the error the new state calls for.
 */
async function resolveParent(
  gitDir: string,
  branch: string,
  parentCommitId: string | undefined,
): Promise<string | undefined> {
  const head = await branchHead(gitDir, branch);
  if (head === undefined) {
    if ((await resolveRef(gitDir, `refs/tags/${branch}`)) !== undefined) {
      fail('BranchNameIsTagNameException', `${branch} is a tag, not a branch.`);
    }
    if (await hasBranches(gitDir)) fail('BranchDoesNotExistException', `Branch ${branch} does not exist.`);
    // An empty repository: the commit creates the branch, and no parent can exist yet.
    if (parentCommitId !== undefined && parentCommitId !== '') {
      checkParentFormat(parentCommitId);
      fail('ParentCommitDoesNotExistException', `Parent commit ${parentCommitId} does not exist.`);
    }
    return undefined;
  }
  if (parentCommitId === undefined || parentCommitId === '') {
    return fail('ParentCommitIdRequiredException', `A parent commit id is required to commit to ${branch}.`);
  }
  checkParentFormat(parentCommitId);
  if (
    (await objectType(gitDir, parentCommitId)) !== 'commit' ||
    !(await isAncestor(gitDir, parentCommitId, head))
  ) {
    // The model describes this error as "does not exist in the specified branch", so a commit that
    // exists elsewhere in the repository but not in the branch's history gets it too.
    fail('ParentCommitDoesNotExistException', `Parent commit ${parentCommitId} is not in branch ${branch}.`);
  }
  if (parentCommitId !== head) {
    fail('ParentCommitIdOutdatedException', `Parent commit ${parentCommitId} is not the tip of ${branch}.`);
  }
  return head;
}

function checkParentFormat(parentCommitId: string): void {
  if (!FULL_COMMIT_ID.test(parentCommitId)) {
    fail('InvalidParentCommitIdException', `The parent commit id '${parentCommitId}' is not valid.`);
  }
}

async function isAncestor(gitDir: string, ancestor: string, descendant: string): Promise<boolean> {
  if (ancestor === descendant) return true;
  try {
    await gitOnObjects(
      gitDir,
      [ancestor, descendant],
      ['merge-base', '--is-ancestor', ancestor, descendant],
      [1],
    );
    return true;
  } catch (error) {
    if (error instanceof GitCommandError) return false;
    throw error;
  }
}

/** The tree after the changes; throws the service's error for a change the tree does not allow. */
async function applyChanges(
  gitDir: string,
  before: ReadonlyMap<string, TreeEntry>,
  changes: Changes,
  keepEmptyFolders: boolean,
): Promise<Map<string, TreeEntry>> {
  const files = new Map(before);
  const existingFile = (path: string): TreeEntry => {
    const entry = before.get(path);
    if (entry?.type !== 'blob') return fail('FileDoesNotExistException', `${path} does not exist.`);
    return entry;
  };
  for (const path of changes.deletes) {
    existingFile(path);
    files.delete(path);
  }
  for (const put of changes.puts) {
    if (put.source?.isMove) {
      existingFile(put.source.path);
      files.delete(put.source.path);
    }
  }
  for (const change of changes.modes) {
    files.set(change.path, { ...existingFile(change.path), mode: gitMode(change.mode) });
  }
  const contents = new Map<string, Buffer>();
  for (const put of changes.puts) {
    checkPlacement(files, put.path);
    const source = put.source === undefined ? undefined : existingFile(put.source.path);
    // Without a mode an existing file keeps its own (a copy keeps its source's); this is assumed.
    const mode =
      put.mode === undefined ? ((files.get(put.path) ?? source)?.mode ?? '100644') : gitMode(put.mode);
    // A put with content gets its blob id below, once every change is known to be allowed.
    files.set(put.path, { mode, type: 'blob', objectId: source?.objectId ?? '' });
    if (put.content !== undefined) contents.set(put.path, put.content);
  }
  await Promise.all(
    [...contents].map(async ([path, content]) => {
      const entry = files.get(path) as TreeEntry;
      files.set(path, { ...entry, objectId: await writeBlob(gitDir, content) });
    }),
  );
  if (keepEmptyFolders) await keepVanishedFolders(gitDir, before, files);
  return files;
}

function checkPlacement(files: ReadonlyMap<string, TreeEntry>, path: string): void {
  for (const directory of parentDirectories(path)) {
    const entry = files.get(directory);
    if (entry?.type === 'commit') {
      fail('FilePathConflictsWithSubmodulePathException', `${directory} is a submodule.`);
    }
    if (entry !== undefined) {
      fail(
        'DirectoryNameConflictsWithFileNameException',
        `${path} needs a folder where file ${directory} is.`,
      );
    }
  }
  if (files.get(path)?.type === 'commit')
    fail('FilePathConflictsWithSubmodulePathException', `${path} is a submodule.`);
  const prefix = `${path}/`;
  for (const existing of files.keys()) {
    if (existing.startsWith(prefix)) {
      fail('FileNameConflictsWithDirectoryNameException', `${path} is the name of a folder.`);
    }
  }
}

const foldersOf = (files: ReadonlyMap<string, TreeEntry>): Set<string> =>
  new Set([...files.keys()].flatMap(parentDirectories));

/** keepEmptyFolders: a folder the deletions emptied keeps a `.gitkeep`, deepest folders first. */
async function keepVanishedFolders(
  gitDir: string,
  before: ReadonlyMap<string, TreeEntry>,
  files: Map<string, TreeEntry>,
): Promise<void> {
  const vanished = [...foldersOf(before)].sort((a, b) => b.split('/').length - a.split('/').length);
  let emptyBlob: string | undefined;
  for (const folder of vanished) {
    if (foldersOf(files).has(folder)) continue;
    emptyBlob ??= await writeBlob(gitDir, Buffer.alloc(0));
    files.set(`${folder}/${KEEP_FILE}`, { mode: '100644', type: 'blob', objectId: emptyBlob });
  }
}

interface FileMetadata {
  absolutePath: string;
  blobId: string;
  fileMode: FileMode;
}

function describeChanges(before: ReadonlyMap<string, TreeEntry>, after: ReadonlyMap<string, TreeEntry>) {
  const metadata = (path: string, entry: TreeEntry): FileMetadata => ({
    absolutePath: path,
    blobId: entry.objectId,
    fileMode: fileMode(entry.mode),
  });
  const filesAdded: FileMetadata[] = [];
  const filesUpdated: FileMetadata[] = [];
  const filesDeleted: FileMetadata[] = [];
  for (const [path, entry] of after) {
    const old = before.get(path);
    if (old === undefined) filesAdded.push(metadata(path, entry));
    else if (old.objectId !== entry.objectId || old.mode !== entry.mode)
      filesUpdated.push(metadata(path, entry));
  }
  for (const [path, entry] of before) {
    if (!after.has(path)) filesDeleted.push(metadata(path, entry));
  }
  return { filesAdded, filesUpdated, filesDeleted };
}

const CAS_ATTEMPTS = 5;

export async function createCommit(
  context: OperationContext,
  input: Input,
): Promise<Record<string, unknown>> {
  const repository = context.store.get(requireRepositoryName(optionalString(input, 'repositoryName')));
  const branch = await requireBranchName(optionalString(input, 'branchName'));
  const changes = readChanges(input);
  const { author, message } = readIdentity(input, context.callerName);
  const keepEmptyFolders = optionalBoolean(input, 'keepEmptyFolders') ?? false;
  const parentCommitId = optionalString(input, 'parentCommitId');
  await context.beforeCreateCommit(repository.name, branch);

  const { gitDir } = repository;
  const parentId = await resolveParent(gitDir, branch, parentCommitId);
  const before = parentId === undefined ? new Map<string, TreeEntry>() : await listFiles(gitDir, parentId);
  const after = await applyChanges(gitDir, before, changes, keepEmptyFolders);
  const treeId = await writeTree(gitDir, after, context.scratchDir);
  if (parentId !== undefined && treeId === (await treeOf(gitDir, parentId))) {
    fail('NoChangeException', 'The commit would not change anything.');
  }
  const commitId = await writeCommit(gitDir, { treeId, parentId, message, author });
  rememberWrittenCommit(gitDir, commitId, treeId, after);
  for (let attempt = 1; ; attempt++) {
    if (await compareAndSwapBranch(gitDir, branch, commitId, parentId ?? ZERO_COMMIT_ID)) break;
    // Lost the race: answer as the service would for the branch as it is now.
    await resolveParent(gitDir, branch, parentCommitId);
    if (attempt === CAS_ATTEMPTS) fail('InternalFailure', `Could not update ${branch}.`, 500);
    await sleep(10 * attempt);
  }
  if (parentId === undefined && (await defaultBranch(gitDir)) === undefined) {
    await setDefaultBranch(gitDir, branch);
  }
  return { commitId, treeId, ...describeChanges(before, after) };
}
