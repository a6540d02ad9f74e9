import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FailedResult } from '#runtime/handle-event.ts';
import { ecrPushEvent } from '#test/events.ts';
import { invokeBundle, type Outcome } from '#test/function-process/index.ts';
import type { CallRecord } from '../emulators/codecommit/server.ts';
import { invokeSpread } from './support/deliver.ts';
import { exampleManifests, sampleEvent } from './support/example.ts';
import { commitsSince, eventIdOf, headOf } from './support/git.ts';
import { batchAnswers, deliverQueued } from './support/queued.ts';
import { type Stack, startStack } from './support/stack.ts';

// Malformed and hostile input must be refused, never retried and never written: each case returns
// an error result naming what is wrong, and no CreateCommit reaches CodeCommit.
//
// To stay cheap, the event cases run in one function process and the manifest cases in another; the
// CodeCommit call log is emptied before each batch, so "no CreateCommit in the batch" holds for
// every case in it. Each configuration case needs a process of its own (the configuration is read
// once per container).

interface Expected {
  /** The error type of the result. */
  type: string;
  /** Substrings the error message must contain (`%p`: the case's configuration parameter). */
  message: string | string[];
}

interface Run {
  outcome: Outcome;
  /** The CodeCommit calls made while the case's batch ran. */
  calls: CallRecord[];
}

let stack: Stack;
let manifests: Record<string, string>;

beforeAll(async () => {
  stack = await startStack(['ImageBumpFunction']);
  manifests = await exampleManifests();
});
afterAll(() => stack?.stop());

/** Run `events` in one process, with the call log emptied first; one run per event. */
async function batch(events: unknown[], env: Record<string, string>): Promise<Run[]> {
  stack.codecommit.calls.length = 0;
  const outcomes = await invokeSpread(stack.bundles.ImageBumpFunction!, events, { env });
  const calls = [...stack.codecommit.calls];
  return outcomes.map((outcome) => ({ outcome, calls }));
}

/** Every hostile input checked in this file, for the closing count. */
const checked: Run[] = [];

function expectRejected(run: Run | undefined, expected: Expected): void {
  if (run === undefined) throw new Error('the case did not run');
  checked.push(run);
  expect(run.outcome.ok, 'a permanent error is returned, not thrown').toBe(true);
  const result = (run.outcome as { result: FailedResult }).result;
  expect(result.actions).toStrictEqual([]);
  expect(result.error?.type).toBe(expected.type);
  for (const part of [expected.message].flat()) expect(result.error?.message).toContain(part);
  // Rejected values are untrusted and may be huge: a message previews them, never repeats them whole.
  expect(result.error?.message.length ?? 0).toBeLessThan(2_000);
  expect(run.calls.filter((call) => call.operation === 'CreateCommit')).toStrictEqual([]);
}

/** A valid push of my-app 1.4.2 with `change` applied to a copy of it. */
function push(change: (event: Record<string, unknown>, detail: Record<string, unknown>) => void) {
  const event: Record<string, unknown> = ecrPushEvent({}, 'bad-input-event');
  change(event, event.detail as Record<string, unknown>);
  return event;
}

async function scan(
  name: string,
  change: (event: Record<string, unknown>, detail: Record<string, unknown>) => void,
) {
  const event = await sampleEvent(name);
  const detail = { ...(event.detail as Record<string, unknown>) };
  const copy = { ...event, detail };
  change(copy, detail);
  return copy;
}

const MEGABYTE = 'x'.repeat(1024 * 1024);
const LONG_TAG = `1${'a'.repeat(128)}`;

