import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { git, gitText } from '../emulators/codecommit/git.ts';
import { gitlabApi, projectId } from '../emulators/gitlab/client.ts';
import { type GitLabEmulator, startGitLabEmulator } from '../emulators/gitlab/server.ts';

const TOKEN = 'glpat-commits';
let emulator: GitLabEmulator;
let projectCount = 0;
const api = () => gitlabApi(emulator, TOKEN);

beforeAll(async () => {
  emulator = await startGitLabEmulator();
  emulator.addToken(TOKEN, { username: 'flowkeeper', name: 'Flowkeeper Bot' });
});
afterAll(() => emulator.stop());
afterEach(() => emulator.faults.reset());

async function seeded(files: Record<string, string> = {}) {
  const path = `platform/commits-${++projectCount}`;
  const { gitDir } = await emulator.createProject(path, {
    main: { 'k8s/app.yaml': 'image: app:1.0.0\n', 'k8s/other.yaml': 'other: true\n', ...files },
  });
  const head = () => gitText(gitDir, ['rev-parse', 'refs/heads/main']);
  const show = (spec: string) => gitText(gitDir, ['show', spec]);
  return {
    gitDir,
    commits: `/projects/${projectId(path)}/repository/commits`,
    head,
    show,
    seed: await head(),
  };
}

const update = (content: string, extra: Record<string, unknown> = {}) => ({
  action: 'update',
  file_path: 'k8s/app.yaml',
  content,
  ...extra,
});

