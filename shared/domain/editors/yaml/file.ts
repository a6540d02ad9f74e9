/** A YAML file parsed with source ranges kept, and how to name a position in its text. */
import { type Document, isMap, isScalar, isSeq, parseAllDocuments } from 'yaml';
import { ManifestError } from '#domain/errors.ts';
import { rememberParsed, sizeProblem, YAML_SIZE_LIMIT } from '../manifest-limits.ts';

export interface YamlFile {
  readonly file: string;
  readonly text: string;
  readonly documents: readonly Document.Parsed[];
}

/** The first problem of a parse: where it is and what the parser (or the duplicate-key check) says. */
export interface ParseProblem {
  pos: number;
  message: string;
}

const parsed = rememberParsed<YamlFile>();

/**
 * Parse a manifest, or throw a ManifestError naming the file and where it fails to parse. A file
 * larger than `YAML_SIZE_LIMIT` is refused before parsing. The same text is parsed once: reading
 * the current value, writing it and the self-check of the edit share the parse (and the parse
 * the self-check made of an edited text serves the next read of it).
 */
export function parseYamlFile(text: string, file: string): YamlFile {
  const known = parsed.get(text, file);
  if (known) return known;
  const tooLarge = sizeProblem(text, YAML_SIZE_LIMIT, 'YAML');
  if (tooLarge) throw new ManifestError(file, '', tooLarge);
  const { documents, problem } = parseDocuments(text);
  if (problem) {
    const at = lineAndColumn(text, problem.pos);
    const near = at.lineText.trim() === '' ? '' : ` near ${JSON.stringify(at.lineText.trim())}`;
    throw new ManifestError(
      file,
      at.label,
      `invalid YAML: ${firstSentence(problem.message)}${near}; fix the file so it parses`,
    );
  }
  return remember({ file, text, documents });
}

/** Keep `yaml` (a parse without problems) for the next parse of the same text. */
export function remember(yaml: YamlFile): YamlFile {
  parsed.set(yaml);
  return yaml;
}

/**
 * Every document of `text` and the first problem found. Duplicate keys are checked here, in one
 * pass with a set per mapping, instead of by the parser, whose check compares each key with every
 * key before it (quadratic: 11 s for a values file of 15,000 keys).
 */
export function parseDocuments(text: string): { documents: Document.Parsed[]; problem?: ParseProblem } {
  const documents = Array.from(parseAllDocuments(text, { uniqueKeys: false }));
  for (const doc of documents) {
    const error = doc.errors[0];
    if (error) return { documents, problem: { pos: error.pos[0], message: error.message } };
  }
  for (const doc of documents) {
    const pos = firstDuplicateKey(doc);
    if (pos !== undefined) return { documents, problem: { pos, message: 'Map keys must be unique' } };
  }
  return { documents };
}

/** Offset of the first key that repeats a key of its mapping (as the parser compares: equal scalar values). */
function firstDuplicateKey(doc: Document.Parsed): number | undefined {
  let first: number | undefined;
  // An explicit stack: a deeply nested document must not exhaust the call stack here.
  const stack: unknown[] = [doc.contents];
  while (stack.length > 0) {
    const node = stack.pop();
    if (isMap(node)) {
      const seen = new Set<unknown>();
      for (const pair of node.items) {
        const key = pair.key;
        if (isScalar(key) && !Number.isNaN(key.value)) {
          if (seen.has(key.value)) {
            const pos = key.range?.[0] ?? 0;
            if (first === undefined || pos < first) first = pos;
          } else seen.add(key.value);
        }
        stack.push(pair.key, pair.value);
      }
    } else if (isSeq(node)) {
      for (const item of node.items) stack.push(item);
    }
  }
  return first;
}

/** A parser message without the position and excerpt the parser appends. */
export function firstSentence(message: string): string {
  return message.replace(/ at line \d+, column \d+:[\s\S]*$/, '');
}

export function lineAndColumn(text: string, offset: number) {
  let line = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) line += 1;
  const lineStart = offset > 0 ? text.lastIndexOf('\n', offset - 1) + 1 : 0;
  const lineEnd = text.indexOf('\n', offset);
  const lineText = text.slice(lineStart, lineEnd < 0 ? text.length : lineEnd).replace(/\r$/, '');
  const column = offset - lineStart + 1;
  return { line, column, lineText, label: `line ${line}, column ${column}` };
}
