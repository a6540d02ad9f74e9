import { fail } from '../codecommit/errors.ts';
import { pendingLogs, streamLogs, terminalPhases } from './phases.ts';
import type { BuildRecord, FinishOptions, ProjectRecord, TerminalStatus } from './records.ts';
import { invalidInput } from './validation.ts';

/** How long CodeBuild remembers a StartBuild idempotency token. */
export const IDEMPOTENCY_WINDOW_MS = 5 * 60_000;

interface TokenUse {
  /** The request the token was first used with, canonical JSON without the token. */
  fingerprint: string;
  buildId: string;
  at: number;
}

export interface StoreSettings {
  region: string;
  account: string;
  /** Epoch milliseconds; tests may pass a clock they move. */
  now: () => number;
  /** Ids per ListBuildsForProject page. */
  pageSize: number;
}

/** Projects, builds in start order, build numbers and idempotency tokens of one emulated account. */
export class CodeBuildStore {
  readonly region: string;
  readonly account: string;
  readonly now: () => number;
  readonly pageSize: number;
  readonly #projects = new Map<string, ProjectRecord>();
  readonly #builds: BuildRecord[] = [];
  readonly #buildsById = new Map<string, BuildRecord>();
  readonly #tokens = new Map<string, TokenUse>();

  constructor(settings: StoreSettings) {
    this.region = settings.region;
    this.account = settings.account;
    this.now = settings.now;
    this.pageSize = settings.pageSize;
  }

  projectArn(name: string): string {
    return `arn:aws:codebuild:${this.region}:${this.account}:project/${name}`;
  }

  addProject(project: ProjectRecord): void {
    if (this.#projects.has(project.name)) {
      fail('ResourceAlreadyExistsException', `Project already exists: ${project.arn}`);
    }
    this.#projects.set(project.name, project);
  }

  /** A project by name or ARN. */
  project(nameOrArn: string): ProjectRecord | undefined {
    const prefix = this.projectArn('');
    const name = nameOrArn.startsWith(prefix) ? nameOrArn.slice(prefix.length) : nameOrArn;
    return this.#projects.get(name);
  }

  requireProject(name: string): ProjectRecord {
    return (
      this.project(name) ??
      fail('ResourceNotFoundException', `Project cannot be found: ${this.projectArn(name)}`)
    );
  }

  /** Builds of every project in start order. */
  builds(): readonly BuildRecord[] {
    return this.#builds;
  }

  build(id: string): BuildRecord | undefined {
    return this.#buildsById.get(id);
  }

  nextBuildNumber(projectName: string): number {
    return this.#builds.filter((build) => build.projectName === projectName).length + 1;
  }

  addBuild(build: BuildRecord): void {
    this.#builds.push(build);
    this.#buildsById.set(build.id, build);
  }

  /**
   * The build a token already started, when the token is still within its window. The same token
   * with a different request is the "parameter mismatch" CodeBuild answers as invalid input.
   */
  replay(token: string, fingerprint: string): BuildRecord | undefined {
    const use = this.#tokens.get(token);
    if (use === undefined || this.now() - use.at >= IDEMPOTENCY_WINDOW_MS) return undefined;
    if (use.fingerprint !== fingerprint) {
      invalidInput(
        `Idempotency token '${token}' was already used within the last 5 minutes with different request parameters.`,
      );
    }
    return this.#buildsById.get(use.buildId);
  }

  rememberToken(token: string, fingerprint: string, buildId: string): void {
    this.#tokens.set(token, { fingerprint, buildId, at: this.now() });
  }

  /** Ends a running build: terminal status, phases, log stream, end time. */
  finish(build: BuildRecord, status: TerminalStatus, options: FinishOptions = {}): void {
    const { phases, end } = terminalPhases(build.startTime, status, options);
    build.status = status;
    build.complete = true;
    build.currentPhase = 'COMPLETED';
    build.phases = phases;
    build.endTime = end;
    build.logs = streamLogs(build);
  }

  pendingLogs(): BuildRecord['logs'] {
    return pendingLogs(this.region);
  }
}
