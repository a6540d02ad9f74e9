import { cp, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { git } from '#adapters/local/git-cli.ts';
import { fromRoot } from './paths.ts';

export interface ExampleRepository {
  /** The git repository holding examples/manifests on main, dev and stg. */
  repository: string;
  /** A copy of examples/flowkeeper.yaml pointing at it. */
  config: string;
}

const AUTHOR = { GIT_AUTHOR_NAME: 'Example', GIT_AUTHOR_EMAIL: 'example@example.com' };

/** Create `<dir>/manifests` (a git repository with branches main, dev, stg) and `<dir>/flowkeeper.yaml`. */
export async function createExampleRepository(dir: string): Promise<ExampleRepository> {
  const root = resolve(dir);
  const repository = join(root, 'manifests');
  await mkdir(root, { recursive: true });
  await cp(fromRoot('examples/manifests'), repository, { recursive: true, errorOnExist: true, force: false });
  const env = {
    ...AUTHOR,
    GIT_COMMITTER_NAME: AUTHOR.GIT_AUTHOR_NAME,
    GIT_COMMITTER_EMAIL: AUTHOR.GIT_AUTHOR_EMAIL,
  };
  await git(['init', '--quiet', '--initial-branch=main'], { cwd: repository });
  await git(['add', '--all'], { cwd: repository });
  await git(['commit', '--quiet', '-m', 'Example manifests'], { cwd: repository, env });
  for (const branch of ['dev', 'stg']) await git(['branch', branch], { cwd: repository });
  const config = join(root, 'flowkeeper.yaml');
  await writeFile(config, await readFile(fromRoot('examples/flowkeeper.yaml'), 'utf8'));
  return { repository, config };
}
