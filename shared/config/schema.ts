import { isAbsolute, resolve } from 'node:path';
import { validRange } from 'semver';
import * as z from 'zod';
import type { Config, TagPolicy } from '#config/types.ts';
import { ConfigError } from '#domain/errors.ts';

/**
 * The configuration document users write (YAML or JSON), its validation and the mapping to
 * `Config`. Structural rules live in the zod schema (and so in the exported JSON Schema); rules
 * that relate one part of the document to another run on the raw input, so that every problem is
 * reported at once, each as a `path: message` line.
 */

// ---------------------------------------------------------------------------------------------
// Messages

const describeValue = (value: unknown): string => {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'object') return 'an object';
  return typeof value;
};

const EXPECTED: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  boolean: 'true or false',
  object: 'an object',
  record: 'an object',
  array: 'a list',
};

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/** The closest candidate when it is close enough to be a likely typo. */
function closest(word: string, candidates: readonly string[]): string | undefined {
  const lower = word.toLowerCase();
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const other = candidate.toLowerCase();
    const distance = editDistance(lower, other);
    const prefix =
      Math.min(lower.length, other.length) >= 3 && (lower.startsWith(other) || other.startsWith(lower));
    const near = distance <= Math.max(1, Math.floor(candidate.length / 3));
    if ((near || prefix) && (!best || distance < best.distance)) {
      best = { candidate, distance };
    }
  }
  return best?.candidate;
}

const didYouMean = (word: string, candidates: readonly string[]): string => {
  const suggestion = closest(word, candidates);
  return suggestion ? `; did you mean "${suggestion}"?` : '';
};

const oneOf = (values: readonly unknown[], input: unknown): string => {
  const list = values.map(String).join(', ');
  if (input === undefined) return `required; one of ${list}`;
  const hint = typeof input === 'string' ? didYouMean(input, values.map(String)) : '';
  return `must be one of ${list} (got ${describeValue(input)})${hint}`;
};

/** Messages for the issues zod raises itself; schemas with something specific to say set their own. */
const issueMessage: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return 'required';
      return `must be ${EXPECTED[issue.expected] ?? issue.expected} (got ${describeValue(issue.input)})`;
    case 'invalid_value':
      return oneOf(issue.values, issue.input);
    case 'invalid_union':
      if (issue.discriminator !== undefined && Array.isArray(issue.options)) {
        const input = issue.input as Record<string, unknown> | undefined;
        return oneOf(issue.options, input?.[issue.discriminator]);
      }
      return undefined;
    case 'too_small':
      if (issue.origin === 'string') return 'must not be empty';
      if (issue.origin === 'array') return `must contain at least ${issue.minimum} item(s)`;
      return `must be at least ${issue.minimum} (got ${describeValue(issue.input)})`;
    case 'too_big':
      if (issue.origin === 'string') return `must be at most ${issue.maximum} characters long`;
      if (issue.origin === 'array') return `must contain at most ${issue.maximum} item(s)`;
      return `must be at most ${issue.maximum} (got ${describeValue(issue.input)})`;
    default:
      return undefined;
  }
};

// ---------------------------------------------------------------------------------------------
// Building blocks

/**
 * A closed object: unknown keys are errors, one line per key. zod reports them in a single
 * issue, so the message holds one line per key, in the order of `keys` (see `zodIssues`).
 */
function closedObject<Shape extends z.core.$ZodLooseShape>(shape: Shape, expected = 'an object') {
  const known = Object.keys(shape);
  return z.strictObject(shape, {
    error: (issue) => {
      if (issue.code === 'unrecognized_keys') {
        return issue.keys.map((key) => `unknown key${didYouMean(key, known)}`).join('\n');
      }
      if (issue.code === 'invalid_type' && issue.input !== undefined) {
        return `must be ${expected} (got ${describeValue(issue.input)})`;
      }
      return undefined;
    },
  });
}

const requiredText = z.string().min(1);

/** A string that must satisfy `test`; `explain` gives the message for a value that does not. */
const checkedString = (test: (value: string) => boolean, explain: (value: string) => string) =>
  z.string().check((ctx) => {
    // `continue`: a bad value is no reason to skip the checks of the object that holds it.
    if (!test(ctx.value)) {
      ctx.issues.push({ code: 'custom', message: explain(ctx.value), input: ctx.value, continue: true });
    }
  });

