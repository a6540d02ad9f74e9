import type { StageFiles } from '#domain/stage-values.ts';
import { type GitHost, GitHostError } from '../ports/git-host.ts';

export interface StageSnapshot {
  files: StageFiles;
  /** Head commit of each stage that exists and holds at least one of the files. */
  heads: ReadonlyMap<string, string>;
  /** Stages whose branch does not exist. */
  missingBranches: string[];
}

/**
 * Read `files` on every branch in `stages`, each branch at one commit (the first read pins the
 * head, later reads use it). A missing file or branch is recorded, not thrown.
 */
export async function readStages(host: GitHost, stages: string[], files: string[]): Promise<StageSnapshot> {
  const snapshot = new Map<string, Map<string, string | undefined>>();
  const heads = new Map<string, string>();
  const missingBranches: string[] = [];
  for (const branch of stages) {
    const contents = new Map<string, string | undefined>();
    snapshot.set(branch, contents);
    for (const file of files) {
      try {
        const read = await host.readFile(branch, file, heads.get(branch));
        heads.set(branch, read.commitId);
        contents.set(file, read.content);
      } catch (error) {
        if (!(error instanceof GitHostError)) throw error;
        if (error.code === 'BranchNotFound') {
          missingBranches.push(branch);
          break;
        }
        if (error.code !== 'FileNotFound') throw error;
        contents.set(file, undefined);
      }
    }
  }
  return { files: snapshot, heads, missingBranches };
}
