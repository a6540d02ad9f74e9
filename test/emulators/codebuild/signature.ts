import { fail } from '../codecommit/errors.ts';

/**
 * The caller's access key id from `Credential=<key id>/<date>/<region>/<service>/aws4_request`.
 * Signatures are not verified, but the request must be SigV4-signed for the `codebuild` service.
 */
export function callerFrom(authorization: string | undefined): string {
  const credential = /Credential=([^/,\s]+)\/[^/]+\/[^/]+\/([^/]+)\/aws4_request/.exec(authorization ?? '');
  if (!authorization?.startsWith('AWS4-HMAC-SHA256') || credential === null) {
    return fail(
      'MissingAuthenticationTokenException',
      'The request is not signed with AWS Signature Version 4.',
    );
  }
  if (credential[2] !== 'codebuild') {
    fail('InvalidSignatureException', `Credential scope names service '${credential[2]}', not 'codebuild'.`);
  }
  return credential[1] as string;
}
