/**
 * Whether a validation build's result may approve (or revoke) a pull request revision. A build's
 * environment variables are set by whoever starts it, so they prove nothing on their own: the
 * build must have been started by one of Flowkeeper's own identities, and the commit it actually
 * built must be the pull request's current source commit, under the current revision.
 */

/** What the build event says about itself; every field is untrusted text. */
export interface BuiltRevision {
  /** `additional-information.initiator`: `RoleName/SessionName`, a user name, `codepipeline/<name>`. */
  initiator?: string;
  /** `additional-information.source-version`: a commit id or `<ref>^{<commit>}`. */
  sourceVersion?: string;
  /** `SOURCE_COMMIT` / `REVISION_ID` as Flowkeeper set them when it started the build. */
  sourceCommit?: string;
  revisionId?: string;
}

/** The pull request as the host reports it now. */
export interface CurrentRevision {
  sourceCommit: string;
  revisionId: string;
}

export type BuildTrust = { trusted: true } | { trusted: false; reason: string };

const COMMIT = /^[0-9a-f]{40}$/;
const REF_AT_COMMIT = /\^\{([0-9a-f]{40})\}$/;

/** The commit a source version pins: a bare commit id or `<ref>^{<commit>}`; undefined for a moving ref. */
export function pinnedCommit(sourceVersion: string | undefined): string | undefined {
  if (sourceVersion === undefined) return undefined;
  if (COMMIT.test(sourceVersion)) return sourceVersion;
  return REF_AT_COMMIT.exec(sourceVersion)?.[1];
}

/**
 * True when `initiator` is one of `starters` (IAM role or user names), or a session of one of them
 * (`RoleName/SessionName`, as CodeBuild records a build started by a Lambda function's role).
 */
export function startedBy(initiator: string | undefined, starters: readonly string[]): boolean {
  if (initiator === undefined || initiator === '') return false;
  return starters.some(
    (starter) => starter !== '' && (initiator === starter || initiator.startsWith(`${starter}/`)),
  );
}

/** The verdict: trusted only when every check holds; a missing value fails its check. */
export function validationBuildTrust(
  build: BuiltRevision,
  current: CurrentRevision,
  starters: readonly string[],
): BuildTrust {
  if (starters.length === 0) {
    return {
      trusted: false,
      reason: 'no identity is configured as the starter of validation builds (FLOWKEEPER_BUILD_STARTERS)',
    };
  }
  if (!startedBy(build.initiator, starters)) {
    return { trusted: false, reason: 'the build was not started by Flowkeeper' };
  }
  const built = pinnedCommit(build.sourceVersion);
  if (built === undefined) {
    return { trusted: false, reason: 'the build does not name the commit it built (source version)' };
  }
  if (build.sourceCommit === undefined || build.revisionId === undefined) {
    return {
      trusted: false,
      reason: 'the build does not carry the SOURCE_COMMIT and REVISION_ID it was started for',
    };
  }
  if (built !== build.sourceCommit) {
    return { trusted: false, reason: 'the commit built is not the SOURCE_COMMIT the build names' };
  }
  if (built !== current.sourceCommit || build.revisionId !== current.revisionId) {
    return { trusted: false, reason: 'the build is not of the current source commit and revision' };
  }
  return { trusted: true };
}
