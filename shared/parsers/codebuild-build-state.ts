import { EventError } from '#domain/errors.ts';
import {
  type Envelope,
  isRecord,
  optionalString,
  parseEnvelope,
  requireKind,
  requireString,
} from './envelope.ts';

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
const INFO = 'detail.additional-information';
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
/** Java's `MMM d, yyyy h:mm:ss a`; newer JDKs put a narrow no-break space before AM/PM, which `\s` covers. */
const START_TIME = /^([A-Z][a-z]{2}) (\d{1,2}), (\d{4}) (\d{1,2}):(\d{2}):(\d{2})\s(AM|PM)$/;

export function buildArnParts(arn: string): BuildArnParts | undefined {
  const match = BUILD_ARN.exec(arn);
  if (!match) return undefined;
  const [, partition = '', region = '', account = '', project = '', uuid = ''] = match;
  return { partition, region, account, project, uuid };
}

export function parseBuildStateEvent(event: unknown): BuildStateEvent {
  return fromEnvelope(parseEnvelope(event));
}

export function fromEnvelope(envelope: Envelope): BuildStateEvent {
  requireKind(envelope, 'aws.codebuild', BUILD_STATE_CHANGE);
  const { detail } = envelope;
  const buildArn = requireString(detail, 'build-id', 'detail');
  if (buildArnParts(buildArn) === undefined) {
    throw new EventError(
      `detail.build-id: expected a build ARN arn:aws:codebuild:<region>:<account>:build/<project>:<uuid>, got ${JSON.stringify(buildArn)}`,
    );
  }
  const status = requireString(detail, 'build-status', 'detail');
  const info = objectOf(detail['additional-information'], INFO) ?? {};
  const source = objectOf(info.source, `${INFO}.source`) ?? {};
  const build: BuildStateEvent = {
    id: envelope.id,
    account: envelope.account,
    region: envelope.region,
    time: envelope.time,
    buildArn,
    project: requireString(detail, 'project-name', 'detail'),
    status,
    complete: completeOf(info['build-complete'], status),
    environment: environmentOf(info.environment),
    phases: phasesOf(info.phases),
  };
  const buildNumber = buildNumberOf(info['build-number']);
  const startTime = optionalString(info, 'build-start-time', INFO);
  const at = Date.parse(envelope.time);
  const sourceVersion = optionalString(info, 'source-version', INFO);
  const sourceType = optionalString(source, 'type', `${INFO}.source`);
  const sourceLocation = optionalString(source, 'location', `${INFO}.source`);
  const logsLink = logsLinkOf(info.logs);
  const initiator = optionalString(info, 'initiator', INFO);
  if (buildNumber !== undefined) build.buildNumber = buildNumber;
  if (startTime !== undefined && startTime !== '') build.startedAt = startTimeOf(startTime);
  if (!Number.isNaN(at)) build.at = at;
  if (sourceVersion) build.sourceVersion = sourceVersion;
  if (sourceType) build.sourceType = sourceType;
  if (sourceLocation) build.sourceLocation = sourceLocation;
  if (logsLink) build.logsLink = logsLink;
  if (initiator) build.initiator = initiator;
  return build;
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

function startTimeOf(text: string): number {
  const at = parseBuildTime(text);
  if (at === undefined) {
    throw new EventError(
      `${INFO}.build-start-time: expected a time like "Mar 10, 2026 9:31:12 AM", got ${JSON.stringify(text)}`,
    );
  }
  return at;
}

function objectOf(value: unknown, where: string): Record<string, unknown> | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isRecord(value)) throw new EventError(`${where}: expected an object, got ${shown(value)}`);
  return value;
}

/** `build-complete` is a boolean; when absent, only IN_PROGRESS counts as unfinished. */
function completeOf(value: unknown, status: string): boolean {
  if (value === undefined || value === null) return status !== 'IN_PROGRESS';
  if (typeof value !== 'boolean') {
    throw new EventError(`${INFO}.build-complete: expected true or false, got ${shown(value)}`);
  }
  return value;
}

/** Numbers often arrive as floats (`57.0`), which JSON reads as whole numbers anyway. */
function buildNumberOf(value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new EventError(`${INFO}.build-number: expected a positive whole number, got ${shown(value)}`);
  }
  return value;
}

function environmentOf(value: unknown): Record<string, string> {
  const environment = objectOf(value, `${INFO}.environment`);
  const variables = environment?.['environment-variables'];
  const where = `${INFO}.environment.environment-variables`;
  if (variables === undefined || variables === null) return {};
  if (!Array.isArray(variables)) throw new EventError(`${where}: expected an array, got ${shown(variables)}`);
  const record: Record<string, string> = {};
  variables.forEach((variable: unknown, index) => {
    if (!isRecord(variable))
      throw new EventError(`${where}[${index}]: expected an object, got ${shown(variable)}`);
    const name = requireString(variable, 'name', `${where}[${index}]`);
    record[name] = optionalString(variable, 'value', `${where}[${index}]`) ?? '';
  });
  return record;
}

function phasesOf(value: unknown): BuildPhase[] {
  const where = `${INFO}.phases`;
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new EventError(`${where}: expected an array, got ${shown(value)}`);
  return value.map((entry: unknown, index) => {
    const at = `${where}[${index}]`;
    if (!isRecord(entry)) throw new EventError(`${at}: expected an object, got ${shown(entry)}`);
    const phase: BuildPhase = { type: requireString(entry, 'phase-type', at), context: contextOf(entry, at) };
    const status = optionalString(entry, 'phase-status', at);
    const duration = entry['duration-in-seconds'];
    if (status) phase.status = status;
    if (duration !== undefined && duration !== null) {
      if (typeof duration !== 'number' || !Number.isFinite(duration) || duration < 0) {
        throw new EventError(
          `${at}.duration-in-seconds: expected a number of seconds, got ${shown(duration)}`,
        );
      }
      phase.durationSeconds = duration;
    }
    return phase;
  });
}

/** Phases without a reason carry `": "` (an empty code and message); only real reasons are kept. */
function contextOf(entry: Record<string, unknown>, at: string): string[] {
  const value = entry['phase-context'];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value))
    throw new EventError(`${at}.phase-context: expected an array, got ${shown(value)}`);
  return value.filter((reason: unknown, index): reason is string => {
    if (typeof reason !== 'string') {
      throw new EventError(`${at}.phase-context[${index}]: expected a string, got ${shown(reason)}`);
    }
    return reason.replace(/[\s:]/g, '') !== '';
  });
}

/** While a build is queued the link names `group=null;stream=null`: no log to open yet. */
function logsLinkOf(value: unknown): string | undefined {
  const logs = objectOf(value, `${INFO}.logs`);
  if (logs === undefined) return undefined;
  const link = optionalString(logs, 'deep-link', `${INFO}.logs`);
  if (!link || link.includes('group=null')) return undefined;
  return link;
}

function shown(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  return JSON.stringify(value);
}