const hasControlCharacter = (value: string): boolean => [...value].some((c) => c < ' ' || c === '\x7f');

/** A path inside a git repository as git stores it: relative, `/`-separated, no `.`/`..`/`.git`. */
export function isRepositoryPath(file: string): boolean {
  if (file === '' || file.includes('\\') || hasControlCharacter(file)) return false;
  if (file.startsWith('/') || /^[A-Za-z]:/.test(file)) return false;
  return file
    .split('/')
    .every(
      (segment) => segment !== '' && segment !== '.' && segment !== '..' && segment.toLowerCase() !== '.git',
    );
}

/** Why `name` is not a valid branch name (git check-ref-format rules for refs/heads/<name>), or undefined. */
export function branchNameProblem(name: string): string | undefined {
  if (name === '') return 'must not be empty';
  if (name === '@') return 'must not be "@"';
  if (name === 'HEAD') return 'must not be "HEAD"';
  if (name.startsWith('-')) return 'must not start with "-"';
  if (name.startsWith('/') || name.endsWith('/')) return 'must not start or end with "/"';
  if (name.includes('//')) return 'must not contain "//"';
  if (name.endsWith('.')) return 'must not end with "."';
  if (name.includes('..')) return 'must not contain ".."';
  if (name.includes('@{')) return 'must not contain "@{"';
  if (hasControlCharacter(name) || name.includes(' ')) return 'must not contain spaces or control characters';
  const forbidden = [...'~^:?*[\\'].find((c) => name.includes(c));
  if (forbidden) return `must not contain "${forbidden}"`;
  for (const component of name.split('/')) {
    if (component.startsWith('.')) return 'no path component may start with "."';
    if (component.endsWith('.lock')) return 'no path component may end with ".lock"';
  }
  return undefined;
}

const ECR_NAME_PATTERN = '^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$';
const ECR_NAME = new RegExp(ECR_NAME_PATTERN);
export const isEcrRepositoryName = (name: string): boolean =>
  name.length >= 2 && name.length <= 256 && ECR_NAME.test(name);

// Image name grammar of the distribution reference: [host[:port]/]component(/component)*.
const HOST_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const HOST = `(?:${HOST_COMPONENT}(?:\\.${HOST_COMPONENT})*|\\[[a-fA-F0-9:]+\\])(?::[0-9]+)?`;
const PATH_COMPONENT = '[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*';
const IMAGE_NAME = new RegExp(`^(?:${HOST}/)?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*$`);

/** Why `uri` is not an image name without tag or digest, or undefined. */
function imageNameProblem(uri: string): string | undefined {
  const lastSlash = uri.lastIndexOf('/');
  if (uri.includes('@') || uri.lastIndexOf(':') > lastSlash) {
    return `must be an image name without tag or digest (got ${JSON.stringify(uri)})`;
  }
  if (uri.length > 255 || !IMAGE_NAME.test(uri)) {
    return `must be an image name such as 111122223333.dkr.ecr.eu-west-1.amazonaws.com/my-app (got ${JSON.stringify(uri)})`;
  }
  return undefined;
}

/** The JS error message when `source` is not a valid regular expression. */
function regexProblem(source: string): string | undefined {
  try {
    new RegExp(source);
    return undefined;
  } catch (error) {
    return `does not compile: ${(error as Error).message}`;
  }
}

/** Named capture groups of a valid regular expression. */
function namedGroups(source: string): string[] {
  // The empty alternative always matches, and `groups` lists every named group of the pattern.
  const groups = new RegExp(`${source}|`).exec('')?.groups;
  return groups ? Object.keys(groups) : [];
}

const regex = checkedString(
  (value) => regexProblem(value) === undefined,
  (value) => regexProblem(value) ?? '',
);

// ---------------------------------------------------------------------------------------------
// Repositories

const REPOSITORY_KEY = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
const CODECOMMIT_NAME = /^[\w.-]{1,100}$/;
const AWS_REGION = /^[a-z]{2}(?:-[a-z]+)+-\d{1,2}$/;

