import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetBranchCommand } from '@aws-sdk/client-codecommit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emulatorClient } from '../emulators/codecommit/client.ts';
import { gitText, runGit } from '../emulators/codecommit/git.ts';
import { type CodeCommitEmulator, startCodeCommitEmulator } from '../emulators/codecommit/server.ts';
import { gitlabApi, projectId } from '../emulators/gitlab/client.ts';
import { type GitLabEmulator, startGitLabEmulator } from '../emulators/gitlab/server.ts';

const TOKEN = 'glpat-mirrors';
let emulator: GitLabEmulator;
let delayed: GitLabEmulator;
let codecommit: CodeCommitEmulator;
let scratch: string;
let count = 0;
const CODECOMMIT_URL =
  'https://git-user-at-123:s3cr3t%2Bpass@git-codecommit.us-east-1.amazonaws.com/v1/repos/app-manifests';

type Json = Record<string, unknown>;

beforeAll(async () => {
  [emulator, delayed, codecommit] = await Promise.all([
    startGitLabEmulator(),
    startGitLabEmulator({ mirrorDelayMs: 200 }),
    startCodeCommitEmulator(),
  ]);
  emulator.addToken(TOKEN);
  delayed.addToken(TOKEN);
  scratch = await mkdtemp(join(tmpdir(), 'gitlab-mirror-test-'));
});
afterAll(async () => {
  await Promise.all([emulator.stop(), delayed.stop(), codecommit.stop()]);
  await rm(scratch, { recursive: true, force: true });
});

const rev = (gitDir: string, spec: string) =>
  gitText(gitDir, ['rev-parse', '--verify', '--quiet', spec]).catch(() => '');

async function bareRepository(): Promise<string> {
  const gitDir = join(scratch, `target-${++count}.git`);
  await runGit(['init', '--bare', '--quiet', gitDir]);
  return gitDir;
}

async function primary(on = emulator) {
  const path = `platform/mirrored-${++count}`;
  const { gitDir } = await on.createProject(path, { main: { 'a.txt': 'a\n' }, dev: { 'a.txt': 'dev\n' } });
  const project = `/projects/${projectId(path)}`;
  const commit = (branch: string, content: string) =>
    gitlabApi(on, TOKEN)('POST', `${project}/repository/commits`, {
      branch,
      commit_message: `write ${content}`,
      actions: [{ action: 'update', file_path: 'a.txt', content }],
    });
  return { path, gitDir, project, commit };
}

/** Another writer's commit straight into the mirror (as a Lambda committing on CodeCommit would). */
async function commitOnMirror(target: string, branch: string): Promise<string> {
  const parent = await rev(target, `refs/heads/${branch}`);
  const tree = await gitText(target, ['rev-parse', `${parent}^{tree}`]);
  const id = await gitText(target, ['commit-tree', tree, '-p', parent, '-m', 'made on the mirror'], {
    env: {
      GIT_AUTHOR_NAME: 'x',
      GIT_AUTHOR_EMAIL: 'x@x',
      GIT_COMMITTER_NAME: 'x',
      GIT_COMMITTER_EMAIL: 'x@x',
    },
  });
  await gitText(target, ['update-ref', `refs/heads/${branch}`, id]);
  return id;
}

