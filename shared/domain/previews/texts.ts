/** Commit messages and pull-request comments of previews; every outside name is made inert. */
import { inlineCode, plainLine } from '../untrusted-text.ts';

export interface PreviewMention {
  set: string;
  slug: string;
  branch: string;
  url: string;
}

/** The hidden line a comment carries so a redelivered event finds it instead of posting again. */
export const commentMarker = (set: string, slug: string, what: string): string =>
  `<!-- flowkeeper-preview ${set}/${slug} ${what} -->`;

export const openedComment = (p: PreviewMention, image: string | undefined): string =>
  [
    `Preview ${inlineCode(p.slug)} is open: ${p.url}`,
    '',
    `Branch ${inlineCode(p.branch)}${image === undefined ? '' : `, image ${inlineCode(image)}`}. It is removed when this closes.`,
  ].join('\n');

export const closedComment = (p: PreviewMention): string =>
  `Preview ${inlineCode(p.slug)} (${p.url}) is removed.`;

export const waitingComment = (p: PreviewMention, maxOpen: number): string =>
  `Preview ${inlineCode(p.slug)} waits: ${maxOpen} previews are open, the most set ${inlineCode(p.set)} allows. It opens when one closes.`;

export const previewCommitMessage = (
  verb: 'Open' | 'Close' | 'Update' | 'Queue',
  p: Pick<PreviewMention, 'set' | 'slug' | 'branch'>,
  eventId: string,
  detail?: string,
): string =>
  [
    `${verb} preview ${p.slug} (${p.set})`,
    '',
    plainLine(`Branch: ${p.branch}`, 300),
    ...(detail === undefined ? [] : [plainLine(detail, 300)]),
    '',
    `Flowkeeper-Event: ${plainLine(eventId, 128)}`,
  ].join('\n');