const localRepository = closedObject({
  provider: z.literal('local').meta({ description: 'Repository kind.' }),
  path: checkedString(
    (value) => value !== '' && !value.includes('\0'),
    () => 'must be a non-empty path without NUL characters',
  ).meta({
    description:
      'Directory of a git repository on disk (bare or with a working tree). In a configuration file a ' +
      'relative path is resolved against the directory of that file; elsewhere it must be absolute.',
    examples: ['./manifests-repo'],
  }),
}).meta({
  title: 'Local repository',
  description: 'A git repository on disk; the embedded default that runs without AWS.',
  examples: [{ provider: 'local', path: './manifests-repo' }],
});

const codecommitRepository = closedObject({
  provider: z.literal('codecommit').meta({ description: 'Repository kind.' }),
  name: checkedString(
    (value) => CODECOMMIT_NAME.test(value) && !value.endsWith('.git'),
    (value) =>
      `must be a CodeCommit repository name (1-100 letters, digits, ".", "_" or "-", not ending in ".git"; got ${JSON.stringify(value)})`,
  ).meta({
    description: 'CodeCommit repository name.',
    examples: ['app-manifests'],
    pattern: CODECOMMIT_NAME.source,
  }),
  region: checkedString(
    (value) => AWS_REGION.test(value),
    (value) => `must be an AWS region such as eu-west-1 (got ${JSON.stringify(value)})`,
  )
    .meta({
      description: "AWS region of the repository; the function's own region when omitted.",
      examples: ['eu-west-1'],
      pattern: AWS_REGION.source,
    })
    .optional(),
}).meta({
  title: 'CodeCommit repository',
  description: 'An AWS CodeCommit repository.',
  examples: [{ provider: 'codecommit', name: 'app-manifests', region: 'eu-west-1' }],
});

const repository = z
  .discriminatedUnion('provider', [localRepository, codecommitRepository])
  .meta({ description: 'Where a git repository lives; `provider` selects the kind.' });

const repositories = z
  .record(
    z.string().regex(REPOSITORY_KEY, {
      error:
        'repository names start with a letter or digit and hold only letters, digits, ".", "_" and "-" (at most 100)',
    }),
    repository,
  )
  .refine((value) => Object.keys(value).length > 0, { error: 'must define at least one repository' })
  .meta({
    title: 'Repositories',
    description: 'Git repositories that hold manifests, by name. Targets refer to them by that name.',
    minProperties: 1,
  });

// ---------------------------------------------------------------------------------------------
// Commit settings

const DEFAULT_AUTHOR = { name: 'Flowkeeper', email: 'flowkeeper@noreply.local' };

const commit = closedObject({
  author: closedObject({
    name: checkedString(
      (value) => value.trim() !== '' && !/[<>\n\r]/.test(value),
      () => 'must be a non-empty name without "<", ">" or line breaks',
    )
      .meta({ description: 'Author and committer name of the commits.' })
      .default(DEFAULT_AUTHOR.name),
    email: checkedString(
      (value) => /^[^\s@<>]+@[^\s@<>]+$/.test(value),
      (value) => `must be an email address (got ${JSON.stringify(value)})`,
    )
      .meta({ description: 'Author and committer email of the commits.' })
      .default(DEFAULT_AUTHOR.email),
  })
    .meta({ description: 'Identity the commits are made with.' })
    .prefault(DEFAULT_AUTHOR),
  maxAttempts: z
    .int()
    .min(1)
    .max(20)
    .meta({
      description:
        'Compare-and-swap attempts per branch: when the branch moves between read and commit, the ' +
        'change is planned again on the new head, up to this many times.',
    })
    .default(5),
})
  .meta({ title: 'Commit settings', description: 'How Flowkeeper makes its commits.' })
  .prefault({});

// ---------------------------------------------------------------------------------------------
// Tag policy

