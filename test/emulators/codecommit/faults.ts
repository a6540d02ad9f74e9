import { seededRandom } from '../seeded-random.ts';

/**
 * The fault layer in front of the emulated service: latency, throttling and server faults (as a
 * deterministic sequence or drawn from a seeded generator), and a branch that moves between a
 * client's read and its commit.
 */
export type FaultKind =
  /** HTTP 400 `ThrottlingException`: the SDK's standard retry strategy retries it as throttling. */
  | 'throttling'
  /** HTTP 500 `InternalFailure`: retried as a transient error. */
  | 'internalFailure'
  /** HTTP 503 `ServiceUnavailable`: retried as a transient error. */
  | 'serviceUnavailable'
  /** The operation takes effect, then the client gets HTTP 500 `InternalFailure` (a lost response). */
  | 'lostResponse';

/** `pass` lets the call through untouched. */
export type Fate = FaultKind | 'pass';

export interface BranchMove {
  repository: string;
  branch: string;
  /** The file the other writer changes; defaults to `CONCURRENT_CHANGE.md`. */
  path?: string;
  /** Its new content; defaults to a line that changes on every move. */
  content?: string;
}

export interface FaultControls {
  /** Delays each call (of `operation` only, when given; a per-operation delay wins) by `ms`. */
  setLatency(ms: number, operation?: string): void;
  /** The next matching calls meet these fates in order, one fate per call. */
  failSequence(fates: readonly Fate[], operation?: string): void;
  /** Each matching call meets `kind` with `probability`, drawn from a generator seeded with `seed`. */
  failRandomly(options: { kind: FaultKind; probability: number; seed: number; operation?: string }): void;
  /** Before the next CreateCommit on the branch, another writer pushes a commit onto it. */
  moveBranchBeforeNextCommit(move: BranchMove): void;
  /** Removes every fault. */
  reset(): void;
}

interface SequenceRule {
  operation?: string;
  fates: Fate[];
}

interface RandomRule {
  operation?: string;
  kind: FaultKind;
  probability: number;
  next: () => number;
}

const matches = (rule: { operation?: string }, operation: string): boolean =>
  rule.operation === undefined || rule.operation === operation;

export class FaultLayer implements FaultControls {
  #globalLatency = 0;
  readonly #latencyByOperation = new Map<string, number>();
  #sequences: SequenceRule[] = [];
  #randomRules: RandomRule[] = [];
  readonly #branchMoves = new Map<string, BranchMove>();

  setLatency(ms: number, operation?: string): void {
    if (operation === undefined) this.#globalLatency = ms;
    else this.#latencyByOperation.set(operation, ms);
  }

  failSequence(fates: readonly Fate[], operation?: string): void {
    this.#sequences.push({ ...(operation === undefined ? {} : { operation }), fates: [...fates] });
  }

  failRandomly(options: { kind: FaultKind; probability: number; seed: number; operation?: string }): void {
    const { kind, probability, seed, operation } = options;
    this.#randomRules.push({
      ...(operation === undefined ? {} : { operation }),
      kind,
      probability,
      next: seededRandom(seed),
    });
  }

  moveBranchBeforeNextCommit(move: BranchMove): void {
    this.#branchMoves.set(`${move.repository}\0${move.branch}`, move);
  }

  reset(): void {
    this.#globalLatency = 0;
    this.#latencyByOperation.clear();
    this.#sequences = [];
    this.#randomRules = [];
    this.#branchMoves.clear();
  }

  latencyFor(operation: string): number {
    return this.#latencyByOperation.get(operation) ?? this.#globalLatency;
  }

  /** Consumes one fate: the first matching sequence that has fates left, else the random rules. */
  fateFor(operation: string): Fate {
    const sequence = this.#sequences.find((rule) => matches(rule, operation) && rule.fates.length > 0);
    if (sequence !== undefined) return sequence.fates.shift() ?? 'pass';
    for (const rule of this.#randomRules) {
      if (matches(rule, operation) && rule.next() < rule.probability) return rule.kind;
    }
    return 'pass';
  }

  takeBranchMove(repository: string, branch: string): BranchMove | undefined {
    const key = `${repository}\0${branch}`;
    const move = this.#branchMoves.get(key);
    this.#branchMoves.delete(key);
    return move;
  }
}
