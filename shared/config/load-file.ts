import { readFile, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { LineCounter, parseAllDocuments } from 'yaml';
import { parseConfig } from '#config/schema.ts';
import type { Config } from '#config/types.ts';
import { ConfigError } from '#domain/errors.ts';

/**
 * Parse configuration text, YAML or JSON (JSON is read as YAML 1.2), into a plain value. Syntax
 * errors throw `ConfigError` with one `name:line:col: message` line each; `source` is the
 * error's source (defaults to `name`).
 */
export function parseConfigText(text: string, name: string, source = name): unknown {
  const lineCounter = new LineCounter();
  const documents = parseAllDocuments(text, {
    lineCounter,
    prettyErrors: false,
    merge: true,
    uniqueKeys: true,
  });
  const at = (offset: number) => {
    const { line, col } = lineCounter.linePos(offset);
    return `${name}:${line}:${col}`;
  };
  const errors = documents.flatMap((document) => document.errors.map((e) => `${at(e.pos[0])}: ${e.message}`));
  const extra = documents[1];
  if (extra) errors.push(`${at(extra.range[0])}: expected a single document, found ${documents.length}`);
  if (errors.length > 0) throw new ConfigError(source, errors);

  const document = documents[0];
  if (!document) return null;
  try {
    return document.toJS({ maxAliasCount: 100 });
  } catch (error) {
    // Unresolvable or excessive aliases only surface when the document is turned into values.
    throw new ConfigError(source, [`${name}: ${(error as Error).message}`]);
  }
}

function readProblem(error: unknown): string {
  switch ((error as NodeJS.ErrnoException).code) {
    case 'ENOENT':
      return 'file not found';
    case 'EISDIR':
      return 'is a directory, not a file';
    case 'EACCES':
      return 'permission denied';
    default:
      return `cannot read the file: ${(error as Error).message}`;
  }
}

/** A parsed file, kept while its modification time and size stay those it had when read. */
interface ParsedFile {
  mtimeMs: number;
  size: number;
  config: Config;
}

const parsedFiles = new Map<string, ParsedFile>();

/**
 * Read and validate a configuration file (YAML or JSON). Relative `local` repository paths are
 * resolved against the directory of the file. An unchanged file (same modification time and size)
 * answers the configuration parsed before, the same object; a file that fails is read again next time.
 */
export async function loadConfigFile(path: string): Promise<Config> {
  const file = resolve(path);
  // Taken before the read: an edit landing in between leaves a stale stamp, so the next load re-reads.
  const { mtimeMs, size } = await stat(file).catch((error: unknown) => {
    throw new ConfigError(file, [readProblem(error)]);
  });
  const known = parsedFiles.get(file);
  if (known?.mtimeMs === mtimeMs && known.size === size) return known.config;
  parsedFiles.delete(file);

  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new ConfigError(file, [readProblem(error)]);
  }
  const config = parseConfig(parseConfigText(text, file), file, { baseDirectory: dirname(file) });
  parsedFiles.set(file, { mtimeMs, size, config });
  return config;
}
