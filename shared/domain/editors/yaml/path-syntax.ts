/** Path expressions that name a value in a YAML document: `spec.containers[name=web].image`. */
import { ManifestError } from '#domain/errors.ts';

export type PathSegment =
  | { readonly kind: 'key'; readonly key: string }
  | { readonly kind: 'index'; readonly index: number }
  | { readonly kind: 'select'; readonly key: string; readonly value: string };

const PATH_HELP =
  'write keys separated by dots (a dot inside a key is written \\.), [n] for a list index and [key=value] to pick the list entry whose key has that value';

/** `a.b[0].c`, `spec.containers[name=web].image`, `annotations.example\.com/x`. */
export function parsePath(path: string, file: string): PathSegment[] {
  const fail = (why: string) => new ManifestError(file, path, `invalid path: ${why}; ${PATH_HELP}`);
  if (path === '') throw fail('the path is empty');
  const segments: PathSegment[] = [];
  let i = 0;
  for (;;) {
    let key = '';
    let hasKey = false;
    while (i < path.length && path[i] !== '.' && path[i] !== '[') {
      if (path[i] === '\\') {
        const next = path[i + 1];
        if (next === undefined) throw fail('it ends with a lone backslash');
        key += next;
        i += 2;
      } else {
        key += path[i];
        i += 1;
      }
      hasKey = true;
    }
    if (hasKey) segments.push({ kind: 'key', key });
    else if (!(i === 0 && path[i] === '[')) throw fail(`empty key at character ${i + 1}`);
    while (path[i] === '[') {
      const close = path.indexOf(']', i);
      if (close < 0) throw fail(`unclosed [ at character ${i + 1}`);
      segments.push(parseBracket(path.slice(i + 1, close), fail));
      i = close + 1;
    }
    if (i >= path.length) return segments;
    if (path[i] !== '.') throw fail(`expected . or [ at character ${i + 1}`);
    i += 1;
    if (i >= path.length) throw fail('it ends with a dot');
  }
}

function parseBracket(inner: string, fail: (why: string) => ManifestError): PathSegment {
  if (/^\d+$/.test(inner)) return { kind: 'index', index: Number(inner) };
  const eq = inner.indexOf('=');
  if (eq > 0) {
    const key = inner.slice(0, eq).trim();
    const value = inner
      .slice(eq + 1)
      .trim()
      .replace(/^(["'])(.*)\1$/, '$2');
    if (key !== '') return { kind: 'select', key, value };
  }
  throw fail(`[${inner}] is neither an index nor a key=value selector`);
}

export function formatPath(segments: readonly PathSegment[]): string {
  let out = '';
  for (const segment of segments) out = appendSegment(out, segment);
  return out;
}

export function appendSegment(display: string, segment: PathSegment): string {
  switch (segment.kind) {
    case 'key': {
      const key = segment.key.replace(/[\\.[]/g, (c) => `\\${c}`);
      return display === '' ? key : `${display}.${key}`;
    }
    case 'index':
      return `${display}[${segment.index}]`;
    case 'select':
      return `${display}[${segment.key}=${segment.value}]`;
  }
}
