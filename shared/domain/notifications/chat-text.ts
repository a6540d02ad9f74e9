/**
 * Untrusted text made inert for chat markup (Slack mrkdwn, and Amazon Q's `client-markdown`, which
 * Slack renders the same way): one line, `&`, `<` and `>` escaped as Slack requires (so no
 * `<!channel>`, `<!here>`, `<@U…>` or `<url|label>` can be formed), and every `@` followed by a
 * zero-width joiner so a bare `@here` or `@channel` notifies nobody either.
 */
import { linkableUrl, plainLine } from '#domain/untrusted-text.ts';

const ZERO_WIDTH_JOINER = '\u200d';

/** Escaped mrkdwn on one line, at most `maxLength` characters before escaping. */
export function chatText(text: string, maxLength = Number.POSITIVE_INFINITY): string {
  return plainLine(text, maxLength)
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('@', `@${ZERO_WIDTH_JOINER}`);
}

/** Plain text (a Slack `plain_text` object, an SNS summary): one line, no mention can form. */
export function chatPlainText(text: string, maxLength = Number.POSITIVE_INFINITY): string {
  return plainLine(text, maxLength).replaceAll('@', `@${ZERO_WIDTH_JOINER}`);
}

/** `url` when it is an https URL that cannot break out of a `<url|label>` link; otherwise undefined. */
export function chatUrl(url: string): string | undefined {
  const safe = linkableUrl(url);
  return safe !== undefined && !safe.includes('|') ? safe : undefined;
}
