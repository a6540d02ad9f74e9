import {
  closeSync,
  existsSync,
  lstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { OBJECT_ID, readLooseHeader } from './objects.ts';
import { errorCode, isPlainBranchRef, packedRefs } from './refs.ts';
import { hasInitialBareConfig } from './repository-config.ts';

/**
 * Branch updates and HEAD written in-process, by git's own protocol for its files backend, so a
 * commit does not cost an `update-ref` and a `symbolic-ref` process as well. To change `<ref>`,
 * git creates `<ref>.lock` exclusively (creating missing folders), reads the ref's value while it
 * holds the lock (the loose file, else its line in `packed-refs`), writes `<new id>\n` into the
 * lock file and renames it onto the ref; a ref only in `packed-refs` gets a loose file, the packed
 * line staying behind it. A lock another writer holds is waited for (`core.filesRefLockTimeout`),
 * so the loser of a race then reads the winner's value. `git push` into the repository takes the
 * same locks, so the two interoperate.
 *
 * Bare repositories keep no reflog unless one exists already or the config asks for it
 * (`core.logAllRefUpdates` is false for them), so nothing else is written. Everything off that
 * plain path is left to git (answer `null`): a name refs.ts does not read as a plain branch, a
 * repository whose config is not `git init --bare`'s or that has a `logs` folder, a new value git
 * would first have to find (not a loose commit), a ref file that is not a plain id, and a name
 * whose folders clash with another ref (`refs/heads/a` against `refs/heads/a/b`), which git refuses.
 */

const ZERO_ID = '0'.repeat(40);
/** What the emulators pass git as `core.filesRefLockTimeout`. */
const REF_LOCK_TIMEOUT_MS = 5000;

/** Whether git would write the repository's refs exactly as this module does. */
const isPlainRepository = (gitDir: string): boolean =>
  hasInitialBareConfig(gitDir) && !existsSync(join(gitDir, 'logs'));

/**
 * Creates `<path>.lock` exclusively, making its folder if missing: its descriptor, `busy` when
 * another writer held it for all of `timeoutMs`, `null` when it cannot be made (a file where a
 * folder should be).
 */
async function takeLock(path: string, timeoutMs: number): Promise<number | 'busy' | null> {
  const lock = `${path}.lock`;
  const started = Date.now();
  // Git's backoff: waits of about 1, 4, 9, … ms (at most a second), each jittered by ±25%.
  for (let attempt = 1; ; attempt++) {
    try {
      return openSync(lock, 'wx');
    } catch (error) {
      const code = errorCode(error);
      if (code === 'ENOENT' && attempt <= 3) {
        // A folder is missing, or was just removed as empty by a concurrent ref deletion.
        try {
          mkdirSync(dirname(lock), { recursive: true });
        } catch (mkdirError) {
          if (['EEXIST', 'ENOTDIR'].includes(errorCode(mkdirError) ?? '')) return null;
          throw mkdirError;
        }
        continue;
      }
      if (code === 'ENOTDIR' || code === 'EISDIR' || code === 'ENOENT') return null;
      if (code !== 'EEXIST') throw error;
    }
    const elapsed = Date.now() - started;
    if (elapsed >= timeoutMs) return 'busy';
    const backoff = Math.min(attempt * attempt, 1000) * (0.75 + Math.random() / 2);
    await sleep(Math.min(backoff, timeoutMs - elapsed));
  }
}

/** Writes `content` into the held lock and renames it onto `path`; on failure the lock goes. */
function commitLock(descriptor: number, path: string, content: string): void {
  try {
    writeSync(descriptor, content);
  } finally {
    closeSync(descriptor);
  }
  renameSync(`${path}.lock`, path);
}

function dropLock(descriptor: number, path: string): void {
  closeSync(descriptor);
  rmSync(`${path}.lock`, { force: true });
}

function readIfFile(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * The value of plain branch `ref` as git reads it under the lock: its id, undefined when there is
 * no such ref, null when git should decide (an odd ref file, a folder or a packed ref in the way).
 */
function lockedValue(gitDir: string, ref: string): string | undefined | null {
  const path = join(gitDir, ref);
  try {
    if (!lstatSync(path).isFile()) return null;
  } catch (error) {
    if (errorCode(error) !== 'ENOENT') throw error;
  }
  const loose = readIfFile(path);
  const packed = packedRefs(readIfFile(join(gitDir, 'packed-refs')) ?? '');
  const parents = ref
    .split('/')
    .slice(2, -1)
    .map((_, index, segments) => ['refs', 'heads', ...segments.slice(0, index + 1)].join('/'));
  const clash = packed.some(({ ref: name }) => parents.includes(name) || name.startsWith(`${ref}/`));
  if (clash) return null;
  if (loose !== undefined) return /^[0-9a-f]{40}\n$/.test(loose) ? loose.slice(0, 40) : null;
  const entry = packed.find(({ ref: name }) => name === ref);
  if (entry === undefined) return undefined;
  return OBJECT_ID.test(entry.id) ? entry.id : null;
}

/**
 * What `git -c core.filesRefLockTimeout=5000 update-ref <ref> <newId> <expected>` does to a plain
 * branch ref (`expected` all zeros: the ref must not exist): true when it moved, false when it did
 * not hold `expected` (or stayed locked by another writer), null when git should be asked.
 */
export async function compareAndSwapBranchRef(
  gitDir: string,
  ref: string,
  newId: string,
  expected: string,
): Promise<boolean | null> {
  if (!isPlainBranchRef(ref) || !OBJECT_ID.test(expected) || !OBJECT_ID.test(newId)) return null;
  if (!isPlainRepository(gitDir)) return null;
  // Git refuses to point a branch at anything but an existing commit.
  if ((await readLooseHeader(gitDir, newId))?.type !== 'commit') return null;
  const path = join(gitDir, ref);
  const lock = await takeLock(path, REF_LOCK_TIMEOUT_MS);
  if (lock === null) return null;
  if (lock === 'busy') return false;
  let current: string | undefined | null;
  try {
    current = lockedValue(gitDir, ref);
  } catch (error) {
    dropLock(lock, path);
    throw error;
  }
  if (current === null || (current ?? ZERO_ID) !== expected) {
    dropLock(lock, path);
    return current === null ? null : false;
  }
  try {
    commitLock(lock, path, `${newId}\n`);
  } catch (error) {
    rmSync(`${path}.lock`, { force: true });
    throw error;
  }
  return true;
}

/**
 * What `git symbolic-ref HEAD <ref>` does for a plain branch ref: `ref: <ref>\n` written to HEAD
 * through `HEAD.lock`. False when git should do it (another ref name, another config, a reflog, or
 * HEAD locked: git waits for it the usual 100 ms, or fails).
 */
export async function writeHeadRef(gitDir: string, ref: string): Promise<boolean> {
  if (!isPlainBranchRef(ref) || !isPlainRepository(gitDir)) return false;
  const path = join(gitDir, 'HEAD');
  const lock = await takeLock(path, 0);
  if (typeof lock !== 'number') return false;
  try {
    commitLock(lock, path, `ref: ${ref}\n`);
  } catch (error) {
    rmSync(`${path}.lock`, { force: true });
    throw error;
  }
  return true;
}
