/**
 * Strict JSON parsing with offsets kept: a syntax error is reported at its line and column, and
 * every node of the tree points at its exact bytes in the text.
 */
import { type Node, type ParseError, parseTree, printParseErrorCode } from 'jsonc-parser';
import { ManifestError } from '../../errors.ts';
import { JSON_DEPTH_LIMIT, JSON_SIZE_LIMIT, rememberParsed, sizeProblem } from '../manifest-limits.ts';

export type JsonNode = Node;

/** A parsed file: the tree's offsets index into `text`. */
export interface JsonDocument {
  readonly text: string;
  readonly file: string;
  readonly root: JsonNode;
}

const BOM = '\uFEFF';

const PROBLEMS: Record<string, string> = {
  InvalidSymbol: 'unexpected character',
  InvalidNumberFormat: 'invalid number',
  PropertyNameExpected: 'expected a property name in double quotes',
  ValueExpected: 'expected a value',
  ColonExpected: "expected ':'",
  CommaExpected: "expected ',' or a closing bracket",
  CloseBraceExpected: "expected '}'",
  CloseBracketExpected: "expected ']'",
  EndOfFileExpected: 'unexpected content after the end of the JSON value',
  InvalidCommentToken: 'comments are not allowed in JSON (ECS and CodePipeline reject them); remove it',
  UnexpectedEndOfComment: 'unterminated comment (comments are not allowed in JSON)',
  UnexpectedEndOfString: 'unterminated string',
  UnexpectedEndOfNumber: 'incomplete number',
  InvalidUnicode: 'invalid \\u escape',
  InvalidEscapeCharacter: 'invalid escape sequence',
  InvalidCharacter: 'control character inside a string; escape it',
};

const parsed = rememberParsed<JsonDocument>();

/**
 * Parse `text` as strict JSON (no comments, no trailing commas). Throws a ManifestError naming the
 * line and column of the first syntax error, or the limit a file too large or too deeply nested
 * exceeds. Offsets of the returned tree index into `text`. The same text is parsed once (the read,
 * the write and the read-back of the edit share parses).
 */
export function parseJson(text: string, file: string): JsonDocument {
  const known = parsed.get(text, file);
  if (known) return known;
  // A leading byte-order mark is left in place; parsing it as a space keeps every offset valid.
  const source = text.startsWith(BOM) ? ` ${text.slice(1)}` : text;
  if (source.trim() === '')
    throw new ManifestError(file, '', 'the file is empty; it must hold a JSON document');
  const tooLarge = sizeProblem(text, JSON_SIZE_LIMIT, 'JSON');
  if (tooLarge) throw new ManifestError(file, '', tooLarge);
  const deep = tooDeep(source);
  if (deep !== undefined) {
    throw new ManifestError(
      file,
      '',
      `invalid JSON at ${lineAndColumn(text, deep)}: arrays and objects nest deeper than ${JSON_DEPTH_LIMIT} levels, ` +
        'more than any ECS or CodePipeline file does; fix the file',
    );
  }
  const errors: ParseError[] = [];
  const root = parseTree(source, errors, {
    disallowComments: true,
    allowTrailingComma: false,
    allowEmptyContent: false,
  });
  const first = errors[0];
  if (first || !root) {
    const offset = first?.offset ?? 0;
    const problem = first ? describeSyntaxError(source, first) : 'no JSON value';
    throw new ManifestError(file, '', `invalid JSON at ${lineAndColumn(text, offset)}: ${problem}`);
  }
  const doc = { text, file, root };
  parsed.set(doc);
  return doc;
}

/**
 * Offset of the first `[` or `{` nested deeper than `JSON_DEPTH_LIMIT`, or undefined. The parser
 * descends recursively and would exhaust the stack on such a file (a RangeError, retried as if
 * transient, that names no file); strings are skipped so brackets inside them do not count.
 */
function tooDeep(source: string): number | undefined {
  let depth = 0;
  for (let i = 0; i < source.length; i++) {
    const c = source.charCodeAt(i);
    if (c === 0x22) {
      // Skip the string: to the next quote that is not escaped.
      for (i++; i < source.length; i++) {
        const d = source.charCodeAt(i);
        if (d === 0x5c) i++;
        else if (d === 0x22) break;
      }
    } else if (c === 0x5b || c === 0x7b) {
      depth += 1;
      if (depth > JSON_DEPTH_LIMIT) return i;
    } else if (c === 0x5d || c === 0x7d) {
      depth -= 1;
    }
  }
  return undefined;
}

/** `line 3, column 7`, both counted from 1; a CRLF counts as one line break. */
export function lineAndColumn(text: string, offset: number): string {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
    line += 1;
    lineStart = i + 1;
  }
  return `line ${line}, column ${offset - lineStart + 1}`;
}

function describeSyntaxError(source: string, error: ParseError): string {
  const code = printParseErrorCode(error.error);
  const at = source[error.offset];
  if ((at === '}' || at === ']') && (code === 'PropertyNameExpected' || code === 'ValueExpected')) {
    if (source.slice(0, error.offset).trimEnd().endsWith(',')) {
      return `trailing comma before '${at}' (not allowed in JSON; ECS and CodePipeline reject it); remove it`;
    }
  }
  return PROBLEMS[code] ?? code;
}
