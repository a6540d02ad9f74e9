import {
  type CodeCommitClient,
  CreateCommitCommand,
  GetBranchCommand,
  GetDifferencesCommand,
  type GetDifferencesCommandOutput,
  GetFileCommand,
  type GetFileCommandOutput,
  GetFolderCommand,
  type GetFolderCommandOutput,
} from '@aws-sdk/client-codecommit';
import {
  type CommitRequest,
  type CommitResult,
  type FileAtCommit,
  type FileChange,
  type FolderListing,
  type GitHost,
  GitHostError,
  type GitHostErrorCode,
} from '#app/ports/git-host.ts';
import { type CodeCommitClientOptions, codeCommitClient, serviceErrorName as errorName } from './client.ts';

export interface CodeCommitGitHostOptions extends CodeCommitClientOptions {
  repositoryName: string;
}

/** CodeCommit's API limits: 6 MB per file, 7 MB of file content per commit. */
export const MAX_FILE_BYTES = 6 * 1024 * 1024;
export const MAX_COMMIT_BYTES = 7 * 1024 * 1024;

/** How many GetFolder calls one listing keeps in flight. */
const FOLDER_CONCURRENCY = 8;

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * CodeCommit through its API. A read is one GetFile (content and the commit it was read at); a
 * commit is one CreateCommit whose `parentCommitId` makes the branch update a compare-and-swap.
 * Throttling and 5xx answers are retried by the SDK; other service errors the port does not name
 * propagate unchanged.
 */
