import { git } from '../codecommit/git.ts';
import { isProtected } from './branches.ts';
import { type Handler, param, type RequestContext } from './context.ts';
import { now } from './entities.ts';
import { apiError, recordNotFound } from './errors.ts';
import { pageRequest, paginate } from './pagination.ts';
import type { ProjectRecord } from './projects.ts';
import { branchHead, defaultBranch, isAncestor, mirrorableRefs, setDefaultBranch } from './repository.ts';

export type MirrorUpdateStatus = 'none' | 'scheduled' | 'started' | 'finished' | 'failed';

export interface RemoteMirrorOptions {
  /** The mirror's URL as configured (credentials included); the API shows it masked. */
  url: string;
  /** The bare repository the push lands in (e.g. a CodeCommit emulator repository's gitDir). */
  targetGitDir: string;
  keepDivergentRefs?: boolean;
  onlyProtectedBranches?: boolean;
  /** True by default. */
  enabled?: boolean;
}

export interface RemoteMirrorRecord {
  id: number;
  url: string;
  targetGitDir: string;
  enabled: boolean;
  keepDivergentRefs: boolean;
  onlyProtectedBranches: boolean;
  updateStatus: MirrorUpdateStatus;
  lastUpdateAt: string | null;
  lastUpdateStartedAt: string | null;
  lastSuccessfulUpdateAt: string | null;
  lastError: string | null;
}

export function newMirror(id: number, options: RemoteMirrorOptions): RemoteMirrorRecord {
  return {
    id,
    url: options.url,
    targetGitDir: options.targetGitDir,
    enabled: options.enabled ?? true,
    keepDivergentRefs: options.keepDivergentRefs ?? false,
    onlyProtectedBranches: options.onlyProtectedBranches ?? false,
    updateStatus: 'none',
    lastUpdateAt: null,
    lastUpdateStartedAt: null,
    lastSuccessfulUpdateAt: null,
    lastError: null,
  };
}

/** `Gitlab::UrlSanitizer`: user and password become `*****`. */
export function maskUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.username !== '') parsed.username = '*****';
    if (parsed.password !== '') parsed.password = '*****';
    return parsed.toString();
  } catch {
    return url;
  }
}

const maskUrlsIn = (text: string): string => text.replace(/\/\/[^/\s@]+@/g, '//*****:*****@');

function remoteMirrorEntity(mirror: RemoteMirrorRecord): Record<string, unknown> {
  return {
    id: mirror.id,
    enabled: mirror.enabled,
    url: maskUrl(mirror.url),
    update_status: mirror.updateStatus,
    last_update_at: mirror.lastUpdateAt,
    last_update_started_at: mirror.lastUpdateStartedAt,
    last_successful_update_at: mirror.lastSuccessfulUpdateAt,
    last_error: mirror.lastError,
    only_protected_branches: mirror.onlyProtectedBranches,
    keep_divergent_refs: mirror.keepDivergentRefs,
    auth_method: 'password',
    host_keys: [],
  };
}

/**
 * One push-mirror update, as Gitaly's UpdateRemoteMirror does it: every branch and tag is pushed,
 * diverged mirror refs are overwritten (or, with keep_divergent_refs, skipped and reported, which
 * fails the update), and mirror branches missing here are deleted when already merged into the
 * default branch (never with keep_divergent_refs).
 */
async function pushToMirror(project: ProjectRecord, mirror: RemoteMirrorRecord): Promise<string[]> {
  const source = project.gitDir;
  const local = await mirrorableRefs(source);
  const remote = await mirrorableRefs(mirror.targetGitDir);
  const defaultName = await defaultBranch(source);
  const defaultHead = defaultName === undefined ? undefined : await branchHead(source, defaultName);
  const inScope = (ref: string): boolean =>
    !mirror.onlyProtectedBranches ||
    ref.startsWith('refs/tags/') ||
    isProtected(ref.slice('refs/heads/'.length), defaultName);

  const toUpdate: string[] = [];
  const divergent: string[] = [];
  for (const [ref, target] of local) {
    const remoteTarget = remote.get(ref);
    remote.delete(ref);
    if (remoteTarget === target) continue;
    if (
      remoteTarget !== undefined &&
      mirror.keepDivergentRefs &&
      !(await isAncestor(source, remoteTarget, target))
    ) {
      if (inScope(ref)) divergent.push(ref);
      continue;
    }
    toUpdate.push(ref);
  }
  const toDelete: string[] = [];
  if (!mirror.keepDivergentRefs && defaultHead !== undefined) {
    for (const [ref, target] of remote) {
      // An extra mirror branch not merged here is kept, so no work is lost.
      if (await isAncestor(source, target, defaultHead)) toDelete.push(ref);
    }
  }
  const defaultRef = `refs/heads/${defaultName}`;
  const refspecs = [
    ...toUpdate.filter(inScope).map((ref) => `${mirror.keepDivergentRefs ? '' : '+'}${ref}:${ref}`),
    ...toDelete.filter(inScope).map((ref) => `:${ref}`),
  ].sort((a, b) => Number(b.endsWith(`:${defaultRef}`)) - Number(a.endsWith(`:${defaultRef}`)));
  if (refspecs.length > 0) {
    await git(source, ['push', '--porcelain', '--quiet', mirror.targetGitDir, ...refspecs]);
  }
  // A hosting service makes the first branch pushed into an empty repository its default one.
  if (defaultName !== undefined && (await defaultBranch(mirror.targetGitDir)) === undefined) {
    if ((await branchHead(mirror.targetGitDir, defaultName)) !== undefined) {
      await setDefaultBranch(mirror.targetGitDir, defaultName);
    }
  }
  return divergent;
}