async function eventCases(): Promise<Array<Expected & { name: string; event: unknown }>> {
  const error = (name: string, event: unknown, message: string | string[]) => ({
    name,
    event,
    type: 'EventError',
    message,
  });
  return [
    error('a null event', null, 'event: expected a JSON object, got null'),
    error('an array for the event', [ecrPushEvent()], 'event: expected a JSON object, got an array'),
    error(
      'a string for the event',
      'ECR Image Action',
      'event: expected a JSON object, got "ECR Image Action"',
    ),
    error(
      'no detail',
      push((e) => delete e.detail),
      'event.detail: expected an object, got nothing',
    ),
    error(
      'an array for the detail',
      push((e) => (e.detail = [])),
      'event.detail: expected an object, got an array',
    ),
    error(
      'a null detail',
      push((e) => (e.detail = null)),
      'event.detail: expected an object, got null',
    ),
    error(
      'a string for the detail',
      push((e) => (e.detail = '{}')),
      'event.detail: expected an object, got "{}"',
    ),
    error(
      'no id',
      push((e) => delete e.id),
      'event.id: missing',
    ),
    error(
      'a numeric id',
      push((e) => (e.id = 42)),
      'event.id: expected a non-empty string, got 42',
    ),
    error(
      'an empty id',
      push((e) => (e.id = '')),
      'event.id: expected a non-empty string, got ""',
    ),
    error(
      'no source',
      push((e) => delete e.source),
      'event.source: missing',
    ),
    error(
      'an object for the account',
      push((e) => (e.account = {})),
      'event.account: expected a non-empty string, got an object',
    ),
    error(
      'a null region',
      push((e) => (e.region = null)),
      'event.region: missing',
    ),
    error(
      'a numeric time',
      push((e) => (e.time = 1772357400)),
      'event.time: expected a string, got 1772357400',
    ),
    error(
      'an unknown detail-type',
      push((e) => (e['detail-type'] = 'ECR Replication Action')),
      'detail-type "ECR Replication Action" (source "aws.ecr") is not handled here',
    ),
    error(
      'an array for the detail-type',
      push((e) => (e['detail-type'] = [])),
      'event.detail-type: expected a non-empty string, got an array',
    ),
    error(
      'a detail-type of 1 MB',
      push((e) => (e['detail-type'] = MEGABYTE)),
      ['event: detail-type "xxxxxxxx', 'is not handled here'],
    ),
    error(
      'an image action from another source',
      push((e) => (e.source = 'aws.s3')),
      'expected source "aws.ecr" and detail-type "ECR Image Action", got "aws.s3"',
    ),
    error(
      'no repository-name',
      push((_, d) => delete d['repository-name']),
      'detail.repository-name: missing',
    ),
    error(
      'a numeric repository-name',
      push((_, d) => (d['repository-name'] = 7)),
      'detail.repository-name: expected a non-empty string, got 7',
    ),
    error(
      'no action-type',
      push((_, d) => delete d['action-type']),
      'detail.action-type: missing',
    ),
    error(
      'a boolean result',
      push((_, d) => (d.result = true)),
      'detail.result: expected a non-empty string, got true',
    ),
    error(
      'a tag with ";"',
      push((_, d) => (d['image-tag'] = '1.4.2;reboot')),
      'detail.image-tag: "1.4.2;reboot" is not a valid image tag',
    ),
    error(
      'a tag with a space',
      push((_, d) => (d['image-tag'] = '1.4.2 beta')),
      '"1.4.2 beta" is not a valid image tag',
    ),
    error(
      'a tag of 129 characters',
      push((_, d) => (d['image-tag'] = LONG_TAG)),
      [`detail.image-tag: "${LONG_TAG.slice(0, 80)}…" is not a valid image tag`, 'at most 128 characters'],
    ),
    error(
      'a tag starting with "-"',
      push((_, d) => (d['image-tag'] = '-1.4.2')),
      '"-1.4.2" is not a valid image tag',
    ),
    error(
      'a tag with a non-ASCII letter',
      push((_, d) => (d['image-tag'] = '1.4.2-ß')),
      '"1.4.2-ß" is not a valid image tag',
    ),
    error(
      'a tag with a line break',
      push((_, d) => (d['image-tag'] = '1.4.2\nrm')),
      '"1.4.2\\nrm" is not a valid image tag',
    ),
    error(
      'a tag of 1 MB',
      push((_, d) => (d['image-tag'] = MEGABYTE)),
      ['detail.image-tag: "xxxxxxxx', 'is not a valid image tag'],
    ),
    error(
      'a numeric tag',
      push((_, d) => (d['image-tag'] = 142)),
      'detail.image-tag: expected a string, got 142',
    ),
    error(
      'an object for the tag',
      push((_, d) => (d['image-tag'] = { v: '1.4.2' })),
      'detail.image-tag: expected a string, got an object',
    ),
    error(
      'an md5 digest',
      push((_, d) => (d['image-digest'] = 'md5:d41d8cd98f00b204e9800998ecf8427e')),
      'detail.image-digest: "md5:d41d8cd98f00b204e9800998ecf8427e" is not a valid digest',
    ),
    error(
      'a sha256 digest one digit short',
      push((_, d) => (d['image-digest'] = `sha256:${'4'.repeat(63)}`)),
      `"sha256:${'4'.repeat(63)}" is not a valid digest`,
    ),
    error(
      'a digest in upper case',
      push((_, d) => (d['image-digest'] = `sha256:${'A'.repeat(64)}`)),
      `"sha256:${'A'.repeat(64)}" is not a valid digest`,
    ),
    error(
      'an array for the digest',
      push((_, d) => (d['image-digest'] = [])),
      'detail.image-digest: expected a string, got an array',
    ),
    error(
      'a scan without digest',
      await scan('ecr-image-scan.json', (_, d) => delete d['image-digest']),
      'detail.image-digest: missing',
    ),
    error(
      'a scan without status',
      await scan('ecr-image-scan.json', (_, d) => delete d['scan-status']),
      'detail.scan-status: missing',
    ),
    error(
      'an array for the finding counts',
      await scan('ecr-image-scan.json', (_, d) => (d['finding-severity-counts'] = [])),
      'detail.finding-severity-counts: expected an object, got an array',
    ),
    error(
      'a negative finding count',
      await scan('ecr-image-scan.json', (_, d) => (d['finding-severity-counts'] = { HIGH: -1 })),
      'detail.finding-severity-counts.HIGH: expected a whole number of findings, got -1',
    ),
    error(
      'a fractional finding count',
      await scan('ecr-image-scan.json', (_, d) => (d['finding-severity-counts'] = { LOW: 1.5 })),
      'detail.finding-severity-counts.LOW: expected a whole number of findings, got 1.5',
    ),
    error(
      'an unknown severity',
      await scan('ecr-image-scan.json', (_, d) => (d['finding-severity-counts'] = { SEVERE: 1 })),
      'detail.finding-severity-counts.SEVERE: not a severity',
    ),
    error(
      'a string for the scanned tags',
      await scan('ecr-image-scan.json', (_, d) => (d['image-tags'] = '1.4.2')),
      'detail.image-tags: expected an array of tags, got "1.4.2"',
    ),
    error(
      'a null scanned tag',
      await scan('ecr-image-scan.json', (_, d) => (d['image-tags'] = [null])),
      'detail.image-tags[0]: expected a string, got null',
    ),
    error(
      'a scanned tag with ";"',
      await scan('ecr-image-scan.json', (_, d) => (d['image-tags'] = ['1.4.2;x'])),
      'detail.image-tags[0]: "1.4.2;x" is not a valid image tag',
    ),
    error(
      'an Inspector scan naming an S3 bucket',
      await scan('inspector2-scan.json', (_, d) => (d['repository-name'] = 'arn:aws:s3:::my-app')),
      'detail.repository-name: "arn:aws:s3:::my-app" is not an ECR repository ARN',
    ),
    error(
      'an Inspector scan from the ECR source',
      await scan('inspector2-scan.json', (e) => (e.source = 'aws.ecr')),
      'or source "aws.inspector2" with detail-type "Inspector2 Scan", got "aws.ecr" / "Inspector2 Scan"',
    ),
  ];
}

