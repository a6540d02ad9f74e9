/**
 * Tests and product code read only the repository's own files, so a fresh clone passes its tests.
 * A static scan, with the TypeScript parser, of every source file under the code folders; it
 * fails on a path that climbs out of the repository root:
 * - a string literal that is a relative path (`../x`) and, taken from the file's folder (as
 *   `new URL(x, import.meta.url)`, `resolve(dirname(…), x)` and imports take it), lands outside;
 * - `join(base, …)` / `resolve(base, …)` whose `..` literals climb out of `base`: the repository
 *   root when the base's text says root or cwd (`ROOT`, `projectRoot`, `process.cwd()`), the
 *   file's folder otherwise;
 * - a template literal that climbs out the same ways;
 * - any string or template text naming `../shared/`, the folder beside CI's checkout.
 * The only exceptions are the external-corpus suites, which read ../shared/corpus where CI has it
 * and must skip, reading nothing, without it: each must guard with `existsSync`.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Folders of code: tests, benchmarks, tooling and the product. */
const SCANNED = ['test', 'bench', 'tooling', 'cli', 'shared', 'functions', 'bin'];
const CODE = /\.(ts|mts|cts|js|mjs|cjs)$/;

/** Files allowed to read outside the repository, and why. */
const ALLOWED: Record<string, string> = {
  'test/domain/editors/corpus.test.ts': 'external corpus suite: YAML manifests',
  'test/domain/editors/json-corpus.test.ts': 'external corpus suite: ECS JSON files',
  'test/domain/editors/flux-fixtures.test.ts': 'external corpus suite: Flux image-automation fixture pairs',
};

const SKIP_TITLE = /^external corpus: skipped — .+ \(present only in CI\)$/;

function codeFiles(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
      if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile() && CODE.test(entry.name)) out.push(path);
    }
  };
  for (const dir of SCANNED) walk(dir);
  return out.sort();
}

const outside = (path: string): boolean => {
  const rel = relative(ROOT, path);
  return rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel);
};

/** The folder beside CI's checkout that holds the corpus. */
const SIBLING = '../shared/';
/** File system calls whose relative path argument is taken from the working directory, the root. */
const FS_CALLS = new Set(
  [
    ...['readFile', 'readdir', 'exists', 'stat', 'lstat', 'open', 'opendir', 'access', 'realpath'],
    ...['cp', 'copyFile', 'writeFile', 'mkdir', 'rm', 'glob'],
  ]
    .flatMap((name) => [name, `${name}Sync`])
    .concat('createReadStream', 'createWriteStream'),
);

const climbs = (text: string): boolean => text.split('/').includes('..');
const relativePath = (text: string): boolean => /^\.\.?(\/|$)/.test(text);
const rootLike = (expression: ts.Node): boolean => /root|cwd/i.test(expression.getText());
const calleeName = (call: ts.CallExpression | ts.NewExpression): string | undefined => {
  const callee = ts.isPropertyAccessExpression(call.expression) ? call.expression.name : call.expression;
  return ts.isIdentifier(callee) ? callee.text : undefined;
};

