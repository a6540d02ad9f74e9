/**
 * What is in git about the previews of a set, read at one commit: each open preview's record
 * (`<dir>/.flowkeeper-preview.json`) and the waiting list (`<root>/.flowkeeper-waiting.json`).
 * Git is the only state: a preview is open when its directory holds its record.
 */
import type { PreviewSetConfig } from '#config/types.ts';
import { PermanentError } from '#domain/errors.ts';
import type { GitHost } from '../ports/git-host.ts';
import { previewsRoot } from './deps.ts';

export const RECORD_FILE = '.flowkeeper-preview.json';
export const WAITING_FILE = '.flowkeeper-waiting.json';

export interface PreviewRecord {
  slug: string;
  branch: string;
  pullRequest?: string;
  url: string;
  /** ISO time the preview opened. */
  openedAt: string;
  image?: string;
}

export interface WaitingEntry {
  slug: string;
  branch: string;
  pullRequest?: string;
  since: string;
}

export interface PreviewState {
  commitId: string;
  /** Every file under the previews root at `commitId`. */
  files: string[];
  open: Map<string, PreviewRecord>;
  waiting: WaitingEntry[];
}

export async function readState(host: GitHost, set: PreviewSetConfig): Promise<PreviewState> {
  const root = previewsRoot(set);
  const listing = await host.listFiles(set.branch, root);
  const recordFiles = listing.files.filter((file) => {
    const rest = file.slice(root.length + 1).split('/');
    return rest.length === 2 && rest[1] === RECORD_FILE;
  });
  const waitingFile = `${root}/${WAITING_FILE}`;
  const reads = await Promise.all(
    [...recordFiles, ...(listing.files.includes(waitingFile) ? [waitingFile] : [])].map((file) =>
      host.readFile(set.branch, file, listing.commitId),
    ),
  );
  const open = new Map<string, PreviewRecord>();
  recordFiles.forEach((file, index) => {
    const record = parseJsonFile<PreviewRecord>(file, reads[index]?.content ?? '');
    open.set(record.slug, record);
  });
  const waitingRead = reads[recordFiles.length];
  const waiting =
    waitingRead === undefined ? [] : parseJsonFile<WaitingEntry[]>(waitingFile, waitingRead.content);
  return { commitId: listing.commitId, files: listing.files, open, waiting };
}

function parseJsonFile<T>(file: string, content: string): T {
  try {
    return JSON.parse(content) as T;
  } catch (error) {
    throw new PermanentError(
      `${file}: not valid JSON (${(error as Error).message}); fix or remove the file`,
      {
        cause: error,
      },
    );
  }
}

export const recordText = (record: PreviewRecord): string => `${JSON.stringify(record, null, 2)}\n`;
export const waitingText = (waiting: WaitingEntry[]): string => `${JSON.stringify(waiting, null, 2)}\n`;
