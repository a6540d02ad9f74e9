import * as z from 'zod/mini';
import { type Envelope, parseDetail, parseEnvelope, requireKind } from './envelope.ts';
import { nonEmptyText, numberThat, optional, optionalText, withoutUndefined } from './fields.ts';
import { preview } from './zod-error.ts';

export const BUILD_STATE_CHANGE = 'CodeBuild Build State Change';

export interface BuildPhase {
  type: string;
  status?: string;
  durationSeconds?: number;
  /** Failure reasons, e.g. `COMMAND_EXECUTION_ERROR: … exit status 1`; empty strings dropped. */
  context: string[];
}

/** A `CodeBuild Build State Change` event, validated. Detail keys arrive kebab-case. */
export interface BuildStateEvent {
  id: string;
  account: string;
  region: string;
  time: string;
  /** `detail.build-id`: `arn:aws:codebuild:<region>:<account>:build/<project>:<uuid>`. */
  buildArn: string;
  project: string;
  /** IN_PROGRESS, SUCCEEDED, FAILED, FAULT, STOPPED, TIMED_OUT (others kept as given). */
  status: string;
  buildNumber?: number;
  /** Epoch ms, from `build-start-time` ("Mar 10, 2026 9:31:12 AM", UTC). */
  startedAt?: number;
  /** Epoch ms of the envelope `time`, when parseable. */
  at?: number;
  complete: boolean;
  /** `additional-information.source-version`: a commit, `pr/12`, `refs/heads/main^{sha}`, … */
  sourceVersion?: string;
  sourceType?: string;
  /** `additional-information.source.location`, e.g. `https://git-codecommit.<region>.amazonaws.com/v1/repos/<name>`. */
  sourceLocation?: string;
  /** `additional-information.initiator`: who started the build (`RoleName/SessionName`, a user name, …). */
  initiator?: string;
  /** `environment.environment-variables`, name → value (overrides included). */
  environment: Record<string, string>;
  phases: BuildPhase[];
  /** `logs.deep-link` when it names a log stream (null group/stream links are dropped). */
  logsLink?: string;
}

/** The parts of a build ARN `arn:<partition>:codebuild:<region>:<account>:build/<project>:<uuid>`. */
export interface BuildArnParts {
  partition: string;
  region: string;
  account: string;
  project: string;
  uuid: string;
}