describe('remote mirrors', () => {
  it('lists a mirror with its URL masked and nothing synced yet', async () => {
    const { path, project } = await primary();
    const id = emulator.addRemoteMirror(path, { url: CODECOMMIT_URL, targetGitDir: await bareRepository() });
    const list = await gitlabApi(emulator, TOKEN)('GET', `${project}/remote_mirrors`);
    expect(list.json).toEqual([
      {
        id,
        enabled: true,
        url: 'https://*****:*****@git-codecommit.us-east-1.amazonaws.com/v1/repos/app-manifests',
        update_status: 'none',
        last_update_at: null,
        last_update_started_at: null,
        last_successful_update_at: null,
        last_error: null,
        only_protected_branches: false,
        keep_divergent_refs: false,
        auth_method: 'password',
        host_keys: [],
      },
    ]);
    expect(list.text).not.toContain('s3cr3t');
    expect((await gitlabApi(emulator, TOKEN)('GET', `${project}/remote_mirrors/${id}`)).json).toEqual(
      (list.json as Json[])[0],
    );
  });

  it('copies every branch into a CodeCommit emulator repository on sync (204)', async () => {
    const { path, project, gitDir, commit } = await primary();
    const { gitDir: target } = await codecommit.createRepository(`mirror-${count}`);
    const id = emulator.addRemoteMirror(path, { url: CODECOMMIT_URL, targetGitDir: target });
    await commit('main', 'b\n');
    const sync = await gitlabApi(emulator, TOKEN)('POST', `${project}/remote_mirrors/${id}/sync`);
    expect(sync.status).toBe(204);
    expect(sync.text).toBe('');
    const { branch } = await emulatorClient(codecommit).send(
      new GetBranchCommand({ repositoryName: `mirror-${count}`, branchName: 'main' }),
    );
    expect(branch?.commitId).toBe(await rev(gitDir, 'refs/heads/main'));
    expect(await rev(target, 'refs/heads/dev')).toBe(await rev(gitDir, 'refs/heads/dev'));
    const mirror = (await gitlabApi(emulator, TOKEN)('GET', `${project}/remote_mirrors/${id}`)).json as Json;
    expect(mirror).toMatchObject({
      update_status: 'finished',
      last_error: null,
      last_update_at: expect.any(String),
      last_update_started_at: expect.any(String),
      last_successful_update_at: mirror.last_update_at,
    });
  });

  it('overwrites a diverged mirror branch by default, losing the mirror-only commit', async () => {
    const { path, gitDir, commit } = await primary();
    const target = await bareRepository();
    const id = emulator.addRemoteMirror(path, { url: CODECOMMIT_URL, targetGitDir: target });
    await emulator.runMirror(path, id);
    const onlyOnMirror = await commitOnMirror(target, 'main');
    await commit('main', 'c\n');
    await emulator.runMirror(path);
    expect(await rev(target, 'refs/heads/main')).toBe(await rev(gitDir, 'refs/heads/main'));
    expect(await gitText(target, ['branch', '--contains', onlyOnMirror]).catch(() => '')).toBe('');
  });

  it('with keep_divergent_refs skips the diverged branch and marks the update failed', async () => {
    const { path, project, gitDir, commit } = await primary();
    const target = await bareRepository();
    const id = emulator.addRemoteMirror(path, {
      url: CODECOMMIT_URL,
      targetGitDir: target,
      keepDivergentRefs: true,
    });
    await emulator.runMirror(path, id);
    const onlyOnMirror = await commitOnMirror(target, 'main');
    await commit('main', 'c\n');
    await commit('dev', 'dev 2\n');
    await gitlabApi(emulator, TOKEN)('POST', `${project}/remote_mirrors/${id}/sync`);
    expect(await rev(target, 'refs/heads/main')).toBe(onlyOnMirror);
    expect(await rev(target, 'refs/heads/dev')).toBe(await rev(gitDir, 'refs/heads/dev'));
    const mirror = (await gitlabApi(emulator, TOKEN)('GET', `${project}/remote_mirrors/${id}`)).json as Json;
    expect(mirror).toMatchObject({
      update_status: 'failed',
      keep_divergent_refs: true,
      last_error: 'Some refs have diverged and have not been updated on the remote:\n\nrefs/heads/main',
    });
    expect(mirror.last_successful_update_at).not.toBe(mirror.last_update_at);
  });

  it('deletes a mirror branch gone upstream only when it was merged; keeps unmerged ones', async () => {
    const { path, gitDir } = await primary();
    const target = await bareRepository();
    const id = emulator.addRemoteMirror(path, { url: CODECOMMIT_URL, targetGitDir: target });
    await emulator.runMirror(path, id);
    await gitText(target, ['update-ref', 'refs/heads/merged-extra', await rev(gitDir, 'refs/heads/main')]);
    await commitOnMirror(target, 'dev');
    await gitText(target, ['update-ref', 'refs/heads/unmerged-extra', await rev(target, 'refs/heads/dev')]);
    await emulator.runMirror(path, id);
    expect(await rev(target, 'refs/heads/merged-extra')).toBe('');
    expect(await rev(target, 'refs/heads/unmerged-extra')).not.toBe('');
  });

  it('mirrors only the protected (default) branch with only_protected_branches', async () => {
    const { path, gitDir } = await primary();
    const target = await bareRepository();
    emulator.addRemoteMirror(path, {
      url: CODECOMMIT_URL,
      targetGitDir: target,
      onlyProtectedBranches: true,
    });
    await emulator.runMirror(path);
    expect(await rev(target, 'refs/heads/main')).toBe(await rev(gitDir, 'refs/heads/main'));
    expect(await rev(target, 'refs/heads/dev')).toBe('');
  });

  it('answers 404 for an unknown mirror and 400 for a disabled one', async () => {
    const { path, project } = await primary();
    const unknown = await gitlabApi(emulator, TOKEN)('POST', `${project}/remote_mirrors/999/sync`);
    expect(unknown.status).toBe(404);
    expect(unknown.json).toEqual({ message: '404 Not found' });
    const id = emulator.addRemoteMirror(path, {
      url: CODECOMMIT_URL,
      targetGitDir: await bareRepository(),
      enabled: false,
    });
    const disabled = await gitlabApi(emulator, TOKEN)('POST', `${project}/remote_mirrors/${id}/sync`);
    expect(disabled.status).toBe(400);
    expect(disabled.json).toEqual({
      message: 'Cannot proceed with the push mirroring. Please verify your mirror configuration.',
    });
  });

  it('fails the update, recording the error, when the mirror cannot be pushed to', async () => {
    const { path, project } = await primary();
    const id = emulator.addRemoteMirror(path, {
      url: CODECOMMIT_URL,
      targetGitDir: join(scratch, 'missing.git'),
    });
    await gitlabApi(emulator, TOKEN)('POST', `${project}/remote_mirrors/${id}/sync`);
    const mirror = (await gitlabApi(emulator, TOKEN)('GET', `${project}/remote_mirrors/${id}`)).json as Json;
    expect(mirror.update_status).toBe('failed');
    expect(mirror.last_error).toEqual(expect.any(String));
    expect(mirror.last_successful_update_at).toBeNull();
  });

  it('with a delay answers 204 at once, shows the mirror scheduled, and pushes later', async () => {
    const { path, project, gitDir } = await primary(delayed);
    const target = await bareRepository();
    const id = delayed.addRemoteMirror(path, { url: CODECOMMIT_URL, targetGitDir: target });
    const api = gitlabApi(delayed, TOKEN);
    expect((await api('POST', `${project}/remote_mirrors/${id}/sync`)).status).toBe(204);
    expect(((await api('GET', `${project}/remote_mirrors/${id}`)).json as Json).update_status).toBe(
      'scheduled',
    );
    expect(await rev(target, 'refs/heads/main')).toBe('');
    await expect
      .poll(async () => ((await api('GET', `${project}/remote_mirrors/${id}`)).json as Json).update_status, {
        timeout: 5000,
        interval: 50,
      })
      .toBe('finished');
    expect(await rev(target, 'refs/heads/main')).toBe(await rev(gitDir, 'refs/heads/main'));
  });
});
