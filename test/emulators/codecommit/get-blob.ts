import { fail } from './errors.ts';
import { type Input, optionalString } from './input.ts';
import { MAX_FILE_BYTES } from './limits.ts';
import { FULL_COMMIT_ID, requireRepositoryName } from './names.ts';
import type { OperationContext } from './operation-context.ts';
import { objectType } from './repositories.ts';
import { blobSize, readBlob } from './trees.ts';

/**
 * GetBlob by full blob id. A malformed id is `InvalidBlobIdException`; a well-formed one that
 * names no blob (nothing, or a commit or tree) is `BlobIdDoesNotExistException`; a blob over the
 * 6 MB file limit is `FileTooLargeException` (the limit GetFile applies, assumed to hold here too).
 */
export async function getBlob(context: OperationContext, input: Input): Promise<Record<string, unknown>> {
  const repository = context.store.get(requireRepositoryName(optionalString(input, 'repositoryName')));
  const blobId = optionalString(input, 'blobId');
  if (blobId === undefined || blobId === '') {
    return fail('BlobIdRequiredException', 'A blob ID is required.');
  }
  if (!FULL_COMMIT_ID.test(blobId)) {
    return fail('InvalidBlobIdException', `The blob ID '${blobId}' is not valid.`);
  }
  if ((await objectType(repository.gitDir, blobId)) !== 'blob') {
    return fail('BlobIdDoesNotExistException', `Blob ${blobId} does not exist.`);
  }
  const size = await blobSize(repository.gitDir, blobId);
  if (size > MAX_FILE_BYTES) {
    return fail('FileTooLargeException', `Blob ${blobId} is ${size} bytes; the limit is 6 MB.`);
  }
  return { content: (await readBlob(repository.gitDir, blobId)).toString('base64') };
}