const tagsInput = closedObject({
  semver: checkedString(
    (value) => value.trim() !== '' && validRange(value) !== null,
    (value) => `invalid semver range ${JSON.stringify(value)}`,
  )
    .meta({
      description:
        'Semver range a tag must satisfy (npm semver syntax); the highest matching version wins. ' +
        'Exclusive with `pattern`. When neither is set, `*` applies.',
      examples: ['>=1.0.0', '^2.3'],
    })
    .optional(),
  prerelease: z
    .boolean()
    .meta({
      description: 'Also consider prerelease versions (`1.2.0-rc.1`). Only with `semver`.',
      default: false,
    })
    .optional(),
  pattern: regex
    .meta({
      description:
        'JavaScript regular expression (no flags) a tag must match; tags are ordered by `by` or by the ' +
        'whole tag. Exclusive with `semver`.',
      examples: ['^dev-(?<stamp>\\d{14})-[0-9a-f]{7}$'],
    })
    .optional(),
  order: z
    .enum(['numeric', 'lexical', 'push-time'])
    .meta({
      description:
        'How tags are compared: `numeric` or `lexical` on `by` (only with `pattern`), or `push-time`: the ' +
        'image pushed last to ECR wins, whatever its tag says (`pattern`, when given, only selects tags).',
      default: 'numeric',
    })
    .optional(),
  by: requiredText
    .meta({
      description:
        'Named capture group of `pattern` to compare; the whole tag when omitted. Only with `pattern`.',
      examples: ['stamp'],
    })
    .optional(),
  include: z
    .array(regex)
    .meta({ description: 'Regular expressions; when any is given a tag must match at least one.' })
    .default([]),
  exclude: z
    .array(regex)
    .meta({ description: 'Regular expressions; a tag matching any of them is never selected.' })
    .default([]),
});

const tags = tagsInput
  .superRefine((value, ctx) => {
    if (value.semver !== undefined && value.pattern !== undefined) {
      ctx.addIssue({ code: 'custom', message: 'set either semver or pattern, not both', path: [] });
    }
    if (value.order === 'push-time') {
      if (value.semver !== undefined || value.prerelease !== undefined) {
        ctx.addIssue({
          code: 'custom',
          message: 'push-time ordering does not combine with semver',
          path: ['order'],
        });
      }
      if (value.by !== undefined) {
        ctx.addIssue({ code: 'custom', message: 'not used with push-time ordering', path: ['by'] });
      }
    } else if (value.pattern === undefined) {
      for (const key of ['order', 'by'] as const) {
        if (value[key] !== undefined)
          ctx.addIssue({ code: 'custom', message: 'only allowed with pattern', path: [key] });
      }
    } else if (value.prerelease !== undefined && value.semver === undefined) {
      ctx.addIssue({ code: 'custom', message: 'only allowed with semver', path: ['prerelease'] });
    }
    if (value.pattern !== undefined && value.by !== undefined && regexProblem(value.pattern) === undefined) {
      const groups = namedGroups(value.pattern);
      if (!groups.includes(value.by)) {
        const known =
          groups.length > 0 ? `named groups: ${groups.join(', ')}` : 'pattern has no named groups';
        ctx.addIssue({
          code: 'custom',
          message: `${JSON.stringify(value.by)} is not a named group of pattern (${known})`,
          path: ['by'],
        });
      }
    }
  })
  .transform(
    (value): TagPolicy => ({
      ordering:
        value.order === 'push-time'
          ? { kind: 'push-time', ...(value.pattern !== undefined && { pattern: value.pattern }) }
          : value.pattern !== undefined
            ? {
                kind: 'pattern',
                pattern: value.pattern,
                order: value.order === 'lexical' ? 'lexical' : 'numeric',
                ...(value.by !== undefined && { by: value.by }),
              }
            : { kind: 'semver', range: value.semver ?? '*', prerelease: value.prerelease ?? false },
      include: value.include,
      exclude: value.exclude,
    }),
  )
  .meta({
    title: 'Tag policy',
    description:
      'Which pushed tags are candidates and which one wins: a semver range, or a pattern with an order.',
    allOf: [
      { not: { required: ['semver', 'pattern'] } },
      { not: { required: ['prerelease', 'pattern'] } },
      { not: { required: ['semver', 'order'] } },
      { dependentRequired: { by: ['pattern'] } },
    ],
  })
  .prefault({ semver: '*' });

// ---------------------------------------------------------------------------------------------
// Targets

const location = {
  repository: requiredText.meta({ description: 'Name of a repository defined under `repositories`.' }),
  branch: checkedString(
    (value) => branchNameProblem(value) === undefined,
    (value) => `invalid branch name ${JSON.stringify(value)}: ${branchNameProblem(value)}`,
  ).meta({ description: 'Branch to commit to; a valid git branch name (`git check-ref-format --branch`).' }),
  file: checkedString(isRepositoryPath, (value) => {
    return `must be a relative path inside the repository (got ${JSON.stringify(value)})`;
  }).meta({
    description:
      'Path of the manifest relative to the root of the repository: `/`-separated, no leading `/`, ' +
      'no `.`, `..` or empty segments, no `.git`, no backslashes or control characters.',
  }),
};
const setName = z
  .boolean()
  .meta({ description: 'Also write the image name (the `uri` of the image), not only tag and digest.' })
  .default(false);

