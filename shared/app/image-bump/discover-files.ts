/**
 * Reading a branch for a bump: the files explicit targets name, and the files discover targets'
 * globs match in a listing of the branch. Listings cost API calls (GetFolder per folder on
 * CodeCommit, tree pages on GitLab): each folder is listed once per commit and kept by commit id.
 */

import { foldersToList, matchesAny } from '#domain/editors/discover/globs.ts';
import {
  byteLimitProblem,
  DISCOVERY_BYTE_LIMIT,
  DISCOVERY_FILE_LIMIT,
  fileLimitProblem,
} from '#domain/editors/discover/limits.ts';
import { ManifestError } from '#domain/errors.ts';
import type { BranchTarget, DiscoverTarget } from '#domain/targets.ts';
import type { FolderListing, GitHost } from '../ports/git-host.ts';

const LISTINGS_KEPT = 32;

/** Folder listings by host, commit and folder: a commit never changes, so neither does its listing. */
export class FolderListings {
  private readonly kept = new Map<string, FolderListing>();

  async list(host: GitHost, branch: string, folder: string, at?: string): Promise<FolderListing> {
    if (at !== undefined) {
      const known = this.kept.get(JSON.stringify([host.description, at, folder]));
      if (known) return known;
    }
    const listing = await host.listFiles(branch, folder, at);
    const key = JSON.stringify([host.description, listing.commitId, folder]);
    this.kept.delete(key);
    this.kept.set(key, listing);
    if (this.kept.size > LISTINGS_KEPT) this.kept.delete(this.kept.keys().next().value as string);
    return listing;
  }
}

/** Listings shared by every bump of a warm container. */
export const containerListings = new FolderListings();

export interface BranchFiles {
  files: Map<string, string>;
  headCommit: string;
  /** The files each discover target's globs match, at `headCommit`. */
  matched: Map<DiscoverTarget, string[]>;
}

/** Reads in flight at once after the first, which fixes the commit every other file is read at. */
const READ_CONCURRENCY = 10;

const utf8 = new TextEncoder();

/**
 * Every path under the folders `globs` start with, all listed at one commit (the branch head when
 * the first folder is listed): what the globs may match.
 */
export async function listGlobFolders(
  host: GitHost,
  branch: string,
  globs: readonly string[],
  listings: FolderListings,
): Promise<{ commitId: string | undefined; paths: string[] }> {
  let commitId: string | undefined;
  const paths: string[] = [];
  for (const folder of foldersToList(globs)) {
    const listing = await listings.list(host, branch, folder, commitId);
    commitId ??= listing.commitId;
    paths.push(...listing.files);
  }
  return { commitId, paths };
}

/** Read every file the targets need, all at one commit (the branch head when first read). */
export async function readBranchFiles(
  host: GitHost,
  branch: string,
  targets: readonly BranchTarget[],
  listings: FolderListings,
): Promise<BranchFiles> {
  const explicit = targets.flatMap((t) => (t.kind === 'discover' ? [] : [t.file]));
  const discoveries = targets.filter((t): t is DiscoverTarget => t.kind === 'discover');
  const matched = new Map<DiscoverTarget, string[]>();
  let head: string | undefined;
  if (discoveries.length > 0) {
    const listed = await listGlobFolders(
      host,
      branch,
      discoveries.flatMap((d) => d.files),
      listings,
    );
    head = listed.commitId;
    const { paths } = listed;
    for (const discovery of discoveries) {
      const files = paths.filter((path) => matchesAny(discovery.files, path));
      if (files.length > DISCOVERY_FILE_LIMIT) {
        throw new ManifestError(
          discovery.files.join(', '),
          '',
          fileLimitProblem(discovery.files, branch, files.length),
        );
      }
      matched.set(discovery, files);
    }
  }
  const discovered = new Set([...matched.values()].flat());
  const all = [...new Set([...explicit, ...discovered])];
  const files = new Map<string, string>();
  let rest = all;
  if (head === undefined) {
    const [first, ...others] = all;
    if (first === undefined) throw new Error('a branch group always has at least one target');
    const read = await host.readFile(branch, first);
    files.set(first, read.content);
    head = read.commitId;
    rest = others;
  }
  let bytes = 0;
  for (let i = 0; i < rest.length; i += READ_CONCURRENCY) {
    const slice = rest.slice(i, i + READ_CONCURRENCY);
    const commit = head;
    const reads = await Promise.all(slice.map((file) => host.readFile(branch, file, commit)));
    for (const [index, file] of slice.entries()) {
      const content = reads[index]?.content ?? '';
      files.set(file, content);
      if (discovered.has(file)) bytes += utf8.encode(content).length;
    }
    if (bytes > DISCOVERY_BYTE_LIMIT) {
      throw new ManifestError(
        discoveries.flatMap((d) => d.files).join(', '),
        '',
        byteLimitProblem(branch, bytes),
      );
    }
  }
  return { files, headCommit: head, matched };
}