/** A configuration that would bump my-app on stg of repository `corpus-config`, with `change` made to its text. */
const VALID_CONFIG = `repositories:
  manifests: { provider: codecommit, name: corpus-config }
images:
  - ecr: my-app
    update:
      - { repository: manifests, branch: stg, file: base/kustomization.yaml, kind: kustomize, image: my-app }
`;
const TARGET =
  '{ repository: manifests, branch: stg, file: base/kustomization.yaml, kind: kustomize, image: my-app }';
const withTarget = (target: string) => VALID_CONFIG.replace(TARGET, () => target);
const withTags = (tags: string) =>
  VALID_CONFIG.replace('  - ecr: my-app\n', () => `  - ecr: my-app\n    tags: ${tags}\n`);

const configCases: Array<Expected & { name: string; text?: string }> = [
  {
    name: 'an unknown top-level key',
    text: VALID_CONFIG.replace('images:', 'imagez:'),
    message: 'imagez: unknown key; did you mean "images"?',
  },
  {
    name: 'an unknown key in a target',
    text: withTarget(TARGET.replace('branch:', 'brnach:')),
    message: 'images[0].update[0].brnach: unknown key; did you mean "branch"?',
  },
  {
    name: 'a file path climbing out with ".."',
    text: withTarget(TARGET.replace('base/kustomization.yaml', '../../etc/passwd')),
    message:
      'images[0].update[0].file: must be a relative path inside the repository (got "../../etc/passwd")',
  },
  {
    name: 'an absolute file path',
    text: withTarget(TARGET.replace('base/kustomization.yaml', '/etc/passwd')),
    message: 'images[0].update[0].file: must be a relative path inside the repository (got "/etc/passwd")',
  },
  {
    name: 'a file inside .git',
    text: withTarget(TARGET.replace('base/kustomization.yaml', '.git/config')),
    message: 'must be a relative path inside the repository (got ".git/config")',
  },
  {
    name: 'the same target twice',
    text: withTarget(`${TARGET}\n      - ${TARGET}`),
    message: 'images[0].update[1]: duplicates images[0].update[0]',
  },
  {
    name: 'an unknown repository',
    text: withTarget(TARGET.replace('repository: manifests', 'repository: elsewhere')),
    message: 'images[0].update[0].repository: unknown repository "elsewhere"; known: manifests',
  },
  {
    name: 'an ECR repository configured twice',
    text: `${VALID_CONFIG}  - ecr: my-app\n    update:\n      - { repository: manifests, branch: main, file: base/kustomization.yaml, kind: kustomize, image: my-app }\n`,
    message: 'images[1].ecr: "my-app" is already configured at images[0]',
  },
  {
    name: 'a pattern that does not compile',
    text: withTags("{ pattern: '^dev-(\\d+' }"),
    message: 'images[0].tags.pattern: does not compile',
  },
  {
    name: 'a bad semver range',
    text: withTags("{ semver: '>=1.0.0 <<2' }"),
    message: 'images[0].tags.semver: invalid semver range ">=1.0.0 <<2"',
  },
  {
    name: 'a capture group the pattern lacks',
    text: withTags("{ pattern: '^v(\\d+)$', by: stamp }"),
    message: 'images[0].tags.by: "stamp" is not a named group of pattern',
  },
  {
    name: 'a branch name with ".."',
    text: withTarget(TARGET.replace('branch: stg', 'branch: release..1')),
    message: 'invalid branch name "release..1": must not contain ".."',
  },
  {
    name: 'a branch name starting with "-"',
    text: withTarget(TARGET.replace('branch: stg', 'branch: -stg')),
    message: 'invalid branch name "-stg": must not start with "-"',
  },
  {
    name: 'a branch name ending in ".lock"',
    text: withTarget(TARGET.replace('branch: stg', 'branch: stg.lock')),
    message: 'invalid branch name "stg.lock": no path component may end with ".lock"',
  },
  {
    name: 'an unknown manifest kind',
    text: withTarget(TARGET.replace('kind: kustomize, image: my-app', 'kind: dockerfile')),
    message: 'images[0].update[0].kind: must be one of kustomize, helm',
  },
  {
    name: 'maxAttempts beyond the limit',
    text: `${VALID_CONFIG}commit: { maxAttempts: 50 }\n`,
    message: 'commit.maxAttempts: must be at most 20 (got 50)',
  },
  {
    name: 'a YAML syntax error',
    text: `${VALID_CONFIG}  - ecr: "unterminated\n`,
    message: '%p:8:1: Missing closing "quote',
  },
  {
    name: 'a tab used as indentation',
    text: VALID_CONFIG.replace('    update:', '\tupdate:'),
    message: '%p:5:1: Tabs are not allowed as indentation',
  },
  {
    name: 'a key given twice',
    text: VALID_CONFIG.replace(
      'repositories:',
      'repositories:\n  manifests: { provider: codecommit, name: other }',
    ),
    message: 'Map keys must be unique',
  },
  {
    name: 'a list instead of a mapping',
    text: '- my-app\n- stg\n',
    message: '(root): must be an object with repositories and images (got a list)',
  },
  { name: 'only a comment', text: '# to be written\n', message: '(root): the configuration is empty' },
  { name: 'a parameter that does not exist', message: 'SSM parameter %p: parameter not found in us-east-1' },
].map((c) => ({ ...c, type: 'ConfigError' }));

