/** A YAML file parsed with source ranges kept, and how to name a position in its text. */
import { type Document, parseAllDocuments } from 'yaml';
import { ManifestError } from '#domain/errors.ts';

export interface YamlFile {
  readonly file: string;
  readonly text: string;
  readonly documents: readonly Document.Parsed[];
}

export function parseYamlFile(text: string, file: string): YamlFile {
  const documents = Array.from(parseAllDocuments(text));
  for (const doc of documents) {
    const error = doc.errors[0];
    if (error) {
      const at = lineAndColumn(text, error.pos[0]);
      const near = at.lineText.trim() === '' ? '' : ` near ${JSON.stringify(at.lineText.trim())}`;
      throw new ManifestError(
        file,
        at.label,
        `invalid YAML: ${firstSentence(error.message)}${near}; fix the file so it parses`,
      );
    }
  }
  return { file, text, documents };
}

/** A parser message without the position and excerpt the parser appends. */
export function firstSentence(message: string): string {
  return message.replace(/ at line \d+, column \d+:[\s\S]*$/, '');
}

export function lineAndColumn(text: string, offset: number) {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const lineStart = before.lastIndexOf('\n') + 1;
  const lineEnd = text.indexOf('\n', offset);
  const lineText = text.slice(lineStart, lineEnd < 0 ? text.length : lineEnd).replace(/\r$/, '');
  const column = offset - lineStart + 1;
  return { line, column, lineText, label: `line ${line}, column ${column}` };
}