/** `file` is relative to the repository root; each finding is `file:line: what`. */
function outsideReferences(file: string, text: string): string[] {
  const kind = /\.[cm]?js$/.test(file) ? ts.ScriptKind.JS : ts.ScriptKind.TS;
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, kind);
  const here = dirname(join(ROOT, file));
  const found: string[] = [];
  const report = (node: ts.Node, what: string) => {
    const line = source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
    found.push(`${file}:${line}: ${node.getText(source).replace(/\s+/g, ' ')} ${what}`);
  };

  const visit = (node: ts.Node): void => {
    if (ts.isStringLiteralLike(node)) {
      // Taken from the file's folder, as imports, `new URL(x, import.meta.url)` and `resolve(dirname(…), x)` do.
      if (relativePath(node.text) && outside(resolve(here, node.text)))
        report(node, `resolves outside the repository, to ${resolve(here, node.text)}`);
      // `../../shared/domain/x.ts` is the product's own folder; anything else naming it is the sibling.
      else if (node.text.includes(SIBLING) && !existsSync(resolve(here, node.text)))
        report(node, `names ${SIBLING}, the folder beside the repository`);
    } else if (ts.isTemplateExpression(node)) {
      const first = node.templateSpans[0];
      const fromBase = node.head.text === '' && first !== undefined;
      const base = fromBase && rootLike(first.expression) ? ROOT : here;
      const path = fromBase ? `.${first.literal.text}` : node.head.text;
      const folder = path.slice(0, path.lastIndexOf('/') + 1) || '.';
      if (
        [node.head, ...node.templateSpans.map((span) => span.literal)].some((t) => t.text.includes(SIBLING))
      )
        report(node, `names ${SIBLING}, the folder beside the repository`);
      else if (climbs(path) && outside(resolve(base, folder))) report(node, 'climbs out of the repository');
    } else if (ts.isCallExpression(node)) {
      const name = calleeName(node);
      const [base, ...rest] = node.arguments;
      if (name && FS_CALLS.has(name) && base && ts.isStringLiteralLike(base) && relativePath(base.text)) {
        // A bare relative path is taken from the working directory: the repository root under vitest.
        if (outside(resolve(ROOT, base.text))) report(node, 'reads outside the repository');
      } else if ((name === 'join' || name === 'resolve') && base) {
        const literals = rest.filter(ts.isStringLiteralLike);
        if (literals.some((arg) => climbs(arg.text))) {
          let at = ts.isStringLiteralLike(base) ? resolve(here, base.text) : rootLike(base) ? ROOT : here;
          for (const arg of literals) at = resolve(at, arg.text);
          if (outside(at)) report(node, 'climbs out of the repository');
        }
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

const read = (file: string) => readFileSync(join(ROOT, file), 'utf8');
const files = codeFiles();

describe('repository boundary', () => {
  it('scans every code folder', () => {
    expect(files.length).toBeGreaterThan(300);
    for (const dir of SCANNED)
      expect(
        files.some((f) => f.startsWith(`${dir}/`)),
        dir,
      ).toBe(true);
    expect(files).toContain('test/repository-boundary.test.ts');
  });

  it('finds no path out of the repository outside the external-corpus suites', () => {
    const found = files.filter((f) => !(f in ALLOWED)).flatMap((f) => outsideReferences(f, read(f)));
    expect(found, 'read only files of the repository; test data belongs in test/fixtures').toEqual([]);
  });

  it.each(Object.keys(ALLOWED))('%s reaches outside only behind an existsSync guard', (file) => {
    const text = read(file);
    // A stale entry fails: the file must still be one that reaches outside.
    expect(outsideReferences(file, text).length).toBeGreaterThan(0);
    const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
    const calls: ts.CallExpression[] = [];
    const collect = (node: ts.Node): void => {
      if (ts.isCallExpression(node)) calls.push(node);
      ts.forEachChild(node, collect);
    };
    collect(source);
    expect(calls.some((call) => call.expression.getText(source) === 'existsSync')).toBe(true);
    const skips = calls.filter((call) => call.expression.getText(source) === 'it.skip');
    expect(skips).toHaveLength(1);
    const literals: string[] = [];
    const strings = (node: ts.Node): void => {
      if (ts.isStringLiteral(node)) literals.push(node.text);
      ts.forEachChild(node, strings);
    };
    strings(source);
    expect(literals.filter((literal) => SKIP_TITLE.test(literal))).toHaveLength(1);
  });
});

describe('repository boundary detector', () => {
  // `${UP}` keeps this file's own literals from naming the sibling folder.
  const UP = '..';
  const flagged: [string, string][] = [
    ['test/a.test.ts', `readFileSync(new URL('${UP}/${UP}/${UP}/${UP}/etc', import.meta.url));`],
    [
      'test/editors/a.test.ts',
      `const C = fileURLToPath(new URL('${UP}/${UP}/${UP}/corpus/', import.meta.url));`,
    ],
    [
      'test/editors/a.test.ts',
      `const C = resolve(dirname(fileURLToPath(import.meta.url)), '${UP}/${UP}/${UP}/x');`,
    ],
    ['test/a.test.ts', `const C = join(ROOT, '${UP}', 'x');`],
    ['test/a.test.ts', `const C = resolve(process.cwd(), '${UP}/x');`],
    ['test/editors/a.test.ts', `const C = join(here, '${UP}', '${UP}', '${UP}', 'x');`],
    ['test/a.test.ts', `const C = join(ROOT, '${UP}/shared/corpus');`],
    ['test/a.test.ts', `const C = \`\${ROOT}/${UP}/x\`;`],
    ['tooling/a.ts', `import x from '${UP}/${UP}/x.ts';`],
    ['test/a.test.ts', `const text = readFileSync('${UP}/x.yaml', 'utf8');`],
    ['test/editors/a.test.ts', `const text = readFileSync('${UP}/shared/corpus/x.yaml', 'utf8');`],
  ];
  const clean: [string, string][] = [
    [
      'test/editors/a.test.ts',
      `const F = fileURLToPath(new URL('${UP}/fixtures/editors/', import.meta.url));`,
    ],
    ['test/config/a.test.ts', `const R = resolve(dirname(fileURLToPath(import.meta.url)), '${UP}/${UP}');`],
    [
      'test/editors/a.test.ts',
      `import { x } from './support.ts'; import { y } from '${UP}/${UP}/shared/domain/errors.ts';`,
    ],
    ['test/a.test.ts', `const F = join(ROOT, 'test', 'fixtures'); const G = join(tmpdir(), 'x');`],
    ['test/config/a.test.ts', `expect(parse('file: ${UP}/x')).toThrow('must be inside (got "${UP}/x")');`],
  ];

  it.each(flagged)('flags %s: %s', (file, text) => {
    expect(outsideReferences(file, text)).not.toEqual([]);
  });

  it.each(clean)('accepts %s: %s', (file, text) => {
    expect(outsideReferences(file, text)).toEqual([]);
  });
});