const scan = closedObject({
  severity: z
    .enum(['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'INFORMATIONAL', 'UNDEFINED'])
    .meta({ description: 'Lowest severity that blocks: a finding at or above it keeps the image out.' })
    .default('HIGH'),
})
  .meta({
    description:
      'Scan gate: only images whose ECR scan completed without findings at or above `severity`. Gated ' +
      'targets are bumped by the `ECR Image Scan` / `Inspector2 Scan` event instead of the push.',
  })
  .optional();

/** The keys every target has, checked on their own when `kind` is unknown. */
const targetBase = z.object({ ...location, setName });

const target = <Kind extends string, Shape extends z.core.$ZodLooseShape>(
  kind: Kind,
  shape: Shape,
  meta: { title: string; description: string; example: { file: string } & Record<string, unknown> },
) => {
  const { file, ...options } = meta.example;
  return closedObject({
    ...location,
    kind: z.literal(kind).meta({ description: 'Manifest kind.' }),
    ...shape,
    setName,
    scan,
  }).meta({
    title: meta.title,
    description: meta.description,
    examples: [{ repository: 'manifests', branch: 'main', file, kind, ...options }],
  });
};

const PARAMETER_NAME = /^(?:\/[a-zA-Z0-9_.-]+(?:\/[a-zA-Z0-9_.-]+){0,14}|[a-zA-Z0-9_.-]+)$/;
const parameterProblem = (name: string): string | undefined => {
  if (name.length > 1011) return 'must be at most 1011 characters';
  if (!PARAMETER_NAME.test(name)) {
    return 'must be an SSM parameter name: letters, digits, "_", ".", "-", hierarchy levels separated by "/" with a leading "/" (at most 15 levels)';
  }
  if (/^\/?(aws|ssm)/i.test(name)) return 'must not start with "aws" or "ssm" (reserved by AWS)';
  return undefined;
};

const parameterTarget = closedObject({
  kind: z.literal('ssm').meta({ description: 'An SSM parameter instead of a file.' }),
  parameter: checkedString(
    (value) => parameterProblem(value) === undefined,
    (value) => `${parameterProblem(value)} (got ${JSON.stringify(value)})`,
  ).meta({ description: 'Name of the String parameter to write.', examples: ['/my-app/stg/image'] }),
  value: z
    .enum(['reference', 'tag'])
    .meta({ description: 'Write the whole image reference, or the tag only.' })
    .default('reference'),
  setName: z
    .boolean()
    .meta({
      description:
        'Write the image name of the push (`uri`) even when the parameter already holds another name. ' +
        'A new or empty parameter always gets it.',
    })
    .default(false),
  scan,
}).meta({
  title: 'SSM parameter target',
  description:
    'An SSM String parameter holding the image reference, for ECS, CodePipeline or CloudFormation ' +
    'consumers that read images from Parameter Store. Written only when the value changes.',
  examples: [{ kind: 'ssm', parameter: '/my-app/stg/image' }],
});

const container = requiredText.meta({ description: 'Container name.', examples: ['web'] });
const dottedPath = checkedString(
  (value) =>
    /^[^.[\]]+(?:\[(?:\d+|[^\]=]+=[^\]]*)\])*(?:\.[^.[\]]+(?:\[(?:\d+|[^\]=]+=[^\]]*)\])*)*$/.test(value),
  (value) =>
    `must be a dotted path such as spec.image, a.b[0].c or spec.containers[name=web].image (got ${JSON.stringify(value)})`,
);

