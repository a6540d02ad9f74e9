/**
 * Errors the domain raises. All are permanent (retrying the same input gives the same result):
 * the runtime reports them instead of retrying.
 */
export class FlowkeeperError extends Error {
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
