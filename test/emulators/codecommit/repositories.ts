import { randomUUID } from 'node:crypto';
import { mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fail } from './errors.ts';
import { GitCommandError, git, gitText, initBare } from './git.ts';
import { readLooseHeader } from './objects.ts';
import { compareAndSwapBranchRef, writeHeadRef } from './ref-writes.ts';
import { readBranchRef, readHeadRef } from './refs.ts';

export interface RepositoryRecord {
  name: string;
  id: string;
  gitDir: string;
  description?: string;
  /** Epoch seconds, as the wire carries timestamps. */
  createdAt: number;
  lastModifiedAt: number;
}

export const ACCOUNT_ID = '123456789012';

/** Repositories by name; each one is a bare git repository `<root>/<name>.git`. */
export class RepositoryStore {
  readonly root: string;
  readonly region: string;
  readonly #byName = new Map<string, RepositoryRecord>();

  constructor(root: string, region: string) {
    this.root = root;
    this.region = region;
  }

  gitDir(name: string): string {
    return join(this.root, `${name}.git`);
  }

  /** Registers bare repositories already under the root, so a persistent root survives restarts. */
  async adoptExisting(): Promise<void> {
    await mkdir(this.root, { recursive: true });
    for (const entry of await readdir(this.root, { withFileTypes: true })) {
      if (!entry.isDirectory() || !entry.name.endsWith('.git')) continue;
      const name = entry.name.slice(0, -'.git'.length);
      this.#byName.set(name, newRecord(name, this.gitDir(name)));
    }
  }

  async create(name: string, description?: string): Promise<RepositoryRecord> {
    if (this.#byName.has(name)) {
      return fail('RepositoryNameExistsException', `Repository named ${name} already exists.`);
    }
    const record = newRecord(name, this.gitDir(name), description);
    this.#byName.set(name, record);
    await initBare(record.gitDir);
    return record;
  }

  get(name: string): RepositoryRecord {
    return this.#byName.get(name) ?? fail('RepositoryDoesNotExistException', `${name} does not exist.`);
  }

  metadata(record: RepositoryRecord, defaultBranch: string | undefined): Record<string, unknown> {
    const host = `git-codecommit.${this.region}.amazonaws.com`;
    return {
      accountId: ACCOUNT_ID,
      repositoryId: record.id,
      repositoryName: record.name,
      ...(record.description === undefined ? {} : { repositoryDescription: record.description }),
      ...(defaultBranch === undefined ? {} : { defaultBranch }),
      lastModifiedDate: record.lastModifiedAt,
      creationDate: record.createdAt,
      cloneUrlHttp: `https://${host}/v1/repos/${record.name}`,
      cloneUrlSsh: `ssh://${host}/v1/repos/${record.name}`,
      Arn: `arn:aws:codecommit:${this.region}:${ACCOUNT_ID}:${record.name}`,
    };
  }
}

function newRecord(name: string, gitDir: string, description?: string): RepositoryRecord {
  const now = Date.now() / 1000;
  return {
    name,
    id: randomUUID(),
    gitDir,
    ...(description === undefined ? {} : { description }),
    createdAt: now,
    lastModifiedAt: now,
  };
}

export const ZERO_COMMIT_ID = '0'.repeat(40);

/** The commit a fully qualified ref points at (peeled through annotated tags), if any. */
export async function resolveRef(gitDir: string, ref: string): Promise<string | undefined> {
  const read = await readBranchRef(gitDir, ref);
  if (read !== null) return read;
  try {
    const id = await gitText(gitDir, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]);
    return id === '' ? undefined : id;
  } catch (error) {
    if (error instanceof GitCommandError) return undefined;
    throw error;
  }
}

export const branchHead = (gitDir: string, branch: string): Promise<string | undefined> =>
  resolveRef(gitDir, `refs/heads/${branch}`);

export async function hasBranches(gitDir: string): Promise<boolean> {
  const refs = await gitText(gitDir, ['for-each-ref', '--count=1', '--format=%(refname)', 'refs/heads/']);
  return refs !== '';
}

/**
 * The default branch is kept as the bare repository's HEAD, so `git` sees the same thing. It exists
 * once the first branch is created (the service makes the first branch the default).
 */
export async function defaultBranch(gitDir: string): Promise<string | undefined> {
  const head = await readHeadRef(gitDir);
  if (head === undefined) return undefined;
  let ref: string;
  try {
    ref = head ?? (await gitText(gitDir, ['symbolic-ref', '--quiet', 'HEAD']));
  } catch (error) {
    if (error instanceof GitCommandError) return undefined;
    throw error;
  }
  const branch = ref.replace(/^refs\/heads\//, '');
  return (await branchHead(gitDir, branch)) === undefined ? undefined : branch;
}

export async function setDefaultBranch(gitDir: string, branch: string): Promise<void> {
  if (await writeHeadRef(gitDir, `refs/heads/${branch}`)) return;
  await git(gitDir, ['symbolic-ref', 'HEAD', `refs/heads/${branch}`]);
}

/** `commit`, `tree`, `blob`, `tag`, or undefined when no such object exists. */
export async function objectType(gitDir: string, objectId: string): Promise<string | undefined> {
  const loose = await readLooseHeader(gitDir, objectId);
  if (loose !== undefined) return loose.type;
  try {
    return await gitText(gitDir, ['cat-file', '-t', objectId]);
  } catch (error) {
    if (error instanceof GitCommandError) return undefined;
    throw error;
  }
}

/**
 * Moves `refs/heads/<branch>` from `expected` (ZERO_COMMIT_ID: must not exist yet) to `commitId`
 * atomically; false when the ref no longer holds `expected`. git waits briefly for a ref lock held by
 * a concurrent update instead of failing at once, so the loser sees the winner's value. Done
 * in-process when the branch and the repository are plain (ref-writes.ts), else by git.
 */
export async function compareAndSwapBranch(
  gitDir: string,
  branch: string,
  commitId: string,
  expected: string,
): Promise<boolean> {
  const moved = await compareAndSwapBranchRef(gitDir, `refs/heads/${branch}`, commitId, expected);
  if (moved !== null) return moved;
  try {
    await git(gitDir, [
      '-c',
      'core.filesRefLockTimeout=5000',
      'update-ref',
      '-m',
      'CreateCommit',
      `refs/heads/${branch}`,
      commitId,
      expected,
    ]);
    return true;
  } catch (error) {
    if (error instanceof GitCommandError) return false;
    throw error;
  }
}
