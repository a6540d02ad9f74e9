/**
 * Discovery's golden cases, as data: every folder test/fixtures/editors/discover/<case>/ holds
 * `input.<ext>`, `case.yaml` (the discover target's fields, the pushed image, the locations found
 * and the skipped ones with a reason pattern) and `expected.<ext>`: every found reference bumped,
 * byte for byte, by the same planning a bump uses.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import * as z from 'zod';
import { discoverInFile } from '#domain/editors/discover/discovery.ts';
import { planBranch } from '#domain/plan-branch.ts';

const FIXTURES = fileURLToPath(new URL('../../fixtures/editors/discover/', import.meta.url));
const WRITE_MISSING = process.env.GOLDEN_WRITE_MISSING === '1';

const caseSchema = z.strictObject({
  title: z.string(),
  spec: z
    .strictObject({ names: z.array(z.string()).default([]), setName: z.boolean().default(false) })
    .default({ names: [], setName: false }),
  image: z.strictObject({ name: z.string(), tag: z.string() }),
  found: z.array(z.string()),
  skipped: z.array(z.strictObject({ location: z.string(), reason: z.string() })),
});

const policy = {
  ordering: { kind: 'semver' as const, range: '>=0.0.0', prerelease: false },
  include: [],
  exclude: [],
};

const cases = readdirSync(FIXTURES, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();

describe('golden discovery cases', () => {
  it('has the workload, decoy, kustomize, Helm and ECS cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(6);
  });

  for (const name of cases) {
    const dir = join(FIXTURES, name);
    const spec = caseSchema.parse(parse(readFileSync(join(dir, 'case.yaml'), 'utf8')));
    it(`${name}: ${spec.title}`, () => {
      const inputName = readdirSync(dir).find((f) => /^input\.(yaml|json)$/.test(f))!;
      const ext = inputName.slice('input.'.length);
      const file = `discover/${name}/${inputName}`;
      const input = readFileSync(join(dir, inputName), 'utf8');
      const discovery = discoverInFile(input, file, {
        match: { uri: spec.image.name, names: spec.spec.names },
        repository: 'golden',
        branch: 'main',
        setName: spec.spec.setName,
      });
      expect(discovery.found.map((f) => f.location)).toEqual(spec.found);
      expect(discovery.skipped.map((s) => ({ location: s.location, reason: s.reason }))).toEqual(
        spec.skipped.map((s) => ({ location: s.location, reason: expect.stringContaining(s.reason) })),
      );

      const plan = planBranch({
        policy,
        digest: 'ignore',
        targets: discovery.found.map((f) => f.target),
        files: new Map([[file, input]]),
        image: { ecr: 'golden', name: spec.image.name, tag: spec.image.tag },
      });
      const out = plan.files.get(file) ?? input;
      const expectedPath = join(dir, `expected.${ext}`);
      if (!existsSync(expectedPath)) {
        if (WRITE_MISSING) writeFileSync(expectedPath, out);
        throw new Error(`${file}: no expected.${ext}; run with GOLDEN_WRITE_MISSING=1 to write it`);
      }
      expect(out).toBe(readFileSync(expectedPath, 'utf8'));
      expect(plan.changes.map((c) => c.target)).toEqual(spec.found);

      // Bumped again, nothing changes: every found reference now holds the tag.
      const again = discoverInFile(out, file, {
        match: { uri: spec.image.name, names: spec.spec.names },
        repository: 'golden',
        branch: 'main',
        setName: false,
      });
      expect(again.found.map((f) => f.value.endsWith(`:${spec.image.tag}`))).toEqual(
        spec.found.map(() => true),
      );
    });
  }
});
