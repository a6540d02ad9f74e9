/** FileContent is modelled with a 6,291,456-byte maximum (6 MB), for GetFile and CreateCommit alike. */
export const MAX_FILE_BYTES = 6 * 1024 * 1024;
/** FileContentSizeLimitExceededException's documentation: 7 MB of file content per commit. */
export const MAX_COMMIT_CONTENT_BYTES = 7 * 1024 * 1024;
/** CreateCommit's model: commit messages up to 256 KB. */
export const MAX_MESSAGE_BYTES = 256 * 1024;