const configParameter = (i: number) => `/reliability/corpus/config-${i}`;

async function configRuns(): Promise<Run[]> {
  const event = ecrPushEvent({}, 'bad-config-push');
  const parameters = configCases.map((_, i) => configParameter(i));
  for (const [i, c] of configCases.entries()) {
    if (c.text !== undefined) await stack.putParameterText(parameters[i] ?? '', c.text);
  }
  stack.codecommit.calls.length = 0;
  // Each case needs a container of its own (the configuration is read once per container): one
  // process runs them in turn, each on a cold container with its own configuration parameter.
  const outcomes = await invokeBundle(
    stack.bundles.ImageBumpFunction!,
    parameters.map(() => event),
    {
      env: stack.envFor(parameters[0] ?? ''),
      coldEnvs: parameters.map((parameter) => stack.envFor(parameter)),
    },
  );
  const calls = [...stack.codecommit.calls];
  return outcomes.map((outcome) => ({ outcome, calls }));
}

const KUSTOMIZATION_FILE = 'base/kustomization.yaml';
const kustomizeTarget = { file: KUSTOMIZATION_FILE, kind: 'kustomize', image: 'my-app' };
const definitionsTarget = { file: 'ecs/imagedefinitions.json', kind: 'imagedefinitions', container: 'web' };
const valuesTarget = { file: 'charts/my-app/values.yaml', kind: 'helm', path: 'image' };
const validKustomization = 'images:\n  - name: my-app\n    newTag: 1.4.1\n';

