import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { initBare } from '../codecommit/git.ts';
import { now } from './entities.ts';
import type { HookRecord } from './hooks.ts';
import type { MergeRequestRecord } from './merge-requests.ts';
import type { RemoteMirrorRecord } from './mirrors.ts';
import type { PipelineRecord } from './statuses.ts';

export interface ProjectRecord {
  id: number;
  /** `platform/app-manifests`. */
  path: string;
  gitDir: string;
  createdAt: string;
  mergeRequests: Map<number, MergeRequestRecord>;
  pipelines: PipelineRecord[];
  mirrors: Map<number, RemoteMirrorRecord>;
  /** Project webhooks by id. */
  hooks: Map<number, HookRecord>;
  /** Settings → Merge requests → "Pipelines must succeed" (`only_allow_merge_if_pipeline_succeeds`). */
  pipelineMustSucceed: boolean;
  /** Runs repository writes of this project one at a time. */
  exclusive<T>(work: () => Promise<T>): Promise<T>;
}

/** A namespace and a project name, each segment as GitLab paths allow. */
const PROJECT_PATH = /^[A-Za-z0-9_][A-Za-z0-9_.-]*(\/[A-Za-z0-9_][A-Za-z0-9_.-]*)+$/;

function serialised(): <T>(work: () => Promise<T>) => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(work: () => Promise<T>): Promise<T> => {
    const run = tail.then(work, work);
    tail = run.catch(() => undefined);
    return run;
  };
}

/** Projects by id and path; each one is a bare repository `<root>/<namespace>/<name>.git`. */
export class ProjectStore {
  readonly root: string;
  readonly #byId = new Map<number, ProjectRecord>();
  #nextId = 1;

  constructor(root: string) {
    this.root = root;
  }

  gitDir(path: string): string {
    return `${join(this.root, ...path.split('/'))}.git`;
  }

  /**
   * Registers the project and initialises its repository; `existed` when a persistent root already
   * held the repository (its history is kept).
   */
  async create(path: string): Promise<{ record: ProjectRecord; existed: boolean }> {
    if (!PROJECT_PATH.test(path) || path.endsWith('.git')) {
      throw new Error(`'${path}' is not a project path like 'group/project'`);
    }
    if (this.find(path) !== undefined) throw new Error(`project ${path} already exists`);
    const gitDir = this.gitDir(path);
    const existed = existsSync(gitDir);
    if (!existed) await initBare(gitDir);
    const record: ProjectRecord = {
      id: this.#nextId++,
      path,
      gitDir,
      createdAt: now(),
      mergeRequests: new Map(),
      pipelines: [],
      mirrors: new Map(),
      hooks: new Map(),
      pipelineMustSucceed: false,
      exclusive: serialised(),
    };
    this.#byId.set(record.id, record);
    return { record, existed };
  }

  /** By numeric id or by path (paths compare case-insensitively, as GitLab's routes do). */
  find(idOrPath: string | number): ProjectRecord | undefined {
    const key = String(idOrPath);
    if (/^\d+$/.test(key)) return this.#byId.get(Number(key));
    const lower = key.toLowerCase();
    return [...this.#byId.values()].find((project) => project.path.toLowerCase() === lower);
  }

  get(idOrPath: string | number): ProjectRecord {
    const project = this.find(idOrPath);
    if (project === undefined) throw new Error(`no project ${idOrPath}`);
    return project;
  }
}

/** `API::Entities::Project` as a token with the Maintainer role sees it (the fields clients read). */
export function projectEntity(
  project: ProjectRecord,
  baseUrl: string,
  repository: { defaultBranch: string | undefined; lastActivityAt: string },
): Record<string, unknown> {
  const segments = project.path.split('/');
  const name = segments.at(-1) as string;
  const namespacePath = segments.slice(0, -1).join('/');
  const webUrl = `${baseUrl}/${project.path}`;
  const apiUrl = `${baseUrl}/api/v4/projects/${project.id}`;
  const host = new URL(baseUrl).host;
  return {
    id: project.id,
    description: null,
    name,
    name_with_namespace: [...segments.slice(0, -1), name].join(' / '),
    path: name,
    path_with_namespace: project.path,
    created_at: project.createdAt,
    default_branch: repository.defaultBranch ?? null,
    tag_list: [],
    topics: [],
    ssh_url_to_repo: `git@${new URL(baseUrl).hostname}:${project.path}.git`,
    http_url_to_repo: `${webUrl}.git`,
    web_url: webUrl,
    readme_url: null,
    forks_count: 0,
    avatar_url: null,
    star_count: 0,
    last_activity_at: repository.lastActivityAt,
    visibility: 'private',
    namespace: {
      id: project.id + 1000,
      name: segments.at(-2),
      path: segments.at(-2),
      kind: 'group',
      full_path: namespacePath,
      parent_id: null,
      avatar_url: null,
      web_url: `${baseUrl}/groups/${namespacePath}`,
    },
    container_registry_image_prefix: `${host}/${project.path}`,
    _links: {
      self: apiUrl,
      issues: `${apiUrl}/issues`,
      merge_requests: `${apiUrl}/merge_requests`,
      repo_branches: `${apiUrl}/repository/branches`,
      labels: `${apiUrl}/labels`,
      events: `${apiUrl}/events`,
      members: `${apiUrl}/members`,
      cluster_agents: `${apiUrl}/cluster_agents`,
    },
    empty_repo: repository.defaultBranch === undefined,
    archived: false,
    mirror: false,
    remote_mirror_available_overridden: null,
    merge_method: 'merge',
    squash_option: 'default_off',
    permissions: { project_access: { access_level: 40, notification_level: 3 }, group_access: null },
  };
}
