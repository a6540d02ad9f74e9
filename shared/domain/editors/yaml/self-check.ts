/**
 * The self-check of an edit: the edited text must parse again, with the same documents, reading
 * back as before except at the changed values. Also refuses edits of values shared by aliases.
 */
import { isDeepStrictEqual } from 'node:util';
import { type Document, isAlias, visit } from 'yaml';
import { ManifestError } from '#domain/errors.ts';
import { firstSentence, parseDocuments, remember, type YamlFile } from './file.ts';
import type { JsPath, Located } from './navigation.ts';

/** The change in meaning an edit intends: the value at `path` of document `doc` becomes `value`. */
export interface Patch {
  doc: number;
  path: JsPath;
  value: string;
}

export function selfCheck(file: YamlFile, location: string, why: string): ManifestError {
  return new ManifestError(file.file, location, `self-check failed, nothing was written: ${why}`);
}

/** Editing a value inside an anchored node would also change every alias of it. */
export function assertNotShared(file: YamlFile, at: Located, location: string): void {
  const anchored = [...at.ancestors, at.node].filter((node) => !isAlias(node) && node.anchor);
  if (anchored.length === 0) return;
  const aliases = new Set<string>();
  visit(file.documents[at.doc]!, {
    Alias(_, alias) {
      aliases.add(alias.source);
    },
  });
  for (const node of anchored) {
    const anchor = node.anchor!;
    if (!aliases.has(anchor)) continue;
    const what = node === at.node ? 'is anchored' : 'sits inside the value anchored';
    throw new ManifestError(
      file.file,
      location,
      `\`${at.display}\` ${what} as &${anchor}, which *${anchor} reuses elsewhere in the document; editing it would change every use. Point the target at a value that is not shared, or replace the alias with a copy`,
    );
  }
}

function toJs(doc: Document.Parsed, file: YamlFile, location: string): unknown {
  try {
    return doc.toJS();
  } catch (error) {
    throw new ManifestError(file.file, location, `the document cannot be read: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

/** Throws unless `text` reads back as `file` with only `patches` applied. */
export function verifyEdit(file: YamlFile, text: string, patches: readonly Patch[], location: string): void {
  const { documents: after, problem } = parseDocuments(text);
  if (problem)
    throw selfCheck(file, location, `the edited file does not parse (${firstSentence(problem.message)})`);
  if (after.length !== file.documents.length) {
    throw selfCheck(
      file,
      location,
      `the edited file has ${after.length} documents instead of ${file.documents.length}`,
    );
  }
  file.documents.forEach((doc, index) => {
    const expected = toJs(doc, file, location);
    for (const patch of patches) {
      if (patch.doc === index) setIn(expected, patch.path, patch.value);
    }
    if (!isDeepStrictEqual(toJs(after[index]!, file, location), expected)) {
      const changed = patches.map((p) => JSON.stringify(p.value)).join(', ');
      throw selfCheck(
        file,
        location,
        `document ${index} does not read back as before with only ${changed} changed`,
      );
    }
  });
  // The edited text is what the next target on this file reads: it need not be parsed again.
  remember({ file: file.file, text, documents: after });
}

function setIn(root: unknown, path: JsPath, value: string): void {
  let node = root as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  node[path.at(-1)!] = value;
}
