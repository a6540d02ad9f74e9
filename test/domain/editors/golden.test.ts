/**
 * The editors' golden cases, as data: every folder test/fixtures/editors/<kind>/<case>/ holds
 * `input.<ext>`, `case.yaml` (the target, the new image, and for an error case the error) and, for
 * a success case, `expected.<ext>`. A success case must give exactly the expected bytes, read back
 * as the new image and be idempotent; an error case must throw a ManifestError naming the file.
 * Adding a case is adding a folder: see test/fixtures/editors/README.md.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import * as z from 'zod';
import { fileTargets } from '#config/file-target-schemas.ts';
import type { DesiredImage } from '#domain/editors/editor.ts';
import { manifestKinds, readTarget, writeTarget } from '#domain/editors/index.ts';
import { ManifestError } from '#domain/errors.ts';
import { formatTagAndDigest } from '#domain/image-reference.ts';
import type { FileTarget, TargetKind } from '#domain/targets.ts';

const FIXTURES = fileURLToPath(new URL('../../fixtures/editors/', import.meta.url));

/** The fewest case folders each kind must have, so that a discovery that finds nothing fails. */
const MINIMUM: Record<TargetKind, number> = {
  kustomize: 10,
  helm: 10,
  kubernetes: 8,
  yaml: 6,
  imagedefinitions: 4,
  imagedetail: 3,
  taskdefinition: 4,
};

/** With GOLDEN_WRITE_MISSING=1, a success case without an expected file gets one written (never overwritten). */
const WRITE_MISSING = process.env.GOLDEN_WRITE_MISSING === '1';

/** The target as the configuration gives it: the same schema, so the same fields and defaults. */
const targetSchema = z.discriminatedUnion('kind', [...fileTargets]);

const caseSchema = z.strictObject({
  title: z.string().optional(),
  spec: z.record(z.string(), z.unknown()).default({}),
  image: z.strictObject({
    name: z.string().min(1),
    tag: z.string().min(1),
    digest: z.string().min(1).optional(),
  }),
  error: z.string().min(1).optional(),
  writeOnly: z.boolean().optional(),
});

interface GoldenCase {
  /** The name given to the editor, which errors must carry: `<kind>/<case>/input.<ext>`. */
  file: string;
  input: string;
  target: FileTarget;
  image: DesiredImage;
  expectedPath: string;
  expected: string | undefined;
  error: RegExp | undefined;
  writeOnly: boolean;
}

const subfolders = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();

function loadCase(kind: string, name: string): GoldenCase {
  const dir = join(FIXTURES, kind, name);
  const files = readdirSync(dir).sort();
  const inputs = files.filter((f) => /^input\.(yaml|json)$/.test(f));
  if (inputs.length !== 1) throw new Error(`${kind}/${name}: needs exactly one input.yaml or input.json`);
  const inputName = inputs[0]!;
  const ext = inputName.slice('input.'.length);
  const expectedName = `expected.${ext}`;
  const stray = files.filter((f) => ![inputName, expectedName, 'case.yaml'].includes(f));
  if (stray.length > 0) throw new Error(`${kind}/${name}: unexpected files ${stray.join(', ')}`);

  const raw = caseSchema.parse(parse(readFileSync(join(dir, 'case.yaml'), 'utf8')));
  const reserved = ['kind', 'repository', 'branch', 'file', 'scan'].filter((key) => key in raw.spec);
  if (reserved.length > 0)
    throw new Error(`${kind}/${name}: spec sets ${reserved.join(', ')}; the folders give kind and file`);
  const file = `${kind}/${name}/${inputName}`;
  const target = targetSchema.parse({
    repository: 'golden',
    branch: 'main',
    file,
    kind,
    ...raw.spec,
  }) as FileTarget;
  const expectedPath = join(dir, expectedName);
  const expected = existsSync(expectedPath) ? readFileSync(expectedPath, 'utf8') : undefined;
  if (raw.error !== undefined && expected !== undefined)
    throw new Error(`${kind}/${name}: an error case must not have ${expectedName}`);
  if (raw.error === undefined && raw.writeOnly !== undefined)
    throw new Error(`${kind}/${name}: writeOnly belongs to error cases`);
  return {
    file,
    input: readFileSync(join(dir, inputName), 'utf8'),
    target,
    image: raw.image,
    expectedPath,
    expected,
    error: raw.error === undefined ? undefined : new RegExp(raw.error),
    writeOnly: raw.writeOnly ?? false,
  };
}