interface ManifestCase extends Expected {
  name: string;
  /** Files on the case's own branch (none: the branch is not created). */
  files?: Record<string, string | Uint8Array>;
  target: Record<string, string>;
  /** The repository key the target names; `manifests` by default. */
  repository?: string;
}

const manifestCases: ManifestCase[] = [
  {
    name: 'a kustomization that is not valid YAML',
    files: { [KUSTOMIZATION_FILE]: 'images:\n  - name: my-app\n   newTag: 1.4.1\n' },
    target: kustomizeTarget,
    type: 'ManifestError',
    message: [KUSTOMIZATION_FILE, 'invalid YAML'],
  },
  {
    name: 'image definitions that are not valid JSON',
    files: { 'ecs/imagedefinitions.json': '[{ "name": "web", "imageUri": "r/my-app:1.4.1" },]\n' },
    target: definitionsTarget,
    type: 'ManifestError',
    message: ['ecs/imagedefinitions.json', 'invalid JSON at'],
  },
  {
    name: 'an empty JSON file',
    files: { 'ecs/imagedefinitions.json': '' },
    target: definitionsTarget,
    type: 'ManifestError',
    message: 'ecs/imagedefinitions.json: the file is empty; it must hold a JSON document',
  },
  {
    name: 'a kustomization without the image',
    files: { [KUSTOMIZATION_FILE]: 'images:\n  - name: redis\n    newTag: "7.2"\n' },
    target: kustomizeTarget,
    type: 'ManifestError',
    message: 'no `images` entry has name `my-app` (names found: redis)',
  },
  {
    name: 'a kustomization without images',
    files: { [KUSTOMIZATION_FILE]: 'resources:\n  - deployment.yaml\n' },
    target: kustomizeTarget,
    type: 'ManifestError',
    message: 'the file has no `images:` list',
  },
  {
    name: 'a mapping where the images list goes',
    files: { [KUSTOMIZATION_FILE]: 'images:\n  name: my-app\n  newTag: 1.4.1\n' },
    target: kustomizeTarget,
    type: 'ManifestError',
    message: 'kustomize expects a list of entries',
  },
  {
    name: 'two kustomize entries for the image',
    files: { [KUSTOMIZATION_FILE]: `${validKustomization}  - name: my-app\n    newTag: 1.4.0\n` },
    target: kustomizeTarget,
    type: 'ManifestError',
    message: '2 `images` entries have name `my-app`',
  },
  {
    name: 'two containers named web',
    files: {
      'ecs/imagedefinitions.json':
        '[{ "name": "web", "imageUri": "r/my-app:1.4.1" }, { "name": "web", "imageUri": "r/my-app:1.4.0" }]\n',
    },
    target: definitionsTarget,
    type: 'ManifestError',
    message: '2 containers are named "web"',
  },
  {
    name: 'a Helm tag that is an alias',
    files: {
      'charts/my-app/values.yaml':
        'release: &release 1.4.1\nimage:\n  repository: r/my-app\n  tag: *release\n',
    },
    target: valuesTarget,
    type: 'ManifestError',
    message: 'is an alias (*release)',
  },
  {
    name: 'a file over 6 MB',
    files: {
      [KUSTOMIZATION_FILE]: `${validKustomization}${'# padding to make the file large\n'.repeat(200_000)}`,
    },
    target: kustomizeTarget,
    type: 'GitHostError',
    message: [KUSTOMIZATION_FILE, 'the file is larger than GetFile returns (6 MB)'],
  },
  {
    name: 'a file that is not UTF-8',
    files: {
      [KUSTOMIZATION_FILE]: Uint8Array.from([0x69, 0x6d, 0x61, 0x67, 0x65, 0x73, 0x3a, 0xff, 0xfe, 0x0a]),
    },
    target: kustomizeTarget,
    type: 'GitHostError',
    message: 'the file is not valid UTF-8 text',
  },
  {
    name: 'a missing file',
    files: { 'README.md': '# nothing here\n' },
    target: kustomizeTarget,
    type: 'GitHostError',
    message: [KUSTOMIZATION_FILE, 'the file does not exist'],
  },
  {
    name: 'a missing branch',
    target: kustomizeTarget,
    type: 'GitHostError',
    message: 'the branch does not exist',
  },
  {
    name: 'a missing repository',
    files: { [KUSTOMIZATION_FILE]: validKustomization },
    target: kustomizeTarget,
    repository: 'ghost',
    type: 'GitHostError',
    message: ['CodeCommit repository corpus-ghost', 'the repository does not exist'],
  },
];

