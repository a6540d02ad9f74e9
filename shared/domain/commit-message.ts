import type { ChangeRecord, PushedImage } from './plan-branch.ts';
import { plainLine } from './untrusted-text.ts';

export interface CommitMessageInput {
  image: PushedImage;
  branch: string;
  eventId: string;
  changes: ChangeRecord[];
}

/**
 * `my-app 1.4.1 → 1.4.2 (dev)` and a body naming the ECR repository, digest, event and every
 * change, so the history alone tells what moved and why. Every value (from the event, the
 * configuration or the manifest) is flattened onto its line: none can add a line, so none can add
 * a trailer such as `Signed-off-by:`.
 */
export function commitMessage({ image, branch, eventId, changes }: CommitMessageInput): string {
  const froms = [...new Set(changes.map((c) => c.from))];
  const to = changes[0]?.to ?? image.tag;
  const from = froms.length === 1 ? `${froms[0]} → ` : '→ ';
  const summary = plainLine(`${image.ecr} ${from}${to} (${branch})`);
  const body = [...imageLines(image, eventId), '', ...changes.map(changeLine)];
  return `${summary}\n\n${body.join('\n')}\n`;
}

function imageLines(image: PushedImage, eventId: string): string[] {
  return [
    `ECR repository: ${plainLine(image.ecr)}`,
    `Image: ${plainLine(`${image.name}:${image.tag}`)}`,
    `Digest: ${plainLine(image.digest ?? '(not in event)')}`,
    `Event: ${plainLine(eventId)}`,
  ];
}

const changeLine = (c: ChangeRecord): string => plainLine(`- ${c.file} ${c.target}: ${c.from} → ${c.to}`);

export interface ImageChanges {
  image: PushedImage;
  eventId: string;
  changes: ChangeRecord[];
}

const SUMMARY_IMAGES = 3;

/**
 * One commit for several images on one branch: the summary names the first few images and how
 * many more; the body gives each image its own block (repository, digest, event, changes), so
 * every value that moved and every event that moved it is in the history. One image reads exactly
 * as {@link commitMessage}.
 */
export function batchCommitMessage(branch: string, images: ImageChanges[]): string {
  const [only] = images;
  if (only !== undefined && images.length === 1) return commitMessage({ ...only, branch });
  const named = images
    .slice(0, SUMMARY_IMAGES)
    .map(({ image, changes }) => `${image.ecr} ${changes[0]?.to ?? image.tag}`);
  const more = images.length > SUMMARY_IMAGES ? ` and ${images.length - SUMMARY_IMAGES} more` : '';
  const summary = plainLine(`${images.length} images: ${named.join(', ')}${more} (${branch})`);
  const blocks = images.map(({ image, eventId, changes }) =>
    [...imageLines(image, eventId), ...changes.map(changeLine)].join('\n'),
  );
  return `${summary}\n\n${blocks.join('\n\n')}\n`;
}
