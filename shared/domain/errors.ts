/**
 * The one error hierarchy. Every error Flowkeeper raises extends one of two bases:
 * - `PermanentError`: retrying the same input gives the same result (a bad event, an invalid
 *   configuration, a manifest without the target, a missing repository); reported, not retried;
 * - `TransientError`: a retry may succeed (a branch that kept moving, a host that was unavailable).
 * Classification is one check, `isPermanentError`: a `PermanentError`, or an AWS access error (a
 * refused permission, which the SDK raises as a plain `Error` with that name). Anything else,
 * `TransientError` or an error from outside (network, throttling), is retried.
 */
export class PermanentError extends Error {
  override name = 'PermanentError';
}

/** A failure worth retrying (a branch that kept moving, a host that was unavailable). */
export class TransientError extends Error {
  override name = 'TransientError';
}

/**
 * The permanent errors of the domain and configuration. Kept for compatibility: a plain
 * `FlowkeeperError` still names itself so in results and alerts.
 */
export class FlowkeeperError extends PermanentError {
  override name = 'FlowkeeperError';
}

/** A manifest that does not parse, or a target that is missing or ambiguous in it. */
export class ManifestError extends FlowkeeperError {
  override name = 'ManifestError';
  readonly file: string;
  readonly location: string;
  constructor(file: string, location: string, detail: string, options?: ErrorOptions) {
    super(`${file}${location ? ` at ${location}` : ''}: ${detail}`, options);
    this.file = file;
    this.location = location;
  }
}

/** An event that is not what the function expects (malformed, missing fields, invalid tag). */
export class EventError extends FlowkeeperError {
  override name = 'EventError';
}

/** A configuration that fails validation; `issues` are `path: message` lines. */
export class ConfigError extends FlowkeeperError {
  override name = 'ConfigError';
  readonly source: string;
  readonly issues: string[];
  constructor(source: string, issues: string[]) {
    super(`invalid configuration in ${source}: ${issues.join('; ')}`);
    this.source = source;
    this.issues = issues;
  }
}

/**
 * AWS answers that no retry can change: the role lacks a permission, or the credentials are not
 * valid in this account. Alerted once, naming what was refused, instead of retried into a queue.
 */
const AWS_ACCESS_ERRORS: ReadonlySet<string> = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'UnrecognizedClient',
  'UnrecognizedClientException',
  'InvalidClientTokenId',
  'AuthorizationError',
  'AuthorizationErrorException',
  'NotAuthorized',
]);

/** An AWS SDK error (matched by name) that says a permission or the credentials were refused. */
export function isAwsAccessError(error: unknown): error is Error {
  return error instanceof Error && AWS_ACCESS_ERRORS.has(error.name);
}

/** Whether a retry cannot help: a `PermanentError`, or an AWS access error. Everything else is transient. */
export function isPermanentError(error: unknown): boolean {
  return error instanceof PermanentError || isAwsAccessError(error);
}
