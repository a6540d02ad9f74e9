/**
 * Text Flowkeeper did not write (branch names, commit messages, file paths, build output, callers)
 * made inert before it lands where text acts: a markdown comment whose lines can be GitLab quick
 * actions (`/approve`) or mentions (`@all`), an alert read as lines, a commit message whose last
 * lines can be trailers. Pure and deterministic, so a redelivered event renders the same text.
 */

/**
 * What may break or reorder a line: C0 and C1 controls (tab, CR and LF included), DEL, the Unicode
 * line and paragraph separators, and the bidirectional embeddings, overrides and isolates.
 */
const LINE_BREAKERS = /[\p{Cc}\u2028\u2029\u202a-\u202e\u2066-\u2069]+/gu;
/** U+200D: keeps `@` from starting a mention, and `/` from starting a line, without being seen. */
const ZERO_WIDTH_JOINER = '\u200d';
const ELLIPSIS = '…';
/** Inline code is for values, not documents: a longer one is cut. */
const INLINE_CODE_LIMIT = 300;
/** Names (branches, projects, paths) that read the same in markdown as in plain text. */
const PLAIN_NAME = /^[A-Za-z0-9][A-Za-z0-9._/-]{0,199}$/;
/** Markdown punctuation that can start a link, an image, HTML, code, emphasis, a heading or a table. */
const MARKDOWN_PUNCTUATION = /[\\`*_[\]<>#|~!]/g;
/** What a link target may hold unescaped: an https URL with no space, quote, bracket or control. */
const LINKABLE_URL = /^https:\/\/[A-Za-z0-9.-]+(?::\d+)?(?:[/?#][^\s"'<>()[\]\\`\p{Cc}]*)?$/u;

/** Each run of line breaks and other controls becomes one space. */
export function flatten(text: string): string {
  return text.replace(LINE_BREAKERS, ' ');
}

/** At most `maxLength` characters, a cut one ending in `…`; never splits a surrogate pair. */
export function truncate(text: string, maxLength: number): string {
  if (text.length <= maxLength) return text;
  let end = Math.max(0, maxLength - ELLIPSIS.length);
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return `${text.slice(0, end)}${ELLIPSIS}`;
}

/**
 * One line of plain text, for places that are not markdown: alert subjects and message lines,
 * commit message lines, commit status descriptions. Line breaks and controls become spaces.
 */
export function plainLine(text: string, maxLength = Number.POSITIVE_INFINITY): string {
  return truncate(flatten(text), maxLength);
}

/**
 * CommonMark inline code holding `text` literally, on one line: fenced by more backticks than the
 * longest run inside it, padded when it starts or ends with a backtick or a space. Every `@` is
 * followed by a zero-width joiner, so a renderer that ignored the fence would still see no mention;
 * the fence itself keeps a `/` from starting the line.
 */
export function inlineCode(text: string, maxLength = INLINE_CODE_LIMIT): string {
  const content = plainLine(text, maxLength).replaceAll('@', `@${ZERO_WIDTH_JOINER}`);
  if (content.trim() === '') return '` `';
  const longestRun = Math.max(0, ...(content.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longestRun + 1);
  const pad = /^[` ]|[` ]$/.test(content) ? ' ' : '';
  return `${fence}${pad}${content}${pad}${fence}`;
}

/**
 * A name as is when it reads the same in markdown (letters, digits, `.`, `_`, `/`, `-`, not
 * starting with punctuation), otherwise {@link inlineCode}. Ordinary names keep their look.
 */
export function markdownName(name: string): string {
  return PLAIN_NAME.test(name) ? name : inlineCode(name);
}

/**
 * Prose that embeds untrusted names, as literal markdown on one line: markdown punctuation is
 * backslash-escaped (no link, image, HTML, code or heading can start), every `@` is followed by a
 * zero-width joiner, and a leading `/` is escaped so the line is no quick action.
 */
export function markdownText(text: string, maxLength = Number.POSITIVE_INFINITY): string {
  return plainLine(text, maxLength)
    .replace(MARKDOWN_PUNCTUATION, (character) => `\\${character}`)
    .replaceAll('@', `@${ZERO_WIDTH_JOINER}`)
    .replace(/^(\s*)\//, '$1\\/');
}

/**
 * Flowkeeper's own sentence that names untrusted values (branch names in a flow verdict): each
 * value that is not a plain name is fenced with {@link inlineCode}; the rest of the sentence, and
 * any value it holds in another form, is {@link markdownText}. One line either way.
 */
export function markdownProse(text: string, names: readonly string[]): string {
  const fenced = [...new Set(names)]
    .filter((name) => name !== '' && !PLAIN_NAME.test(name))
    .sort((a, b) => b.length - a.length);
  const parts: string[] = [];
  let rest = text;
  while (rest !== '') {
    let next: { index: number; name: string } | undefined;
    for (const name of fenced) {
      const index = rest.indexOf(name);
      if (index >= 0 && (next === undefined || index < next.index)) next = { index, name };
    }
    if (next === undefined) {
      parts.push(markdownText(rest));
      break;
    }
    parts.push(markdownText(rest.slice(0, next.index)), inlineCode(next.name));
    rest = rest.slice(next.index + next.name.length);
  }
  return parts.join('');
}

/** `url` when it is an https URL safe to use as a markdown link target; otherwise undefined. */
export function linkableUrl(url: string | undefined): string | undefined {
  return url !== undefined && LINKABLE_URL.test(url) ? url : undefined;
}

/**
 * A markdown document whose lines can no longer be GitLab quick actions: a line that starts with
 * `/` (after any indentation) gets a zero-width joiner before it. Flowkeeper's own text never starts
 * a line so; this is the last guard before a note is posted.
 */
export function withoutQuickActions(markdown: string): string {
  return markdown.replace(/^([ \t]*)\//gm, `$1${ZERO_WIDTH_JOINER}/`);
}
