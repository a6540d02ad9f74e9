import { describe, expect, it } from 'vitest';
import {
  flatten,
  inlineCode,
  linkableUrl,
  markdownName,
  markdownProse,
  markdownText,
  plainLine,
  truncate,
  withoutQuickActions,
} from '#domain/untrusted-text.ts';

const ZWJ = '\u200d';

/** Hostile samples: each would act (a quick action, a mention, a new line, a link) if posted raw. */
const HOSTILE = [
  '/approve',
  'make test\n/label ~x\n/merge',
  '@all please look',
  'exit 1\r\n/close',
  'line\u2028/approve\u2029@all',
  'a\u0085/unassign\u000b@here\u000c',
  '[x](javascript:alert(1)) ![i](https://evil.example/p.png)',
  '<img src=x onerror=alert(1)>',
  'a ` b `` c ``` d',
  '`leading and trailing`',
  '\u202eevil\u202c',
];

/** No line of the text begins with `/`, and no `@` is directly followed by a name character. */
function inert(text: string): void {
  expect(text.split(/\r\n|[\n\r\v\f\u2028\u2029\u0085]/)).toHaveLength(1);
  expect(text).not.toMatch(/^\s*\//);
  expect(text).not.toMatch(/@[\w-]/);
}

describe('flatten and plainLine', () => {
  it('turn every line break and control into one space, leaving ordinary text alone', () => {
    expect(flatten('a\r\nb\nc\rd\u2028e\u2029f\u0085g\th\u0000i\u001bj\u007fk')).toBe(
      'a b c d e f g h i j k',
    );
    expect(flatten('\u202eevil\u202c')).toBe(' evil ');
    expect(plainLine('feature/x → main (1.4.2)')).toBe('feature/x → main (1.4.2)');
    expect(plainLine('eu-west-1\nSigned-off-by: x')).toBe('eu-west-1 Signed-off-by: x');
  });

  it('truncate with an ellipsis, never splitting a surrogate pair', () => {
    expect(plainLine('x'.repeat(50), 10)).toBe(`${'x'.repeat(9)}…`);
    expect(plainLine('short', 10)).toBe('short');
    expect(truncate(`${'a'.repeat(8)}😀😀`, 10)).toBe(`${'a'.repeat(8)}…`);
    expect(plainLine('y'.repeat(100_000), 200)).toHaveLength(200);
  });
});

describe('inlineCode', () => {
  it.each(HOSTILE)('fences %j on one line with no quick action and no mention', (sample) => {
    const code = inlineCode(sample);
    inert(code);
    expect(code.startsWith('`')).toBe(true);
    expect(code.endsWith('`')).toBe(true);
  });

  it('uses a fence longer than any backtick run inside, padding a content that starts or ends with one', () => {
    expect(inlineCode('make validate')).toBe('`make validate`');
    expect(inlineCode('a ` b `` c ``` d')).toBe('````a ` b `` c ``` d````');
    expect(inlineCode('`x`')).toBe('`` `x` ``');
    expect(inlineCode(' x ')).toBe('`  x  `');
    expect(inlineCode('')).toBe('` `');
    expect(inlineCode('\n')).toBe('` `');
  });

  it('keeps @ visible but breaks the mention with a zero-width joiner', () => {
    expect(inlineCode('@all')).toBe(`\`@${ZWJ}all\``);
    expect(inlineCode('mail me@example.com')).toBe(`\`mail me@${ZWJ}example.com\``);
  });

  it('flattens line breaks, so a quoted command cannot start a line of the note', () => {
    expect(inlineCode('exit 2\n/approve\n@all')).toBe(`\`exit 2 /approve @${ZWJ}all\``);
    expect(inlineCode('a\r\n/close')).toBe('`a /close`');
  });

  it('cuts very long text', () => {
    const code = inlineCode('z'.repeat(10_000), 100);
    expect(code).toBe(`\`${'z'.repeat(99)}…\``);
  });
});

describe('markdownText', () => {
  it.each(HOSTILE)('renders %j literally on one line with no quick action and no mention', (sample) => {
    const text = markdownText(sample);
    inert(text);
    // Every markdown bracket, angle bracket and backtick is escaped.
    expect(text).not.toMatch(/(^|[^\\])[[\]<>`]/);
  });

  it('leaves ordinary prose as it is', () => {
    expect(markdownText('Pull request from feature/x into prod refused: prod accepts (pre-prod).')).toBe(
      'Pull request from feature/x into prod refused: prod accepts (pre-prod).',
    );
  });

  it('escapes links, images, HTML, code and a leading slash', () => {
    expect(markdownText('[x](javascript:alert(1))')).toBe('\\[x\\](javascript:alert(1))');
    expect(markdownText('![i](u)')).toBe('\\!\\[i\\](u)');
    expect(markdownText('<b>`c`</b>')).toBe('\\<b\\>\\`c\\`\\</b\\>');
    expect(markdownText('/approve')).toBe('\\/approve');
    expect(markdownText('x\n/approve')).toBe('x /approve');
    expect(markdownText('\\[')).toBe('\\\\\\[');
  });
});

describe('markdownProse', () => {
  it('fences the hostile names it is given and escapes the rest', () => {
    const name = 'x\n/approve [a](b)';
    expect(markdownProse(`From ${name} into main_2 (and ${name}).`, [name, 'main_2'])).toBe(
      'From `x /approve [a](b)` into main\\_2 (and `x /approve [a](b)`).',
    );
    expect(markdownProse('/close [a](b)', [])).toBe('\\/close \\[a\\](b)');
    expect(markdownProse('', ['x\n'])).toBe('');
  });

  it('fences the longest name where two start at the same place', () => {
    expect(markdownProse('a@b@c!', ['a@b', 'a@b@c'])).toBe(`\`a@${ZWJ}b@${ZWJ}c\`\\!`);
  });
});

describe('markdownName', () => {
  it('keeps a plain name, fences anything else', () => {
    expect(markdownName('feature/probe')).toBe('feature/probe');
    expect(markdownName('manifests_validate-2')).toBe('manifests_validate-2');
    expect(markdownName('/approve')).toBe('`/approve`');
    expect(markdownName('feature/x\n[y](javascript:z)')).toBe('`feature/x [y](javascript:z)`');
    expect(markdownName('@all')).toBe(`\`@${ZWJ}all\``);
  });
});

describe('linkableUrl', () => {
  it('accepts https URLs a markdown link cannot be broken out of', () => {
    const link =
      'https://console.aws.amazon.com/cloudwatch/home?region=eu-west-1#logEvent:group=/aws/codebuild/p;stream=u';
    expect(linkableUrl(link)).toBe(link);
    expect(
      linkableUrl('https://eu-west-1.console.aws.amazon.com/codesuite/build/p%3Au/?region=x'),
    ).toBeDefined();
  });

  it.each([
    'javascript:alert(1)',
    'http://plain.example/',
    'https://x.example/a) [more](https://evil.example',
    'https://x.example/\n/approve',
    'https://x.example/ "title"',
    'https://x.example/<b>',
    undefined,
  ])('refuses %j', (url) => {
    expect(linkableUrl(url)).toBeUndefined();
  });
});

describe('withoutQuickActions', () => {
  it('keeps any line from starting with a slash, indented or not', () => {
    const guarded = withoutQuickActions('<!-- marker -->\n/approve\n  /label ~x\ntext /not-a-command');
    expect(guarded.split('\n').filter((line) => /^\s*\//.test(line))).toEqual([]);
    expect(guarded).toBe(`<!-- marker -->\n${ZWJ}/approve\n  ${ZWJ}/label ~x\ntext /not-a-command`);
  });
});
