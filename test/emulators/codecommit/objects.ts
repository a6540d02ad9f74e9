import { createHash, randomUUID } from 'node:crypto';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { constants, deflate, deflateSync, inflate, inflateSync } from 'node:zlib';

/**
 * Git loose objects read and written in-process, so a commit of a hundred files or a hundred file
 * reads do not cost a hundred git processes. The format is git's documented one: the file
 * `objects/<2 hex>/<38 hex>` holds the zlib-deflated bytes `<type> <size>\0<content>`, and the
 * object id is the SHA-1 of those uncompressed bytes (the repositories use git's default SHA-1
 * object format). Only loose objects are read here: an object that is not loose (packed by a push
 * or a gc) answers `undefined`, and the caller asks git.
 *
 * Small objects go through synchronous calls: a manifest-sized object costs a fraction of a
 * millisecond that way, several times less than hopping through the thread pool per step. Large
 * ones are (de)compressed off the event loop. Objects of a few kilobytes are stored in zlib's
 * uncompressed blocks (what git writes with `core.looseCompression=0`), which costs a tenth of
 * compressing them and leaves them a few bytes larger.
 */

const deflateAsync = promisify(deflate);
const inflateAsync = promisify(inflate);

const SYNC_BYTES = 256 * 1024;
const STORED_BYTES = 16 * 1024;
/** A full object id (the repositories use git's default SHA-1 format). */
export const OBJECT_ID = /^[0-9a-f]{40}$/;

export type ObjectType = 'blob' | 'tree' | 'commit' | 'tag';

export interface ObjectHeader {
  type: ObjectType;
  size: number;
}

const loosePath = (gitDir: string, objectId: string): string =>
  join(gitDir, 'objects', objectId.slice(0, 2), objectId.slice(2));

/**
 * Writes `content` as a loose object of `type` unless the repository holds it loose already, and
 * returns its id (what `git hash-object -w -t <type> --stdin` prints). The file is written under a
 * temporary name and renamed into place, so no reader sees part of an object, and two writers of
 * one object write the same bytes.
 */
export async function writeLooseObject(gitDir: string, type: ObjectType, content: Buffer): Promise<string> {
  const raw = Buffer.concat([Buffer.from(`${type} ${content.length}\0`, 'latin1'), content]);
  const objectId = createHash('sha1').update(raw).digest('hex');
  const path = loosePath(gitDir, objectId);
  if (existsSync(path)) return objectId;
  const compressed =
    raw.length <= STORED_BYTES
      ? deflateSync(raw, { level: 0 })
      : raw.length <= SYNC_BYTES
        ? deflateSync(raw)
        : await deflateAsync(raw);
  const directory = join(gitDir, 'objects', objectId.slice(0, 2));
  const temporary = join(directory, `tmp_obj_${randomUUID()}`);
  try {
    // Git leaves object files read-only. The directory is made when missing (a prune removes
    // emptied ones).
    try {
      writeFileSync(temporary, compressed, { mode: 0o444 });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      mkdirSync(directory, { recursive: true });
      writeFileSync(temporary, compressed, { mode: 0o444 });
    }
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
  return objectId;
}

/** The loose object's file, or its first `limit` bytes; undefined when the object is not loose. */
function readCompressed(gitDir: string, objectId: string, limit?: number): Buffer | undefined {
  if (!OBJECT_ID.test(objectId)) return undefined;
  try {
    const path = loosePath(gitDir, objectId);
    if (limit === undefined) return readFileSync(path);
    const descriptor = openSync(path, 'r');
    try {
      const prefix = Buffer.alloc(limit);
      return prefix.subarray(0, readSync(descriptor, prefix, 0, limit, 0));
    } finally {
      closeSync(descriptor);
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw error;
  }
}

/** `<type> <size>\0` at the start of `bytes` and where the content starts; undefined if cut short. */
function parseHeader(bytes: Buffer): (ObjectHeader & { contentStart: number }) | undefined {
  const end = bytes.indexOf(0);
  if (end < 0) return undefined;
  const match = /^(blob|tree|commit|tag) (\d+)$/.exec(bytes.subarray(0, end).toString('latin1'));
  if (match === null) throw new Error(`malformed git object header '${bytes.subarray(0, end)}'`);
  return { type: match[1] as ObjectType, size: Number(match[2]), contentStart: end + 1 };
}

const inflateWhole = (compressed: Buffer): Buffer | Promise<Buffer> =>
  compressed.length <= SYNC_BYTES ? inflateSync(compressed) : inflateAsync(compressed);

/** How much compressed input is inflated to find the header of a large object. */
const HEADER_PROBE_BYTES = 1024;

/** Type and size of a loose object (what `git cat-file -t` and `-s` print); undefined if not loose. */
export async function readLooseHeader(gitDir: string, objectId: string): Promise<ObjectHeader | undefined> {
  const prefix = readCompressed(gitDir, objectId, HEADER_PROBE_BYTES);
  if (prefix === undefined) return undefined;
  // A sync flush inflates what the first bytes hold without requiring the end of the stream.
  const start = inflateSync(prefix, { finishFlush: constants.Z_SYNC_FLUSH });
  let header = parseHeader(start);
  if (header === undefined && prefix.length === HEADER_PROBE_BYTES) {
    const whole = readCompressed(gitDir, objectId);
    header = whole === undefined ? undefined : parseHeader(await inflateWhole(whole));
  }
  if (header === undefined) throw new Error(`git object ${objectId} has no header`);
  return { type: header.type, size: header.size };
}

/** A loose object's type and content; undefined if it is not loose. */
export async function readLooseObject(
  gitDir: string,
  objectId: string,
): Promise<{ type: ObjectType; content: Buffer } | undefined> {
  const compressed = readCompressed(gitDir, objectId);
  if (compressed === undefined) return undefined;
  const bytes = await inflateWhole(compressed);
  const header = parseHeader(bytes);
  const content = header === undefined ? undefined : bytes.subarray(header.contentStart);
  if (header === undefined || content?.length !== header.size) {
    throw new Error(`git object ${objectId} is truncated`);
  }
  return { type: header.type, content };
}
