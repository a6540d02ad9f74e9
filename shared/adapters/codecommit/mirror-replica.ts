import {
  type CodeCommitClient,
  type Commit,
  type Difference,
  GetBlobCommand,
  GetBranchCommand,
  GetCommitCommand,
  GetDifferencesCommand,
} from '@aws-sdk/client-codecommit';
import { GitHostError } from '#app/ports/git-host.ts';
import type { CommitDetails, FileChangeAfter, MirrorReplica } from '#app/ports/mirror-hosts.ts';
import { type CodeCommitClientOptions, codeCommitClient, serviceErrorName } from './client.ts';

export interface CodeCommitMirrorReplicaOptions extends CodeCommitClientOptions {
  repositoryName: string;
}

/** GetBlob calls in flight at once for one commit. */
const BLOB_READS_AT_ONCE = 8;

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Git modes a GitLab commit cannot reproduce as a plain file. */
const NOT_A_FILE: Record<string, string> = { '120000': 'a symbolic link', '160000': 'a submodule' };

/** CodeCommit dates are git's `<epoch seconds> <±hhmm>` (`1484167798 -0800`); ISO-8601 UTC out. */
export function codeCommitDate(value: string | undefined): string {
  const seconds = /^(-?\d+)(?:\s+[+-]\d{4})?$/.exec(value?.trim() ?? '')?.[1];
  if (seconds !== undefined) return new Date(Number(seconds) * 1000).toISOString();
  const time = Date.parse(value ?? '');
  return Number.isNaN(time) ? (value ?? '') : new Date(time).toISOString();
}

function commitDetails(id: string, commit: Commit): CommitDetails {
  return {
    id: commit.commitId ?? id,
    parentIds: commit.parents ?? [],
    author: { name: commit.author?.name ?? '', email: commit.author?.email ?? '' },
    authoredAt: codeCommitDate(commit.author?.date),
    committedAt: codeCommitDate(commit.committer?.date ?? commit.author?.date),
    message: commit.message ?? '',
  };
}

/**
 * The CodeCommit side of a GitLab push mirror, read through the API: branch heads, commits, and
 * what a commit changed (GetDifferences against its first parent, contents through GetBlob).
 */
export function createCodeCommitMirrorReplica(options: CodeCommitMirrorReplicaOptions): MirrorReplica {
  const { repositoryName } = options;
  const client = (): Promise<CodeCommitClient> => codeCommitClient(options);
  const place = (detail: string): string => `CodeCommit repository ${repositoryName}, ${detail}`;

  const repositoryMissing = (error: unknown): never => {
    if (serviceErrorName(error) === 'RepositoryDoesNotExistException') {
      throw new GitHostError('RepositoryNotFound', place('the repository does not exist'), { cause: error });
    }
    throw error;
  };

  async function getCommit(id: string): Promise<CommitDetails> {
    try {
      const { commit } = await (await client()).send(new GetCommitCommand({ repositoryName, commitId: id }));
      if (commit === undefined) throw new Error(place(`GetCommit answered no commit for ${id}`));
      return commitDetails(id, commit);
    } catch (error) {
      switch (serviceErrorName(error)) {
        case 'CommitIdDoesNotExistException':
        case 'InvalidCommitIdException':
          throw new GitHostError('CommitNotFound', place(`commit ${id} does not exist`), { cause: error });
        default:
          return repositoryMissing(error);
      }
    }
  }

  async function differences(before: string | undefined, after: string): Promise<Difference[]> {
    const all: Difference[] = [];
    let nextToken: string | undefined;
    do {
      const output = await (await client())
        .send(
          new GetDifferencesCommand({
            repositoryName,
            ...(before === undefined ? {} : { beforeCommitSpecifier: before }),
            afterCommitSpecifier: after,
            NextToken: nextToken,
          }),
        )
        .catch(repositoryMissing);
      all.push(...(output.differences ?? []));
      nextToken = output.NextToken;
    } while (nextToken !== undefined && nextToken !== '');
    return all;
  }

  async function contentOf(blobId: string, path: string, mode: string | undefined): Promise<string> {
    const kind = mode === undefined ? undefined : NOT_A_FILE[mode];
    if (kind !== undefined) {
      throw new GitHostError('InvalidPath', place(`${path} is ${kind}, which cannot be replayed as a file`));
    }
    const { content } = await (await client())
      .send(new GetBlobCommand({ repositoryName, blobId }))
      .catch((error: unknown) => {
        if (serviceErrorName(error) === 'FileTooLargeException') {
          throw new GitHostError('FileTooLarge', place(`${path} is larger than GetBlob returns`), {
            cause: error,
          });
        }
        return repositoryMissing(error);
      });
    try {
      return utf8.decode(content ?? new Uint8Array());
    } catch (error) {
      throw new GitHostError('NotText', place(`${path} is not valid UTF-8 text`), { cause: error });
    }
  }

  return {
    description: `codecommit:${repositoryName}`,

    async branchHead(branch: string): Promise<string | undefined> {
      try {
        const { branch: found } = await (await client()).send(
          new GetBranchCommand({ repositoryName, branchName: branch }),
        );
        return found?.commitId;
      } catch (error) {
        if (serviceErrorName(error) === 'BranchDoesNotExistException') return undefined;
        return repositoryMissing(error);
      }
    },

    getCommit,

    async commitChanges(id: string): Promise<FileChangeAfter[]> {
      const { parentIds } = await getCommit(id);
      const found = await differences(parentIds[0], id);
      const changes: FileChangeAfter[] = [];
      for (let start = 0; start < found.length; start += BLOB_READS_AT_ONCE) {
        const batch = found.slice(start, start + BLOB_READS_AT_ONCE);
        const read = await Promise.all(
          batch.map(async ({ beforeBlob, afterBlob }): Promise<FileChangeAfter[]> => {
            const changed: FileChangeAfter[] = [];
            if (beforeBlob?.path !== undefined && beforeBlob.path !== afterBlob?.path) {
              changed.push({ path: beforeBlob.path, deleted: true });
            }
            if (afterBlob?.path !== undefined && afterBlob.blobId !== undefined) {
              const content = await contentOf(afterBlob.blobId, afterBlob.path, afterBlob.mode);
              changed.push({ path: afterBlob.path, content });
            }
            return changed;
          }),
        );
        changes.push(...read.flat());
      }
      return changes.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    },
  };
}
