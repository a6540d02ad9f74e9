import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { OBJECT_ID } from './objects.ts';

/**
 * Branch heads and HEAD read straight from a bare repository's files, the way git stores them: a
 * loose ref is a file holding the commit id, a packed one a line of `packed-refs`. Reading a head is
 * what the emulators do most (every API call names a branch or a commit), and a file read costs a
 * hundredth of a `git rev-parse` process. Writes (ref-writes.ts, or `git update-ref`) replace a ref
 * file by renaming its lock file, so a read sees the old id or the new one, never half.
 *
 * `null` means "cannot tell here": the caller asks git. That is the answer for any ref name that is
 * not a plain branch name and for any ref file holding something other than a commit id.
 */
export type RefAnswer = string | undefined | null;

/** A path segment git accepts in a branch name and that maps to one file name as it is. */
const PLAIN_SEGMENT = /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/;

export function isPlainBranchRef(ref: string): boolean {
  if (!ref.startsWith('refs/heads/')) return false;
  return ref
    .slice('refs/heads/'.length)
    .split('/')
    .every(
      (segment) =>
        PLAIN_SEGMENT.test(segment) &&
        !segment.includes('..') &&
        !segment.endsWith('.') &&
        !segment.endsWith('.lock'),
    );
}

export const errorCode = (error: unknown): string | undefined =>
  error instanceof Error && 'code' in error ? String(error.code) : undefined;

/** The `<id> <ref>` lines of a `packed-refs` file, skipping its header and peeled (`^<id>`) lines. */
export function packedRefs(text: string): Array<{ id: string; ref: string }> {
  return text
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('#') && !line.startsWith('^'))
    .map((line) => {
      const [id = '', ref = ''] = line.split(' ');
      return { id, ref };
    });
}

async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    // A missing file, or a directory where `refs/heads/a` is the parent of `refs/heads/a/b`.
    if (['ENOENT', 'ENOTDIR', 'EISDIR'].includes(errorCode(error) ?? '')) return undefined;
    throw error;
  }
}

/** The commit id a plain branch ref holds, undefined when there is no such branch, null to ask git. */
export async function readBranchRef(gitDir: string, ref: string): Promise<RefAnswer> {
  if (!isPlainBranchRef(ref)) return null;
  const loose = await readOptional(join(gitDir, ref));
  if (loose !== undefined) {
    const id = loose.trim();
    return OBJECT_ID.test(id) ? id : null;
  }
  const packed = await readOptional(join(gitDir, 'packed-refs'));
  if (packed === undefined) return undefined;
  const entry = packedRefs(packed).find((line) => line.ref === ref);
  if (entry === undefined) return undefined;
  return OBJECT_ID.test(entry.id) ? entry.id : null;
}

/** The ref HEAD names (`refs/heads/main`), undefined when HEAD is detached, null to ask git. */
export async function readHeadRef(gitDir: string): Promise<RefAnswer> {
  const head = await readOptional(join(gitDir, 'HEAD'));
  if (head === undefined) return null;
  const match = /^ref: (refs\/\S+)\n?$/.exec(head);
  if (match?.[1] !== undefined) return match[1];
  return OBJECT_ID.test(head.trim()) ? undefined : null;
}

/**
 * Every ref under `prefix` (`refs/heads/`) with the id it holds, sorted by name in byte order, as
 * `git for-each-ref --sort=refname --format='%(refname) %(objectname)' <prefix>` lists them: loose
 * ref files (lock files skipped) over the lines of `packed-refs`. Null when a ref file holds
 * anything but an object id (a symbolic ref), which git answers instead.
 */
export async function listRefFiles(
  gitDir: string,
  prefix: string,
): Promise<Array<{ ref: string; id: string }> | null> {
  const ids = new Map<string, string>();
  const packed = await readOptional(join(gitDir, 'packed-refs'));
  for (const entry of packedRefs(packed ?? ''))
    if (entry.ref.startsWith(prefix)) ids.set(entry.ref, entry.id);
  const walk = async (folder: string): Promise<void> => {
    let entries: Array<{ name: string; isDirectory(): boolean; isFile(): boolean }>;
    try {
      entries = await readdir(join(gitDir, folder), { withFileTypes: true });
    } catch (error) {
      if (['ENOENT', 'ENOTDIR'].includes(errorCode(error) ?? '')) return;
      throw error;
    }
    for (const entry of entries) {
      const ref = `${folder}${entry.name}`;
      if (entry.isDirectory()) await walk(`${ref}/`);
      else if (entry.isFile() && !entry.name.endsWith('.lock')) {
        const id = (await readOptional(join(gitDir, ref)))?.trim();
        if (id !== undefined) ids.set(ref, id);
      }
    }
  };
  await walk(prefix);
  for (const id of ids.values()) if (!OBJECT_ID.test(id)) return null;
  return [...ids]
    .map(([ref, id]) => ({ ref, id }))
    .sort((a, b) => Buffer.compare(Buffer.from(a.ref), Buffer.from(b.ref)));
}

/**
 * The id `revision` names when git would take it for the branch `refs/heads/<revision>`: a plain
 * branch name that no ref of higher precedence shadows (`$GIT_DIR/<name>`, `refs/<name>`,
 * `refs/tags/<name>`) and that cannot be read as an abbreviated object id. Null to ask git.
 */
export async function branchRevision(gitDir: string, revision: string): Promise<string | null> {
  const ref = `refs/heads/${revision}`;
  if (!isPlainBranchRef(ref) || /^[0-9a-fA-F]{4,40}$/.test(revision)) return null;
  const shadows = [revision, `refs/${revision}`, `refs/tags/${revision}`];
  for (const path of shadows) if ((await readOptional(join(gitDir, path))) !== undefined) return null;
  const packed = packedRefs((await readOptional(join(gitDir, 'packed-refs'))) ?? '');
  if (packed.some((entry) => shadows.includes(entry.ref))) return null;
  const id = await readBranchRef(gitDir, ref);
  return typeof id === 'string' ? id : null;
}
