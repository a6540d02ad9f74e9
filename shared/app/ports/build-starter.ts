import { PermanentError } from '#domain/errors.ts';
/** The build port: start a CodeBuild validation build (a project name, a commit, variables). */
export interface BuildRequest {
  project: string;
  /** The commit to build. */
  sourceVersion: string;
  /** Environment variable overrides, plain text. */
  environment: Record<string, string>;
  /** Idempotency token: the same token within CodeBuild's window starts one build only. */
  clientToken: string;
}

export interface BuildStarter {
  /** Starts the build and answers its ARN. */
  startBuild(request: BuildRequest): Promise<{ buildArn: string }>;
}

/**
 * A build that cannot start whatever the retries (the project does not exist): permanent, so it is
 * reported rather than retried.
 */
export class BuildStartError extends PermanentError {
  override name = 'BuildStartError';
  readonly project: string;
  constructor(project: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.project = project;
  }
}
