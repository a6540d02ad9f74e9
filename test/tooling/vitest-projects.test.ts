/**
 * Most test files share one module graph per worker (vitest.config.ts), so a file that changes
 * what the next file in that worker would see must run in a worker of its own. This finds the
 * ways a file can do that and fails when such a file is missing from CHANGES_SHARED_STATE.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CHANGES_SHARED_STATE } from '#test/shared-state-files.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Module replacement, environment stubs, spies on shared objects, and writes to process.env. */
const CHANGES_STATE = [
  /\bvi\.(mock|doMock|stubEnv|stubGlobal|spyOn|resetModules|useFakeTimers)\(/,
  /\bprocess\.env(\.[A-Za-z_]\w*|\[[^\]]+\])\s*=[^=]/,
  /\bdelete process\.env\b/,
  /\bprocess\.env\s*=[^=]/,
];

/**
 * Files that change shared state and undo it before they end: they write process.env only around
 * one test, or stub the environment and unstub it (`vi.unstubAllEnvs`), or spy and restore
 * (`mockRestore`, `vi.restoreAllMocks`). They share a worker; the test below holds each to the undo.
 */
const RESTORES_WHAT_IT_CHANGES = [
  'test/codecommit/emulator-git-files.test.ts',
  'test/adapters/aws/ecr-registry-origin.test.ts',
  'test/adapters/codecommit/git-host.test.ts',
  'test/adapters/aws/assumed-role.test.ts',
  'test/adapters/aws/cross-account.test.ts',
  'test/adapters/aws/ecr-registry.test.ts',
  'test/adapters/aws/sns-alert-sink.test.ts',
  'test/adapters/aws/ssm-config-loader.test.ts',
  'test/adapters/aws/ssm-parameter-store.test.ts',
  'test/runtime/define-handler.test.ts',
  'test/runtime/notify-outcome.test.ts',
  'test/app/mirror/gitlab-mirror.test.ts',
];

/** What a file must also say when it uses a change: the call that undoes it. */
const UNDOES: Array<[RegExp, RegExp]> = [
  [/\bvi\.stubEnv\(/, /\bvi\.unstubAllEnvs\(\)/],
  [/\bvi\.spyOn\(/, /\.mockRestore\(\)|\bvi\.restoreAllMocks\(\)/],
];

/**
 * Module replacement and the like cannot be undone within a shared module graph. Nor can putting a
 * plain object in place of process.env: Node's own object is gone, and with it what a write to it
 * does besides storing the value (a new TZ resets the clock's time zone).
 */
const NEVER_UNDONE = /\bvi\.(mock|doMock|stubGlobal|resetModules|useFakeTimers)\(|\bprocess\.env\s*=[^=]/;

function testFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'fixtures' ? [] : testFiles(path);
    return entry.name.endsWith('.test.ts') ? [relative(ROOT, path)] : [];
  });
}

describe('the test projects', () => {
  it('run every file that changes shared state in a worker of its own', () => {
    const changing = testFiles(join(ROOT, 'test')).filter((file) => {
      const text = readFileSync(join(ROOT, file), 'utf8');
      return CHANGES_STATE.some((pattern) => pattern.test(text));
    });
    expect(changing.length).toBeGreaterThan(5);
    const unlisted = changing.filter(
      (file) => !CHANGES_SHARED_STATE.includes(file) && !RESTORES_WHAT_IT_CHANGES.includes(file),
    );
    expect(unlisted, 'add these to CHANGES_SHARED_STATE in test/support/shared-state-files.ts').toStrictEqual(
      [],
    );
  });

  it('let a file share a worker only when it undoes each change it makes', () => {
    const careless = RESTORES_WHAT_IT_CHANGES.filter((file) => {
      const text = readFileSync(join(ROOT, file), 'utf8');
      return (
        NEVER_UNDONE.test(text) || UNDOES.some(([change, undo]) => change.test(text) && !undo.test(text))
      );
    });
    expect(careless).toStrictEqual([]);
  });

  it('name only files that exist', () => {
    const files = new Set(testFiles(join(ROOT, 'test')));
    expect(
      [...CHANGES_SHARED_STATE, ...RESTORES_WHAT_IT_CHANGES].filter((file) => !files.has(file)),
    ).toStrictEqual([]);
  });
});