async function updateMirror(project: ProjectRecord, mirror: RemoteMirrorRecord): Promise<void> {
  mirror.updateStatus = 'started';
  mirror.lastUpdateStartedAt = now();
  let failure: string | undefined;
  try {
    const divergent = await pushToMirror(project, mirror);
    if (divergent.length > 0) {
      failure = `Some refs have diverged and have not been updated on the remote:\n\n${divergent.join('\n')}`;
    }
  } catch (error) {
    failure = maskUrlsIn(error instanceof Error ? error.message : String(error));
  }
  const at = now();
  mirror.lastUpdateAt = at;
  if (failure === undefined) {
    mirror.updateStatus = 'finished';
    mirror.lastSuccessfulUpdateAt = at;
    mirror.lastError = null;
  } else {
    mirror.updateStatus = 'failed';
    mirror.lastError = failure;
  }
}

/** Runs mirror updates now or, with a delay, in the background the way Sidekiq would. */
export class MirrorScheduler {
  readonly #delayMs: number;
  readonly #timers = new Set<NodeJS.Timeout>();
  readonly #running = new Set<Promise<void>>();

  constructor(delayMs: number) {
    this.#delayMs = delayMs;
  }

  /** An update now, whatever the delay (the test control `runMirror`). */
  run(project: ProjectRecord, mirror: RemoteMirrorRecord): Promise<void> {
    const running = updateMirror(project, mirror).finally(() => this.#running.delete(running));
    this.#running.add(running);
    return running;
  }

  /**
   * `RemoteMirrors::SyncService`: a disabled mirror is refused; one already scheduled or running is
   * left alone (still a success).
   */
  async sync(project: ProjectRecord, mirror: RemoteMirrorRecord): Promise<void> {
    if (!mirror.enabled) {
      throw apiError(400, 'Cannot proceed with the push mirroring. Please verify your mirror configuration.');
    }
    if (mirror.updateStatus === 'scheduled' || mirror.updateStatus === 'started') return;
    if (this.#delayMs <= 0) {
      await this.run(project, mirror);
      return;
    }
    mirror.updateStatus = 'scheduled';
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      void this.run(project, mirror);
    }, this.#delayMs);
    this.#timers.add(timer);
  }

  async stop(): Promise<void> {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    await Promise.allSettled([...this.#running]);
  }
}

function findMirror(context: RequestContext): RemoteMirrorRecord {
  const id = param(context, 'mirror_id');
  const mirror = /^\d+$/.test(id) ? context.project.mirrors.get(Number(id)) : undefined;
  if (mirror === undefined) throw recordNotFound();
  return mirror;
}

/** `GET /projects/:id/remote_mirrors`. */
export const listMirrors: Handler = async (context) => {
  const page = paginate([...context.project.mirrors.values()], pageRequest(context.input), context.link);
  return { status: 200, body: page.items.map(remoteMirrorEntity), headers: page.headers };
};

/** `GET /projects/:id/remote_mirrors/:mirror_id`. */
export const getMirror: Handler = async (context) => ({
  status: 200,
  body: remoteMirrorEntity(findMirror(context)),
});

/** `POST /projects/:id/remote_mirrors/:mirror_id/sync`: 204; the update itself may come later. */
export const syncMirror: Handler = async (context) => {
  await context.state.mirrors.sync(context.project, findMirror(context));
  return { status: 204 };
};
