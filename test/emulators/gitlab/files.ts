import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import { entryAt, readBlob } from '../codecommit/trees.ts';
import { type Handler, param } from './context.ts';
import { invalidParameter, notFound } from './errors.ts';
import { requiredString } from './input.ts';
import { lastCommitFor, resolveCommit } from './repository.ts';

/** `GET /projects/:id/repository/files/:file_path?ref=`: metadata and base64 content. */
export const getFile: Handler = async (context) => {
  const filePath = param(context, 'file_path');
  if (filePath.split('/').includes('..')) throw invalidParameter('file_path should be a valid file path');
  const ref = requiredString(context.input, 'ref');
  const { gitDir } = context.project;
  const commitId = await resolveCommit(gitDir, ref);
  if (commitId === undefined) throw notFound('Commit');
  const entry = await entryAt(gitDir, commitId, filePath);
  // A directory or a submodule at the path is not a blob.
  if (entry?.type !== 'blob') throw notFound('File');
  const content = await readBlob(gitDir, entry.objectId);
  const data = {
    file_name: posix.basename(filePath),
    file_path: filePath,
    size: content.length,
    encoding: 'base64',
    content_sha256: createHash('sha256').update(content).digest('hex'),
    ref,
    blob_id: entry.objectId,
    commit_id: commitId,
    last_commit_id: (await lastCommitFor(gitDir, commitId, filePath)) ?? commitId,
    execute_filemode: entry.mode === '100755',
  };
  const headers = Object.fromEntries(
    Object.entries(data).map(([key, value]) => [`x-gitlab-${key.replaceAll('_', '-')}`, String(value)]),
  );
  return { status: 200, body: { ...data, content: content.toString('base64') }, headers };
};