describe('POST /projects/:id/repository/commits', () => {
  it('commits every action onto the branch and answers the commit with 201', async () => {
    const { commits, head, show, seed, gitDir } = await seeded({
      'old/name.txt': 'moved\n',
      'run.sh': 'echo\n',
    });
    const answer = await api()('POST', commits, {
      branch: 'main',
      commit_message: 'Bump app to 1.1.0\n\nSource: ECR push',
      author_name: 'Release Robot',
      author_email: 'robot@example.com',
      actions: [
        update('image: app:1.1.0\n'),
        {
          action: 'create',
          file_path: 'k8s/new.yaml',
          content: Buffer.from('new: 1\n').toString('base64'),
          encoding: 'base64',
        },
        { action: 'delete', file_path: 'k8s/other.yaml' },
        { action: 'move', previous_path: 'old/name.txt', file_path: 'new/name.txt' },
        { action: 'chmod', file_path: 'run.sh', execute_filemode: true },
      ],
    });
    expect(answer.status).toBe(201);
    const id = await head();
    expect(answer.json).toMatchObject({
      id,
      short_id: id.slice(0, 8),
      title: 'Bump app to 1.1.0',
      message: 'Bump app to 1.1.0\n\nSource: ECR push',
      parent_ids: [seed],
      author_name: 'Release Robot',
      author_email: 'robot@example.com',
      committer_name: 'Flowkeeper Bot',
      committer_email: 'flowkeeper@example.com',
      stats: { additions: 2, deletions: 2, total: 4 },
      status: null,
      web_url: `${emulator.url}/platform/commits-${projectCount}/-/commit/${id}`,
    });
    expect((answer.json as { authored_date: string }).authored_date).toMatch(
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000[+-]\d\d:\d\d$/,
    );
    expect(await show('main:k8s/app.yaml')).toBe('image: app:1.1.0');
    expect(await show('main:k8s/new.yaml')).toBe('new: 1');
    expect(await show('main:new/name.txt')).toBe('moved');
    const tree = await gitText(gitDir, ['ls-tree', '-r', 'main']);
    expect(tree).not.toContain('k8s/other.yaml');
    expect(tree).not.toContain('old/name.txt');
    expect(tree).toMatch(/^100755 blob \w+\trun\.sh$/m);
  });

  it('refuses a stale last_commit_id for the file with "The file has changed" and commits nothing', async () => {
    const { commits, head, seed } = await seeded();
    expect(
      (await api()('POST', commits, { branch: 'main', commit_message: 'one', actions: [update('v: 2\n')] }))
        .status,
    ).toBe(201);
    const moved = await head();
    const answer = await api()('POST', commits, {
      branch: 'main',
      commit_message: 'two',
      actions: [update('v: 3\n', { last_commit_id: seed })],
    });
    expect(answer.status).toBe(400);
    expect(answer.json).toEqual({
      message: 'The file has changed since you started editing it: k8s/app.yaml',
    });
    expect(await head()).toBe(moved);
  });

  it('accepts a last_commit_id whose last change to the file is the branch one, even if the branch moved', async () => {
    const { commits, head, seed } = await seeded();
    await api()('POST', commits, {
      branch: 'main',
      commit_message: 'other file',
      actions: [{ action: 'update', file_path: 'k8s/other.yaml', content: 'other: false\n' }],
    });
    const answer = await api()('POST', commits, {
      branch: 'main',
      commit_message: 'bump',
      actions: [update('v: 2\n', { last_commit_id: seed })],
    });
    expect(answer.status).toBe(201);
    expect((answer.json as { id: string }).id).toBe(await head());
  });

  it('is atomic: a refused action leaves the branch where it was', async () => {
    const { commits, head, seed } = await seeded();
    const answer = await api()('POST', commits, {
      branch: 'main',
      commit_message: 'half',
      actions: [update('v: 2\n'), { action: 'delete', file_path: 'k8s/missing.yaml' }],
    });
    expect(answer.status).toBe(400);
    expect(answer.json).toEqual({ message: "A file with this name doesn't exist" });
    expect(await head()).toBe(seed);
  });

  it.each([
    [{ action: 'create', file_path: 'k8s/app.yaml', content: 'x' }, 'A file with this name already exists'],
    [{ action: 'create', file_path: 'k8s', content: 'x' }, 'A directory with this name already exists'],
    [
      { action: 'update', file_path: 'k8s/missing.yaml', content: 'x' },
      "A file with this name doesn't exist",
    ],
    [{ action: 'delete', file_path: 'k8s/missing.yaml' }, "A file with this name doesn't exist"],
    [
      { action: 'move', previous_path: 'k8s/missing.yaml', file_path: 'k8s/b.yaml' },
      "A file with this name doesn't exist",
    ],
    [
      { action: 'move', previous_path: 'k8s/app.yaml', file_path: 'k8s/other.yaml' },
      'A file with this name already exists',
    ],
    [
      { action: 'chmod', file_path: 'k8s/missing.yaml', execute_filemode: true },
      "A file with this name doesn't exist",
    ],
    [
      { action: 'create', file_path: '../escape.yaml', content: 'x' },
      'Path cannot include directory traversal',
    ],
  ])('refuses %o with 400 "%s"', async (action, message) => {
    const { commits, head, seed } = await seeded();
    const answer = await api()('POST', commits, { branch: 'main', commit_message: 'm', actions: [action] });
    expect(answer.status).toBe(400);
    expect(answer.json).toEqual({ message });
    expect(await head()).toBe(seed);
  });

  it.each([
    [{ commit_message: 'm', actions: [] }, '400 Bad request - branch is required'],
    [{ branch: 'main', actions: [update('x')] }, '400 Bad request - commit_message is required'],
    [
      { branch: 'main', commit_message: 'm', actions: [] },
      '400 Bad request - Provide at least one action, or set allow_empty to true',
    ],
    [
      { branch: 'main', commit_message: 'm', actions: [{ action: 'rename', file_path: 'a' }] },
      '400 Bad request - actions[0][action] must be one of: create, update, move, delete, chmod',
    ],
    [
      { branch: 'main', commit_message: 'm', actions: [{ action: 'update', file_path: 'k8s/app.yaml' }] },
      '400 Bad request - actions[0][content] is required for update action',
    ],
    [
      { branch: 'main', commit_message: 'm', actions: [{ action: 'move', file_path: 'a' }] },
      '400 Bad request - actions[0][previous_path] is required for move action',
    ],
    [
      { branch: 'main', commit_message: 'm', actions: [update('x', { encoding: 'hex' })] },
      '400 Bad request - actions[0][encoding] must be text or base64',
    ],
    [
      {
        branch: 'main',
        commit_message: 'm',
        start_branch: 'main',
        start_sha: 'a'.repeat(40),
        actions: [update('x')],
      },
      '400 Bad request - start_branch, start_sha are mutually exclusive',
    ],
  ])('validates the request %o', async (body, message) => {
    const { commits } = await seeded();
    const answer = await api()('POST', commits, body);
    expect(answer.status).toBe(400);
    expect(answer.json).toEqual({ message });
  });

  it('creates a branch from start_sha or start_branch', async () => {
    const { commits, seed, gitDir } = await seeded();
    const fromSha = await api()('POST', commits, {
      branch: 'feature/a',
      start_sha: seed,
      commit_message: 'a',
      actions: [update('a\n')],
    });
    expect(fromSha.status).toBe(201);
    expect(fromSha.json).toMatchObject({ parent_ids: [seed] });
    const fromBranch = await api()('POST', commits, {
      branch: 'feature/b',
      start_branch: 'main',
      commit_message: 'b',
      actions: [update('b\n')],
    });
    expect(fromBranch.json).toMatchObject({ parent_ids: [seed] });
    expect(await gitText(gitDir, ['rev-parse', 'refs/heads/feature/b'])).toBe(
      (fromBranch.json as { id: string }).id,
    );
  });

  it('refuses start_sha onto an existing branch unless force, which overwrites the branch', async () => {
    const { commits, head, seed } = await seeded();
    await api()('POST', commits, { branch: 'main', commit_message: 'moved', actions: [update('moved\n')] });
    const moved = await head();
    const refused = await api()('POST', commits, {
      branch: 'main',
      start_sha: seed,
      commit_message: 'from the seed',
      actions: [update('mine\n')],
    });
    expect(refused.status).toBe(400);
    expect(refused.json).toEqual({
      message: "A branch called 'main' already exists. Switch to that branch in order to make changes",
    });
    expect(await head()).toBe(moved);

    const forced = await api()('POST', commits, {
      branch: 'main',
      start_sha: seed,
      force: true,
      commit_message: 'from the seed',
      actions: [update('mine\n')],
    });
    expect(forced.status).toBe(201);
    expect(forced.json).toMatchObject({ parent_ids: [seed] });
    expect(await head()).toBe((forced.json as { id: string }).id);
  });

  it.each([
    [{ start_sha: 'abc123' }, "Invalid start_sha 'abc123'"],
    [{ start_sha: 'f'.repeat(40) }, `Cannot find start_sha '${'f'.repeat(40)}'`],
    [{ start_branch: 'nope' }, 'You can only create or edit files when you are on a branch'],
  ])('refuses a start that is not there: %o', async (start, message) => {
    const { commits } = await seeded();
    const answer = await api()('POST', commits, {
      branch: 'new-branch',
      commit_message: 'm',
      actions: [update('x')],
      ...start,
    });
    expect(answer.status).toBe(400);
    expect(answer.json).toEqual({ message });
  });

  it('refuses a commit onto a branch that does not exist without a start', async () => {
    const { commits } = await seeded();
    const answer = await api()('POST', commits, {
      branch: 'ghost',
      commit_message: 'm',
      actions: [update('x')],
    });
    expect(answer.status).toBe(400);
    expect(answer.json).toEqual({ message: 'You can only create or edit files when you are on a branch' });
  });

  it('commits onto a branch another writer moved first, and a last_commit_id then catches the same file', async () => {
    const { commits, head, seed, show } = await seeded();
    const path = `platform/commits-${projectCount}`;
    emulator.faults.moveBranchBeforeNextCommit({ project: path, branch: 'main' });
    const unrelated = await api()('POST', commits, {
      branch: 'main',
      commit_message: 'bump',
      actions: [update('v: 2\n', { last_commit_id: seed })],
    });
    expect(unrelated.status).toBe(201);
    const parents = (unrelated.json as { parent_ids: string[] }).parent_ids;
    expect(parents).not.toEqual([seed]);
    expect(await show(`${parents[0]}:CONCURRENT_CHANGE.md`)).toContain('concurrent change');

    const before = await head();
    emulator.faults.moveBranchBeforeNextCommit({
      project: path,
      branch: 'main',
      path: 'k8s/app.yaml',
      content: 'theirs\n',
    });
    const conflict = await api()('POST', commits, {
      branch: 'main',
      commit_message: 'bump again',
      actions: [update('v: 3\n', { last_commit_id: before })],
    });
    expect(conflict.json).toEqual({
      message: 'The file has changed since you started editing it: k8s/app.yaml',
    });
    expect(await show('main:k8s/app.yaml')).toBe('theirs');
  });

  it('creates the first branch of an empty project, which becomes its default branch', async () => {
    const path = `platform/empty-${++projectCount}`;
    const { gitDir } = await emulator.createProject(path);
    const project = `/projects/${projectId(path)}`;
    expect((await api()('GET', project)).json).toMatchObject({ default_branch: null, empty_repo: true });
    const answer = await api()('POST', `${project}/repository/commits`, {
      branch: 'main',
      commit_message: 'Initial',
      actions: [{ action: 'create', file_path: 'README.md', content: 'hi\n' }],
    });
    expect(answer.json).toMatchObject({ parent_ids: [] });
    expect((await api()('GET', project)).json).toMatchObject({ default_branch: 'main', empty_repo: false });
    expect((await git(gitDir, ['symbolic-ref', 'HEAD'])).toString().trim()).toBe('refs/heads/main');
  });
});