async function manifestRuns(): Promise<Run[]> {
  const branchOf = (i: number) => `manifest-${i}`;
  const branches: Record<string, Record<string, string | Uint8Array>> = { main: manifests };
  manifestCases.forEach((c, i) => {
    if (c.files) branches[branchOf(i)] = c.files;
  });
  await stack.codecommit.createRepository('corpus-manifests', branches);
  const parameter = '/reliability/corpus/manifests';
  await stack.putConfig(parameter, {
    repositories: {
      manifests: { provider: 'codecommit', name: 'corpus-manifests' },
      ghost: { provider: 'codecommit', name: 'corpus-ghost' },
    },
    images: manifestCases.map((c, i) => ({
      ecr: `manifest-case-${i}`,
      update: [{ repository: c.repository ?? 'manifests', branch: branchOf(i), ...c.target }],
    })),
  });
  const events = manifestCases.map((_, i) =>
    ecrPushEvent({ 'repository-name': `manifest-case-${i}`, 'image-tag': '1.4.2' }, `bad-manifest-${i}`),
  );
  return batch(events, stack.envFor(parameter));
}

const EVENT_CASES = await eventCases();

describe('malformed and hostile events', () => {
  const cases = EVENT_CASES;
  let runs: Run[] = [];
  beforeAll(async () => {
    await stack.codecommit.createRepository('corpus-events', { stg: manifests });
    const parameter = '/reliability/corpus/events';
    await stack.putParameterText(parameter, VALID_CONFIG.replace('corpus-config', 'corpus-events'));
    runs = await batch(
      cases.map((c) => c.event),
      stack.envFor(parameter),
    );
  });

  it.each(cases.map((c, i) => [c.name, i] as const))('rejects %s', (_, i) => {
    expectRejected(runs[i], cases[i] as Expected);
  });
});

describe('broken configurations', () => {
  let runs: Run[] = [];
  beforeAll(async () => {
    await stack.codecommit.createRepository('corpus-config', { stg: manifests, main: manifests });
    runs = await configRuns();
  });

  it.each(configCases.map((c, i) => [c.name, i] as const))('rejects %s', (_, i) => {
    const { type, message } = configCases[i] as Expected;
    const named = [message].flat().map((part) => part.replace('%p', configParameter(i)));
    expectRejected(runs[i], { type, message: named });
  });
});

