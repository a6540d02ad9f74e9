import { type Handler, param, type RequestContext } from './context.ts';
import { commitEntity } from './entities.ts';
import { notFound } from './errors.ts';
import { optionalString } from './input.ts';
import { pageRequest, paginate } from './pagination.ts';
import { branchHead, defaultBranch, isAncestor, listBranches, readCommits } from './repository.ts';

/** Only the default branch is protected, as on a new GitLab project. */
export const isProtected = (branch: string, defaultBranchName: string | undefined): boolean =>
  branch === defaultBranchName;

async function branchEntities(
  context: RequestContext,
  branches: Array<{ name: string; head: string }>,
): Promise<Array<Record<string, unknown>>> {
  const { gitDir, path } = context.project;
  const defaultName = await defaultBranch(gitDir);
  const defaultHead = defaultName === undefined ? undefined : await branchHead(gitDir, defaultName);
  const commits = await readCommits(
    gitDir,
    branches.map((branch) => branch.head),
  );
  return Promise.all(
    branches.map(async (branch, index) => {
      const isDefault = branch.name === defaultName;
      const protectedBranch = isProtected(branch.name, defaultName);
      return {
        name: branch.name,
        commit: commitEntity(
          commits[index] as (typeof commits)[number],
          context.project,
          context.state.baseUrl,
        ),
        merged:
          !isDefault && defaultHead !== undefined && (await isAncestor(gitDir, branch.head, defaultHead)),
        protected: protectedBranch,
        developers_can_push: false,
        developers_can_merge: false,
        can_push: true,
        default: isDefault,
        web_url: `${context.state.baseUrl}/${path}/-/tree/${branch.name}`,
      };
    }),
  );
}

/** `search`: a substring, `^prefix` or `suffix$`, case-insensitive. */
function matchesSearch(name: string, search: string | undefined): boolean {
  if (search === undefined || search === '') return true;
  const lowerName = name.toLowerCase();
  const lower = search.toLowerCase();
  if (lower.startsWith('^')) return lowerName.startsWith(lower.slice(1));
  if (lower.endsWith('$')) return lowerName.endsWith(lower.slice(0, -1));
  return lowerName.includes(lower);
}

/** `GET /projects/:id/repository/branches` (sorted by name, paginated). */
export const listBranchesRoute: Handler = async (context) => {
  const search = optionalString(context.input, 'search');
  const request = pageRequest(context.input);
  const all = (await listBranches(context.project.gitDir)).filter((branch) =>
    matchesSearch(branch.name, search),
  );
  const page = paginate(all, request, context.link);
  return { status: 200, body: await branchEntities(context, page.items), headers: page.headers };
};

/** `GET /projects/:id/repository/branches/:branch`. */
export const getBranch: Handler = async (context) => {
  const name = param(context, 'branch');
  const head = await branchHead(context.project.gitDir, name);
  if (head === undefined) throw notFound('Branch');
  const [entity] = await branchEntities(context, [{ name, head }]);
  return { status: 200, body: entity };
};