const targets = [
  target(
    'kustomize',
    {
      image: requiredText.meta({
        description: '`name` of the entry in `images:` to update.',
        examples: ['my-app'],
      }),
    },
    {
      title: 'Kustomize target',
      description: 'kustomization.yaml `images:` entry: writes newTag (and newName, digest).',
      example: { file: 'overlays/dev/kustomization.yaml', image: 'my-app' },
    },
  ),
  target(
    'helm',
    {
      path: dottedPath.meta({
        description: 'Dotted path to a mapping holding the image keys, or to a scalar `repository:tag`.',
        examples: ['image', 'frontend.image'],
      }),
      tagKey: requiredText.meta({ description: 'Key of the tag in that mapping.' }).default('tag'),
      repositoryKey: requiredText
        .meta({ description: 'Key of the image name in that mapping.' })
        .default('repository'),
      digestKey: requiredText.meta({ description: 'Key of the digest in that mapping.' }).default('digest'),
    },
    {
      title: 'Helm values target',
      description: 'An image in a Helm values file.',
      example: { file: 'charts/app/values.yaml', path: 'image' },
    },
  ),
  target(
    'kubernetes',
    {
      container,
      resource: closedObject({
        kind: requiredText.meta({ description: 'Resource kind, e.g. Deployment.' }).optional(),
        name: requiredText.meta({ description: '`metadata.name` of the resource.' }).optional(),
      })
        .refine((value) => value.kind !== undefined || value.name !== undefined, {
          error: 'must set kind or name',
        })
        .meta({ description: 'Narrows the match when several resources have a container of that name.' })
        .optional(),
    },
    {
      title: 'Kubernetes workload target',
      description: 'Containers and initContainers named `container` in Kubernetes workload manifests.',
      example: { file: 'k8s/deploy.yaml', container: 'web', resource: { kind: 'Deployment', name: 'web' } },
    },
  ),
  target(
    'yaml',
    {
      path: dottedPath.meta({
        description: 'Path of the scalar to write.',
        examples: ['spec.image', 'a.b[0].c'],
      }),
      value: z
        .enum(['reference', 'tag'])
        .meta({ description: 'Write the whole image reference, or the tag only.' })
        .default('reference'),
      document: z
        .int()
        .min(0)
        .meta({ description: 'Zero-based index of the document in a multi-document file.' })
        .optional(),
    },
    {
      title: 'YAML path target',
      description: 'A scalar at a path in any YAML file.',
      example: { file: 'app/config.yaml', path: 'spec.image', value: 'reference' },
    },
  ),
  target(
    'imagedefinitions',
    { container },
    {
      title: 'ECS image definitions target',
      description: 'ECS `imagedefinitions.json`: `imageUri` of the entry named `container`.',
      example: { file: 'ecs/imagedefinitions.json', container: 'web' },
    },
  ),
  target(
    'imagedetail',
    {},
    {
      title: 'ECS image detail target',
      description: 'ECS blue/green `imageDetail.json`: `ImageURI`.',
      example: { file: 'ecs/imageDetail.json' },
    },
  ),
  target(
    'taskdefinition',
    { container },
    {
      title: 'ECS task definition target',
      description: 'ECS task definition JSON: `image` of the `containerDefinitions` entry named `container`.',
      example: { file: 'ecs/taskdef.json', container: 'web' },
    },
  ),
] as const;

const updateTarget = z
  .discriminatedUnion('kind', [...targets, parameterTarget])
  .meta({ description: 'A manifest value to update; `kind` selects the manifest kind.' });

// ---------------------------------------------------------------------------------------------
// Images and the document

const image = closedObject({
  ecr: checkedString(isEcrRepositoryName, (value) => {
    return `must be an ECR repository name (2-256 characters: lowercase letters and digits separated by ".", "_", "-" or "/"; got ${JSON.stringify(value)})`;
  }).meta({
    description: 'ECR repository name as pushes report it (may contain `/`).',
    examples: ['my-app-dev', 'team/my-app'],
    pattern: ECR_NAME_PATTERN,
    minLength: 2,
    maxLength: 256,
  }),
  uri: checkedString(
    (value) => imageNameProblem(value) === undefined,
    (value) => imageNameProblem(value) ?? '',
  )
    .meta({
      description:
        'Image name written by targets with `setName`, without tag or digest; ' +
        '`<account>.dkr.ecr.<region>.amazonaws.com/<ecr>` of the push when omitted.',
      examples: ['111122223333.dkr.ecr.eu-west-1.amazonaws.com/my-app-dev'],
    })
    .optional(),
  tags,
  digest: z
    .enum(['ignore', 'pin'])
    .meta({ description: 'Also write the pushed digest (`pin`), or the tag only (`ignore`).' })
    .default('ignore'),
  update: z
    .array(updateTarget)
    .min(1, { error: 'must list at least one target' })
    .meta({
      description:
        'Manifest values to update when this repository receives a winning tag. No two targets in the ' +
        'configuration may write the same value (same repository, branch, file, kind and selector).',
    }),
}).meta({ title: 'Image rule', description: 'What to do when an ECR repository receives a push.' });