function titleOf(kind: string, name: string): string {
  try {
    const title = (
      parse(readFileSync(join(FIXTURES, kind, name, 'case.yaml'), 'utf8')) as { title?: unknown }
    )?.title;
    return typeof title === 'string' ? `${kind}/${name}: ${title}` : `${kind}/${name}`;
  } catch {
    return `${kind}/${name}`;
  }
}

function thrownBy(run: () => unknown): unknown {
  try {
    run();
  } catch (e) {
    return e;
  }
  return undefined;
}

/** `discover/` holds discovery's cases (test/domain/editors/discover-golden.test.ts), not a kind's. */
const kinds = subfolders(FIXTURES).filter((name) => name !== 'discover');

describe('golden case discovery', () => {
  it('has a folder for every manifest kind and none for an unknown kind', () => {
    expect(kinds).toEqual([...manifestKinds].sort());
  });

  it.each(manifestKinds)('has at least the minimum number of %s cases', (kind) => {
    const count = kinds.includes(kind) ? subfolders(join(FIXTURES, kind)).length : 0;
    expect(count).toBeGreaterThanOrEqual(MINIMUM[kind]);
  });
});

for (const kind of kinds) {
  describe(`golden ${kind} cases`, () => {
    for (const name of subfolders(join(FIXTURES, kind))) {
      it(titleOf(kind, name), () => {
        const c = loadCase(kind, name);
        const { file, input, target, image } = c;

        if (c.error) {
          const runs: (() => unknown)[] = [() => writeTarget(input, target, image)];
          // Digest and alias rules apply to writing; reading such a target works.
          if (c.writeOnly) expect(readTarget(input, target).location).not.toBe('');
          else runs.push(() => readTarget(input, target));
          for (const run of runs) {
            const thrown = thrownBy(run);
            expect(thrown).toBeInstanceOf(ManifestError);
            // One object, so that a mismatch shows the whole message.
            expect({
              file: (thrown as ManifestError).file,
              message: (thrown as ManifestError).message,
            }).toEqual({
              file,
              message: expect.stringMatching(c.error),
            });
          }
          return;
        }

        const before = readTarget(input, target);
        const out = writeTarget(input, target, image);
        if (c.expected === undefined) {
          if (WRITE_MISSING) writeFileSync(c.expectedPath, out.text);
          throw new Error(
            WRITE_MISSING
              ? `${file}: wrote ${c.expectedPath} from the editor's output; read it, then run again`
              : `${file}: no expected file and no error; run with GOLDEN_WRITE_MISSING=1 to write it`,
          );
        }

        // Exactly the expected bytes, which differ from the input.
        expect(out.text).toBe(c.expected);
        expect(out.text).not.toBe(input);
        expect(out.from).toBe(formatTagAndDigest(before.tag, before.digest));
        expect(out.to).toBe(formatTagAndDigest(image.tag, image.digest));
        expect(out.location).toBe(before.location);

        // Reading the output gives the new image; the name changes only with setName.
        const after = readTarget(out.text, target);
        expect(after.tag).toBe(image.tag);
        expect(after.digest).toBe(image.digest);
        expect(after.name).toBe(target.setName ? image.name : before.name);
        expect(after.location).toBe(out.location);

        // Writing the same image again changes nothing.
        expect(writeTarget(out.text, target, image).text).toBe(out.text);
      });
    }
  });
}