export function createCodeCommitGitHost(options: CodeCommitGitHostOptions): GitHost {
  const { repositoryName } = options;
  const client = (): CodeCommitClient => codeCommitClient(options);
  const where = (branch: string, path?: string): string =>
    `CodeCommit repository ${repositoryName}, branch ${branch}${path === undefined ? '' : `, path ${path}`}`;

  const hostError = (code: GitHostErrorCode, message: string, cause: unknown): GitHostError =>
    new GitHostError(code, message, { cause });

  /** The head commit of `branch`; `BranchNotFound` when there is none. */
  async function branchHeadOf(branch: string, place: string): Promise<string> {
    try {
      const output = await client().send(new GetBranchCommand({ repositoryName, branchName: branch }));
      const head = output.branch?.commitId;
      if (head === undefined) throw new Error(`${place}: GetBranch answered without commit id`);
      return head;
    } catch (error) {
      switch (errorName(error)) {
        case 'BranchDoesNotExistException':
        case 'InvalidBranchNameException':
          throw hostError('BranchNotFound', `${place}: the branch does not exist`, error);
        case 'RepositoryDoesNotExistException':
          throw hostError('RepositoryNotFound', `${place}: the repository does not exist`, error);
        default:
          throw error;
      }
    }
  }

  return {
    description: `codecommit:${repositoryName}`,

    async readFile(branch: string, path: string, at?: string): Promise<FileAtCommit> {
      const place = `${where(branch, path)}${at === undefined ? '' : ` at commit ${at}`}`;
      let output: GetFileCommandOutput;
      try {
        output = await client().send(
          new GetFileCommand({ repositoryName, commitSpecifier: at ?? branch, filePath: path }),
        );
      } catch (error) {
        switch (errorName(error)) {
          case 'RepositoryDoesNotExistException':
            throw hostError('RepositoryNotFound', `${place}: the repository does not exist`, error);
          case 'FileDoesNotExistException':
            throw hostError('FileNotFound', `${place}: the file does not exist`, error);
          case 'CommitDoesNotExistException':
            // Read by branch, a missing commit means the branch is missing; a missing `at` commit is
            // not a state the port names, so it propagates.
            if (at === undefined)
              throw hostError('BranchNotFound', `${place}: the branch does not exist`, error);
            throw error;
          case 'FileTooLargeException':
            throw hostError(
              'FileTooLarge',
              `${place}: the file is larger than GetFile returns (6 MB)`,
              error,
            );
          case 'InvalidPathException':
          case 'PathRequiredException':
            throw hostError('InvalidPath', `${place}: the path is not valid`, error);
          default:
            throw error;
        }
      }
      if (output.fileMode === 'SYMLINK') {
        throw new GitHostError('InvalidPath', `${place}: the path is a symbolic link, not a file`);
      }
      if (output.fileContent === undefined || output.commitId === undefined) {
        throw new Error(`${place}: GetFile answered without content or commit id`);
      }
      let content: string;
      try {
        content = utf8.decode(output.fileContent);
      } catch (error) {
        throw new GitHostError('NotText', `${place}: the file is not valid UTF-8 text and cannot be edited`, {
          cause: error,
        });
      }
      return { content, commitId: output.commitId };
    },

    async commit(request: CommitRequest): Promise<CommitResult> {
      const { branch } = request;
      if (request.changes.length === 0) return { status: 'unchanged' };
      const written = request.changes.filter(
        (change): change is Extract<FileChange, { content: string }> => !('delete' in change),
      );
      const putFiles = written.map((change) => ({
        filePath: change.path,
        fileContent: Buffer.from(change.content, 'utf8'),
      }));
      const deleteFiles = request.changes
        .filter((change) => 'delete' in change)
        .map((change) => ({ filePath: change.path }));
      checkSizes(putFiles, (path) => where(branch, path), where(branch));
      try {
        const output = await client().send(
          new CreateCommitCommand({
            repositoryName,
            branchName: branch,
            parentCommitId: request.parentCommitId,
            authorName: request.author.name,
            email: request.author.email,
            commitMessage: request.message,
            ...(putFiles.length === 0 ? {} : { putFiles }),
            ...(deleteFiles.length === 0 ? {} : { deleteFiles }),
          }),
        );
        if (output.commitId === undefined)
          throw new Error(`${where(branch)}: CreateCommit answered without commit id`);
        return { status: 'committed', commitId: output.commitId };
      } catch (error) {
        const paths = request.changes.map((change) => change.path).join(', ');
        switch (errorName(error)) {
          case 'ParentCommitIdOutdatedException':
          // The parent is no longer in the branch's history (history rewritten): re-read and re-plan.
          case 'ParentCommitDoesNotExistException':
            return { status: 'conflict' };
          case 'NoChangeException':
            return { status: 'unchanged' };
          case 'RepositoryDoesNotExistException':
            throw hostError('RepositoryNotFound', `${where(branch)}: the repository does not exist`, error);
          case 'BranchDoesNotExistException':
            throw hostError('BranchNotFound', `${where(branch)}: the branch does not exist`, error);
          case 'FileDoesNotExistException':
            throw hostError(
              'FileNotFound',
              `${where(branch)}: a file of the commit does not exist (${paths})`,
              error,
            );
          case 'FileContentSizeLimitExceededException':
          case 'FolderContentSizeLimitExceededException':
            throw hostError(
              'CommitTooLarge',
              `${where(branch)}: CodeCommit refused the size of ${paths}`,
              error,
            );
          case 'InvalidPathException':
          case 'PathRequiredException':
          case 'FileNameConflictsWithDirectoryNameException':
          case 'DirectoryNameConflictsWithFileNameException':
          case 'FilePathConflictsWithSubmodulePathException':
            throw hostError('InvalidPath', `${where(branch)}: CodeCommit refused a path of ${paths}`, error);
          default:
            throw error;
        }
      }
    },

    async listFiles(branch: string, folder: string, at?: string): Promise<FolderListing> {
      const root = folder.replace(/^\/+|\/+$/g, '');
      const place = `${where(branch, root === '' ? '/' : root)}${at === undefined ? '' : ` at commit ${at}`}`;
      const getFolder = async (
        folderPath: string,
        commitSpecifier: string,
      ): Promise<GetFolderCommandOutput> => {
        try {
          return await client().send(new GetFolderCommand({ repositoryName, folderPath, commitSpecifier }));
        } catch (error) {
          switch (errorName(error)) {
            case 'RepositoryDoesNotExistException':
              throw hostError('RepositoryNotFound', `${place}: the repository does not exist`, error);
            case 'CommitDoesNotExistException':
            case 'InvalidCommitException':
              if (at === undefined)
                throw hostError('BranchNotFound', `${place}: the branch does not exist`, error);
              throw hostError('CommitNotFound', `${place}: the commit does not exist`, error);
            case 'InvalidPathException':
              throw hostError('InvalidPath', `${place}: the folder path is not valid`, error);
            default:
              throw error;
          }
        }
      };
      let first: GetFolderCommandOutput;
      try {
        first = await getFolder(root === '' ? '/' : root, at ?? branch);
      } catch (error) {
        if (errorName(error) !== 'FolderDoesNotExistException') throw error;
        return { commitId: at ?? (await branchHeadOf(branch, place)), files: [] };
      }
      const commitId = first.commitId;
      if (commitId === undefined) throw new Error(`${place}: GetFolder answered without commit id`);
      const files: string[] = [];
      const pending: string[] = [];
      const take = (output: GetFolderCommandOutput): void => {
        for (const file of output.files ?? []) {
          if (file.absolutePath !== undefined) files.push(file.absolutePath.replace(/^\//, ''));
        }
        for (const sub of output.subFolders ?? []) {
          if (sub.absolutePath !== undefined) pending.push(sub.absolutePath.replace(/^\//, ''));
        }
      };
      take(first);
      // Breadth first, a bounded number of GetFolder calls at a time, all at the commit listed first.
      const worker = async (): Promise<void> => {
        for (let next = pending.shift(); next !== undefined; next = pending.shift()) {
          try {
            take(await getFolder(next, commitId));
          } catch (error) {
            // Listed a moment ago at this very commit: a folder cannot vanish from it.
            throw errorName(error) === 'FolderDoesNotExistException'
              ? new Error(`${place}: GetFolder lost folder ${next} at commit ${commitId}`, { cause: error })
              : error;
          }
        }
      };
      while (pending.length > 0) {
        await Promise.all(Array.from({ length: Math.min(FOLDER_CONCURRENCY, pending.length) }, worker));
      }
      return { commitId, files: files.sort() };
    },

    async changedFiles(fromCommit: string, toCommit: string): Promise<string[]> {
      const place = `CodeCommit repository ${repositoryName}, commits ${fromCommit}..${toCommit}`;
      const paths = new Set<string>();
      let nextToken: string | undefined;
      do {
        let output: GetDifferencesCommandOutput;
        try {
          output = await client().send(
            new GetDifferencesCommand({
              repositoryName,
              beforeCommitSpecifier: fromCommit,
              afterCommitSpecifier: toCommit,
              NextToken: nextToken,
            }),
          );
        } catch (error) {
          switch (errorName(error)) {
            case 'RepositoryDoesNotExistException':
              throw hostError('RepositoryNotFound', `${place}: the repository does not exist`, error);
            case 'CommitDoesNotExistException':
            // A specifier that cannot name a commit (a tree id, a malformed name) names no commit either.
            case 'InvalidCommitException':
            case 'InvalidCommitIdException':
              throw hostError('CommitNotFound', `${place}: a commit does not exist`, error);
            default:
              throw error;
          }
        }
        for (const difference of output.differences ?? []) {
          if (difference.beforeBlob?.path !== undefined) paths.add(difference.beforeBlob.path);
          if (difference.afterBlob?.path !== undefined) paths.add(difference.afterBlob.path);
        }
        nextToken = output.NextToken;
      } while (nextToken !== undefined && nextToken !== '');
      return [...paths].sort();
    },
  };
}

/** The API limits, checked before calling so an oversized change costs no request. */
function checkSizes(
  files: ReadonlyArray<{ filePath: string; fileContent: Buffer }>,
  placeOf: (path: string) => string,
  place: string,
): void {
  let total = 0;
  for (const { filePath, fileContent } of files) {
    if (fileContent.length > MAX_FILE_BYTES) {
      throw new GitHostError(
        'FileTooLarge',
        `${placeOf(filePath)}: the new content is ${fileContent.length} bytes; CodeCommit accepts at most ${MAX_FILE_BYTES} bytes (6 MB) per file`,
      );
    }
    total += fileContent.length;
  }
  if (total > MAX_COMMIT_BYTES) {
    const sizes = files
      .map(({ filePath, fileContent }) => `${filePath} ${fileContent.length} bytes`)
      .join(', ');
    throw new GitHostError(
      'CommitTooLarge',
      `${place}: the commit carries ${total} bytes (${sizes}); CodeCommit accepts at most ${MAX_COMMIT_BYTES} bytes (7 MB) per commit`,
    );
  }
}