export const configSchema = closedObject(
  {
    repositories,
    commit,
    images: z.array(image).min(1, { error: 'must list at least one image' }).meta({
      title: 'Images',
      description: 'One rule per ECR repository; list the targets of a repository under one entry.',
    }),
  },
  'an object with repositories and images',
).meta({
  title: 'Flowkeeper configuration',
  description: 'Which images are followed and which manifests they update.',
});

type AssignableTo<T extends U, U> = T;
/** Compile-time proof that the schema produces exactly the shape the rest of the code relies on. */
export type ConfigSchemaOutput = AssignableTo<z.output<typeof configSchema>, Config>;

// ---------------------------------------------------------------------------------------------
// Rules across the document

type Issue = { path: PropertyKey[]; message: string };

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The keys that, with repository, branch, file and kind, say which value a target writes. */
const SELECTORS: Record<string, string[]> = {
  kustomize: ['image'],
  helm: ['path'],
  kubernetes: ['container', 'resource'],
  yaml: ['path', 'document'],
  imagedefinitions: ['container'],
  imagedetail: [],
  taskdefinition: ['container'],
  ssm: [],
};

const sortedJson = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) =>
    isRecord(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b))) : v,
  );

function crossReferenceIssues(input: Record<string, unknown>, baseDirectory: string | undefined): Issue[] {
  const issues: Issue[] = [];
  const repositoryNames = isRecord(input.repositories) ? Object.keys(input.repositories) : undefined;

  if (isRecord(input.repositories) && baseDirectory === undefined) {
    for (const [name, repo] of Object.entries(input.repositories)) {
      if (isRecord(repo) && repo.provider === 'local' && typeof repo.path === 'string' && repo.path !== '') {
        if (!isAbsolute(repo.path)) {
          issues.push({
            path: ['repositories', name, 'path'],
            message: `must be an absolute path: there is no configuration file to resolve it against (got ${JSON.stringify(repo.path)})`,
          });
        }
      }
    }
  }

  if (!Array.isArray(input.images)) return issues;
  const ecrSeen = new Map<string, number>();
  const targetsSeen = new Map<string, string>();
  input.images.forEach((img: unknown, i) => {
    if (!isRecord(img)) return;
    if (typeof img.ecr === 'string') {
      const first = ecrSeen.get(img.ecr);
      if (first === undefined) ecrSeen.set(img.ecr, i);
      else {
        issues.push({
          path: ['images', i, 'ecr'],
          message: `${JSON.stringify(img.ecr)} is already configured at images[${first}]; merge their update lists`,
        });
      }
    }
    if (!Array.isArray(img.update)) return;
    img.update.forEach((t: unknown, j) => {
      if (!isRecord(t)) return;
      if (typeof t.repository === 'string' && repositoryNames && !repositoryNames.includes(t.repository)) {
        const known = repositoryNames.length > 0 ? `known: ${repositoryNames.join(', ')}` : 'none is defined';
        issues.push({
          path: ['images', i, 'update', j, 'repository'],
          message: `unknown repository ${JSON.stringify(t.repository)}; ${known}`,
        });
      }
      if (t.kind === 'ssm') {
        if (typeof t.parameter !== 'string') return;
        const key = sortedJson(['ssm', t.parameter]);
        const here = formatPath(['images', i, 'update', j]);
        const first = targetsSeen.get(key);
        if (first === undefined) targetsSeen.set(key, here);
        else
          issues.push({
            path: ['images', i, 'update', j],
            message: `duplicates ${first} (same SSM parameter)`,
          });
        return;
      }
      const selector =
        typeof t.kind === 'string' && Object.hasOwn(SELECTORS, t.kind) ? SELECTORS[t.kind] : undefined;
      if (!selector) {
        const base = targetBase.safeParse(t, { error: issueMessage });
        for (const issue of base.error?.issues ?? []) {
          issues.push({ path: ['images', i, 'update', j, ...issue.path], message: issue.message });
        }
        return;
      }
      if (typeof t.repository !== 'string' || typeof t.branch !== 'string' || typeof t.file !== 'string') {
        return;
      }
      const key = sortedJson([t.repository, t.branch, t.file, t.kind, ...selector.map((k) => t[k] ?? null)]);
      const here = formatPath(['images', i, 'update', j]);
      const first = targetsSeen.get(key);
      if (first === undefined) targetsSeen.set(key, here);
      else {
        const same = ['repository', 'branch', 'file', 'kind', ...selector];
        issues.push({
          path: ['images', i, 'update', j],
          message: `duplicates ${first} (same ${same.slice(0, -1).join(', ')} and ${same.at(-1)})`,
        });
      }
    });
  });
  return issues;
}