const BUILD_ARN =
  /^arn:(aws|aws-cn|aws-us-gov):codebuild:([a-z]{2}(?:-[a-z]+)+-\d+):(\d{12}):build\/([A-Za-z0-9][A-Za-z0-9_-]{1,254}):([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
/** Java's `MMM d, yyyy h:mm:ss a`; newer JDKs put a narrow no-break space before AM/PM, which `\s` covers. */
const START_TIME = /^([A-Z][a-z]{2}) (\d{1,2}), (\d{4}) (\d{1,2}):(\d{2}):(\d{2})\s(AM|PM)$/;

export function buildArnParts(arn: string): BuildArnParts | undefined {
  const match = BUILD_ARN.exec(arn);
  if (!match) return undefined;
  const [, partition = '', region = '', account = '', project = '', uuid = ''] = match;
  return { partition, region, account, project, uuid };
}

/** "Mar 10, 2026 9:31:12 AM" (UTC) → epoch ms. */
function parseBuildTime(text: string): number | undefined {
  const match = START_TIME.exec(text);
  if (!match) return undefined;
  const [, monthName = '', day, year, hour, minute, second, half] = match;
  const month = MONTHS.indexOf(monthName);
  const [d, y, h, m, s] = [Number(day), Number(year), Number(hour), Number(minute), Number(second)];
  if (month < 0 || h < 1 || h > 12 || m > 59 || s > 59) return undefined;
  const daysInMonth = new Date(Date.UTC(y, month + 1, 0)).getUTCDate();
  if (d < 1 || d > daysInMonth) return undefined;
  return Date.UTC(y, month, d, (h % 12) + (half === 'PM' ? 12 : 0), m, s);
}

const buildArn = nonEmptyText.check(
  z.refine((arn) => buildArnParts(arn) !== undefined, {
    error: (issue) =>
      `expected a build ARN arn:aws:codebuild:<region>:<account>:build/<project>:<uuid>, got ${preview(issue.input)}`,
  }),
);

/** `build-start-time`; an empty one is read as absent. */
const buildStartTime = z.pipe(
  optionalText,
  z.transform((text, context) => {
    if (text === undefined || text === '') return undefined;
    const at = parseBuildTime(text);
    if (at !== undefined) return at;
    context.issues.push({
      code: 'custom',
      input: text,
      message: `expected a time like "Mar 10, 2026 9:31:12 AM", got ${preview(text)}`,
    });
    return z.NEVER;
  }),
);

/** Numbers often arrive as floats (`57.0`), which JSON reads as whole numbers anyway. */
const buildNumber = numberThat('a positive whole number', (n) => Number.isInteger(n) && n >= 1);
const seconds = numberThat('a number of seconds', (n) => n >= 0);

const Phase = z.object({
  'phase-type': nonEmptyText,
  'phase-status': optionalText,
  'duration-in-seconds': optional(seconds),
  'phase-context': optional(z.array(z.string())),
});

const AdditionalInformation = z.object({
  'build-complete': optional(z.boolean()),
  'build-number': optional(buildNumber),
  'build-start-time': buildStartTime,
  'source-version': optionalText,
  initiator: optionalText,
  source: optional(z.object({ type: optionalText, location: optionalText })),
  environment: optional(
    z.object({
      'environment-variables': optional(z.array(z.object({ name: nonEmptyText, value: optionalText }))),
    }),
  ),
  phases: optional(z.array(Phase)),
  logs: optional(z.object({ 'deep-link': optionalText })),
});

const BuildDetail = z.object({
  'build-id': buildArn,
  'build-status': nonEmptyText,
  'project-name': nonEmptyText,
  'additional-information': optional(AdditionalInformation),
});

export function parseBuildStateEvent(event: unknown): BuildStateEvent {
  return fromEnvelope(parseEnvelope(event));
}

export function fromEnvelope(envelope: Envelope): BuildStateEvent {
  requireKind(envelope, 'aws.codebuild', BUILD_STATE_CHANGE);
  const detail = parseDetail(BuildDetail, envelope);
  const info: Partial<z.output<typeof AdditionalInformation>> = detail['additional-information'] ?? {};
  const status = detail['build-status'];
  const at = Date.parse(envelope.time);
  const variables = info.environment?.['environment-variables'] ?? [];
  return withoutUndefined({
    id: envelope.id,
    account: envelope.account,
    region: envelope.region,
    time: envelope.time,
    buildArn: detail['build-id'],
    project: detail['project-name'],
    status,
    buildNumber: info['build-number'],
    startedAt: info['build-start-time'],
    at: Number.isNaN(at) ? undefined : at,
    // When build-complete is absent, only IN_PROGRESS counts as unfinished.
    complete: info['build-complete'] ?? status !== 'IN_PROGRESS',
    sourceVersion: info['source-version'] || undefined,
    sourceType: info.source?.type || undefined,
    sourceLocation: info.source?.location || undefined,
    initiator: info.initiator || undefined,
    // A variable listed twice (an override after the project value) keeps its last value.
    environment: Object.fromEntries(variables.map(({ name, value }) => [name, value ?? ''])),
    phases: (info.phases ?? []).map(phaseOf),
    logsLink: logsLinkOf(info.logs?.['deep-link']),
  });
}

function phaseOf(phase: z.output<typeof Phase>): BuildPhase {
  return withoutUndefined({
    type: phase['phase-type'],
    status: phase['phase-status'] || undefined,
    durationSeconds: phase['duration-in-seconds'],
    // Phases without a reason carry `": "` (an empty code and message); only real reasons are kept.
    context: (phase['phase-context'] ?? []).filter((reason) => reason.replace(/[\s:]/g, '') !== ''),
  });
}

/** While a build is queued the link names `group=null;stream=null`: no log to open yet. */
function logsLinkOf(link: string | undefined): string | undefined {
  return !link || link.includes('group=null') ? undefined : link;
}