describe('broken manifests and missing places', () => {
  let runs: Run[] = [];
  beforeAll(async () => {
    runs = await manifestRuns();
  });

  it.each(manifestCases.map((c, i) => [c.name, i] as const))('rejects %s', (_, i) => {
    expectRejected(runs[i], manifestCases[i] as Expected);
  });
});

const BAD_TAG = 'detail.image-tag: "1.4.2;reboot" is not a valid image tag';

describe('bad messages in a batch from the image event queue', () => {
  it('rejects and alerts each bad message once, never redelivers it, and commits the good push', async () => {
    const { gitDir } = await stack.codecommit.createRepository('queued-mixed', { stg: manifests });
    const seed = await headOf(gitDir, 'stg');
    const parameter = '/reliability/queued/mixed';
    await stack.putParameterText(parameter, VALID_CONFIG.replace('corpus-config', 'queued-mixed'));
    const malformed = { not: 'an event' };
    const good = ecrPushEvent({ 'image-tag': '1.4.2' }, 'queued-good-push');
    const badTag = ecrPushEvent({ 'image-tag': '1.4.2;reboot' }, 'queued-bad-tag');
    await stack.drainAlerts(0);
    stack.codecommit.calls.length = 0;

    const report = await deliverQueued(stack, stack.envFor(parameter), [malformed, good, badTag]);

    // One batch, answered without failures: nothing is redelivered or dead-lettered.
    expect(report.invocations.map((invocation) => invocation.messageIds.length)).toStrictEqual([3]);
    expect(report.redelivered).toBe(0);
    expect(report.deadLettered).toStrictEqual([]);
    const [answer] = batchAnswers(report);
    expect(answer?.batchItemFailures).toStrictEqual([]);
    expect(answer?.results).toHaveLength(3);
    expect(answer?.results).toContainEqual({
      eventId: null,
      actions: [],
      error: { type: 'EventError', message: 'event.detail: expected an object, got nothing' },
    });
    expect(answer?.results).toContainEqual({
      eventId: 'queued-bad-tag',
      actions: [],
      error: { type: 'EventError', message: expect.stringContaining(BAD_TAG) },
    });
    const committed = answer?.results.find((result) => result.eventId === 'queued-good-push');
    expect(committed).not.toHaveProperty('error');
    const [commit, ...more] = (committed?.actions ?? []).filter((action) => action.type === 'commit');
    expect(more).toStrictEqual([]);
    expect(commit).toMatchObject({ branch: 'stg', parentCommitId: seed });

    // Only the good push reached CodeCommit: one commit, naming it alone.
    const history = await commitsSince(gitDir, seed, 'stg');
    expect(history.map((c) => [c.id, eventIdOf(c), c.paths])).toStrictEqual([
      [commit?.type === 'commit' ? commit.commitId : '', 'queued-good-push', ['base/kustomization.yaml']],
    ]);
    expect(stack.codecommit.calls.filter((call) => call.operation === 'CreateCommit')).toHaveLength(1);

    // Each bad message is alerted once; the good push alerts nobody.
    const alerts = await stack.drainAlerts(2);
    expect(alerts).toHaveLength(2);
    expect(alerts).toContainEqual({
      subject: 'ImageBumpFunction: EventError',
      message: expect.stringContaining('event.detail: expected an object, got nothing'),
      eventId: undefined,
    });
    expect(alerts).toContainEqual({
      subject: 'ImageBumpFunction: EventError',
      message: expect.stringContaining(BAD_TAG),
      eventId: 'queued-bad-tag',
    });
  });
});

describe('all hostile inputs together', () => {
  it('were refused with no write and no retry', () => {
    const writes = checked.filter((run) =>
      run.calls.some((call) => call.operation === 'CreateCommit'),
    ).length;
    const retried = checked.filter((run) => !run.outcome.ok).length;
    console.log(`${checked.length} hostile inputs, ${writes} writes, ${retried} retried permanent errors`);
    expect(checked.length).toBe(EVENT_CASES.length + configCases.length + manifestCases.length);
    expect({ writes, retried }).toStrictEqual({ writes: 0, retried: 0 });
  });
});
