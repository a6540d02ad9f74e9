import { readFile } from 'node:fs/promises';
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
