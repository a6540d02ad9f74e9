import { seededRandom } from '../seeded-random.ts';

/**
 * The fault layer in front of the emulated API: latency, rate limiting, server errors (as a
 * deterministic sequence or drawn from a seeded generator), a commit-status lock held by someone
 * else, and a branch that another writer moves just before a commit is made.
 */
export type GitLabFaultKind =
  /** 429, `Retry-After`, text body `Retry later` (GitLab's Rack::Attack throttle). */
  | 'rateLimited'
  /** 500 `{"message":"500 Internal Server Error"}`. */
  | 'internalServerError'
  /** 502 HTML page from the proxy in front of GitLab. */
  | 'badGateway'
  /** 503 HTML page. */
  | 'serviceUnavailable'
  /** 409 `Another update to this commit status is in progress` (meant for POST statuses). */
  | 'statusConflict'
  /** The request takes effect, then the client gets a 502 (a lost response). */
  | 'lostResponse';

/** `pass` lets the call through untouched. */
export type GitLabFate = GitLabFaultKind | 'pass';

export interface GitLabBranchMove {
  /** Project path or id. */
  project: string;
  branch: string;
  /** The file the other writer changes; defaults to `CONCURRENT_CHANGE.md`. */
  path?: string;
  /** Its new content; defaults to a line that changes on every move. */
  content?: string;
}

/** Routes are named by template, e.g. `POST /projects/:id/repository/commits`. */
export interface GitLabFaultControls {
  /** Delays each call (of `route` only, when given; a per-route delay wins) by `ms`. */
  setLatency(ms: number, route?: string): void;
  /** The next matching calls meet these fates in order, one fate per call. */
  failSequence(fates: readonly GitLabFate[], route?: string): void;
  /** Each matching call meets `kind` with `probability`, drawn from a generator seeded with `seed`. */
  failRandomly(options: { kind: GitLabFaultKind; probability: number; seed: number; route?: string }): void;
  /** The `Retry-After` seconds a `rateLimited` answer carries (1 by default). */
  setRetryAfter(seconds: number): void;
  /** Before the next commit onto the branch, another writer pushes a commit onto it. */
  moveBranchBeforeNextCommit(move: GitLabBranchMove): void;
  /** Removes every fault. */
  reset(): void;
}

interface SequenceRule {
  route?: string;
  fates: GitLabFate[];
}

interface RandomRule {
  route?: string;
  kind: GitLabFaultKind;
  probability: number;
  next: () => number;
}

const matches = (rule: { route?: string }, route: string): boolean =>
  rule.route === undefined || rule.route === route;

export class FaultLayer implements GitLabFaultControls {
  #globalLatency = 0;
  readonly #latencyByRoute = new Map<string, number>();
  #sequences: SequenceRule[] = [];
  #randomRules: RandomRule[] = [];
  #retryAfterSeconds = 1;
  #branchMoves: GitLabBranchMove[] = [];

  setLatency(ms: number, route?: string): void {
    if (route === undefined) this.#globalLatency = ms;
    else this.#latencyByRoute.set(route, ms);
  }

  failSequence(fates: readonly GitLabFate[], route?: string): void {
    this.#sequences.push({ ...(route === undefined ? {} : { route }), fates: [...fates] });
  }

  failRandomly(options: { kind: GitLabFaultKind; probability: number; seed: number; route?: string }): void {
    const { kind, probability, seed, route } = options;
    this.#randomRules.push({
      ...(route === undefined ? {} : { route }),
      kind,
      probability,
      next: seededRandom(seed),
    });
  }

  setRetryAfter(seconds: number): void {
    this.#retryAfterSeconds = seconds;
  }

  moveBranchBeforeNextCommit(move: GitLabBranchMove): void {
    this.#branchMoves.push(move);
  }

  reset(): void {
    this.#globalLatency = 0;
    this.#latencyByRoute.clear();
    this.#sequences = [];
    this.#randomRules = [];
    this.#retryAfterSeconds = 1;
    this.#branchMoves = [];
  }

  get retryAfterSeconds(): number {
    return this.#retryAfterSeconds;
  }

  latencyFor(route: string): number {
    return this.#latencyByRoute.get(route) ?? this.#globalLatency;
  }

  /** Consumes one fate: the first matching sequence that has fates left, else the random rules. */
  fateFor(route: string): GitLabFate {
    const sequence = this.#sequences.find((rule) => matches(rule, route) && rule.fates.length > 0);
    if (sequence !== undefined) return sequence.fates.shift() ?? 'pass';
    for (const rule of this.#randomRules) {
      if (matches(rule, route) && rule.next() < rule.probability) return rule.kind;
    }
    return 'pass';
  }

  /** The pending move for this branch of this project (matched by path or id), consumed. */
  takeBranchMove(project: { id: number; path: string }, branch: string): GitLabBranchMove | undefined {
    const index = this.#branchMoves.findIndex(
      (move) =>
        move.branch === branch &&
        (move.project.toLowerCase() === project.path.toLowerCase() || move.project === String(project.id)),
    );
    if (index === -1) return undefined;
    return this.#branchMoves.splice(index, 1)[0];
  }
}
