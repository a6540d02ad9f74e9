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