// ---------------------------------------------------------------------------------------------
// Parsing

/** `images[1].update[0].file`; keys that are not plain words are quoted: `repositories["a b"]`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (typeof segment === 'string' && /^[A-Za-z0-9_$-]+$/.test(segment))
      out += out ? `.${segment}` : segment;
    else out += `[${JSON.stringify(String(segment))}]`;
  }
  return out || '(root)';
}

function zodIssues(issues: readonly z.core.$ZodIssue[]): Issue[] {
  return issues.flatMap((issue): Issue[] => {
    if (issue.code === 'unrecognized_keys') {
      const messages = issue.message.split('\n');
      return issue.keys.map((key, i) => ({
        path: [...issue.path, key],
        message: messages[i] ?? 'unknown key',
      }));
    }
    if (issue.code === 'invalid_key')
      return issue.issues.map((inner) => ({ path: issue.path, message: inner.message }));
    return [{ path: issue.path, message: issue.message }];
  });
}

/**
 * Where a path points in the document, as a sortable list: list indexes, and the position of each
 * key in its object (keys the document lacks sort after the ones it has).
 */
function documentPosition(input: unknown, path: readonly PropertyKey[]): number[] {
  const position: number[] = [];
  let node = input;
  for (const segment of path) {
    if (typeof segment === 'number') position.push(segment);
    else {
      const index = isRecord(node) ? Object.keys(node).indexOf(String(segment)) : -1;
      position.push(index < 0 ? Number.POSITIVE_INFINITY : index);
    }
    node =
      isRecord(node) || Array.isArray(node) ? (node as Record<PropertyKey, unknown>)[segment] : undefined;
  }
  return position;
}

/** Issues in the order of the document, so they read top to bottom like the file. */
function inDocumentOrder(input: unknown, issues: readonly Issue[]): Issue[] {
  const keyed = issues.map((issue) => ({ issue, position: documentPosition(input, issue.path) }));
  keyed.sort((a, b) => {
    for (let i = 0; i < Math.min(a.position.length, b.position.length); i++) {
      const difference = (a.position[i] ?? 0) - (b.position[i] ?? 0);
      if (difference !== 0 && !Number.isNaN(difference)) return difference;
    }
    return a.position.length - b.position.length;
  });
  return keyed.map(({ issue }) => issue);
}

export interface ParseOptions {
  /**
   * Directory relative `local` repository paths are resolved against (the configuration file's).
   * Without it, such paths are an error: every path in a `Config` is absolute.
   */
  baseDirectory?: string;
}

/**
 * Validate a parsed YAML/JSON document and return the configuration with defaults applied.
 * Throws `ConfigError` listing every problem as a `path: message` line; `source` names where the
 * document came from (a file path, an SSM parameter).
 */
export function parseConfig(input: unknown, source: string, options: ParseOptions = {}): Config {
  if (input === undefined || input === null) {
    throw new ConfigError(source, [
      '(root): the configuration is empty; expected an object with repositories and images',
    ]);
  }
  const result = configSchema.safeParse(input, { error: issueMessage });
  const issues = [
    ...(result.success ? [] : zodIssues(result.error.issues)),
    ...(isRecord(input) ? crossReferenceIssues(input, options.baseDirectory) : []),
  ];
  if (!result.success || issues.length > 0) {
    const lines = inDocumentOrder(input, issues).map(
      (issue) => `${formatPath(issue.path)}: ${issue.message}`,
    );
    throw new ConfigError(source, [...new Set(lines)]);
  }

  const config: Config = result.data;
  const { baseDirectory } = options;
  for (const repo of Object.values(config.repositories)) {
    if (repo.provider === 'local')
      repo.path = baseDirectory ? resolve(baseDirectory, repo.path) : resolve(repo.path);
  }
  return config;
}
