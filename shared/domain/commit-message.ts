import type { ChangeRecord, PushedImage } from './plan-branch.ts';

export interface CommitMessageInput {
  image: PushedImage;
  branch: string;
  eventId: string;
  changes: ChangeRecord[];
}

/**
 * `my-app 1.4.1 → 1.4.2 (dev)` and a body naming the ECR repository, digest, event and every
 * change, so the history alone tells what moved and why.
 */
export function commitMessage({ image, branch, eventId, changes }: CommitMessageInput): string {
  const froms = [...new Set(changes.map((c) => c.from))];
  const to = changes[0]?.to ?? image.tag;
  const from = froms.length === 1 ? `${froms[0]} → ` : '→ ';
  const summary = `${image.ecr} ${from}${to} (${branch})`;
  const body = [
    `ECR repository: ${image.ecr}`,
    `Image: ${image.name}:${image.tag}`,
    `Digest: ${image.digest ?? '(not in event)'}`,
    `Event: ${eventId}`,
    '',
    ...changes.map((c) => `- ${c.file} ${c.target}: ${c.from} → ${c.to}`),
  ];
  return `${summary}\n\n${body.join('\n')}\n`;
}
