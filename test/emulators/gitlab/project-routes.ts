import type { Handler } from './context.ts';
import { gitDate } from './entities.ts';
import { projectEntity } from './projects.ts';
import { branchHead, defaultBranch, readCommit } from './repository.ts';

/** `GET /projects/:id`. */
export const getProject: Handler = async (context) => {
  const { gitDir } = context.project;
  const defaultName = await defaultBranch(gitDir);
  const head = defaultName === undefined ? undefined : await branchHead(gitDir, defaultName);
  const lastActivityAt =
    head === undefined ? context.project.createdAt : gitDate((await readCommit(gitDir, head)).committer);
  return {
    status: 200,
    body: projectEntity(context.project, context.state.baseUrl, {
      defaultBranch: defaultName,
      lastActivityAt,
    }),
  };
};
