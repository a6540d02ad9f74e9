import type { FaultLayer } from './faults.ts';
import type { HookDispatcher } from './hooks.ts';
import type { Input } from './input.ts';
import type { MirrorScheduler } from './mirrors.ts';
import type { LinkTarget } from './pagination.ts';
import type { ProjectRecord, ProjectStore } from './projects.ts';
import type { EmulatedUser } from './tokens.ts';

/** Ids shared by every project, as GitLab's tables number rows instance-wide. */
export class Sequences {
  readonly #next = new Map<string, number>();

  next(kind: 'mergeRequest' | 'note' | 'pipeline' | 'status' | 'mirror' | 'hook'): number {
    const value = this.#next.get(kind) ?? 1;
    this.#next.set(kind, value + 1);
    return value;
  }
}

export interface EmulatorState {
  /** `http://127.0.0.1:<port>`. */
  baseUrl: string;
  projects: ProjectStore;
  /** Where throw-away index files go. */
  scratchDir: string;
  sequences: Sequences;
  faults: FaultLayer;
  mirrors: MirrorScheduler;
  hooks: HookDispatcher;
}

export interface RequestContext {
  state: EmulatorState;
  project: ProjectRecord;
  /** Path parameters, URL-decoded. */
  params: Record<string, string>;
  input: Input;
  user: EmulatedUser;
  link: LinkTarget;
}

export interface Reply {
  status: number;
  /** JSON; absent for 204. */
  body?: unknown;
  headers?: Record<string, string>;
}

export type Handler = (context: RequestContext) => Promise<Reply>;

export const param = (context: RequestContext, name: string): string => context.params[name] ?? '';
