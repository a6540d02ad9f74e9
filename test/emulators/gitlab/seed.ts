import { commitDirectly } from '../codecommit/seed.ts';

const SEED_AUTHOR = { name: 'Seed', email: 'seed@example.com' };

/**
 * Each branch gets one commit holding exactly its files; the first branch is the default and later
 * branches' commits have the first branch's commit as parent.
 */
export async function seedBranches(
  gitDir: string,
  scratchDir: string,
  files: Record<string, Record<string, string | Uint8Array>>,
): Promise<void> {
  let first: string | undefined;
  for (const [branch, branchFiles] of Object.entries(files)) {
    const commitId = await commitDirectly(gitDir, scratchDir, {
      branch,
      files: branchFiles,
      ...(first === undefined ? {} : { parentId: first }),
      inheritFiles: false,
      message: `Seed ${branch}`,
      author: SEED_AUTHOR,
    });
    first ??= commitId;
  }
}
