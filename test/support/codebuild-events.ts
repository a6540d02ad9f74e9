import { randomUUID } from 'node:crypto';
import { pendingLogs, streamLogs, terminalPhases } from '../emulators/codebuild/phases.ts';
import type {
  BuildRecord,
  BuildStatus,
  FinishOptions,
  LogsRecord,
  PhaseRecord,
} from '../emulators/codebuild/records.ts';

/** One element of `additional-information.phases`; COMPLETED carries only its type and start time. */
export interface BuildStatePhase {
  'phase-context'?: string[];
  'start-time': string;
  'end-time'?: string;
  'duration-in-seconds'?: number;
  'phase-type': string;
  'phase-status'?: string;
}

export interface BuildStateDetail {
  'build-status': BuildStatus;
  'project-name': string;
  /** The build ARN, not its id. */
  'build-id': string;
  'additional-information': {
    cache: { type: string };
    'build-number': number;
    'timeout-in-minutes': number;
    'build-complete': boolean;
    initiator: string;
    'build-start-time': string;
    source: { type: string; location?: string; buildspec?: string };
    'source-version'?: string;
    artifact: { location: string };
    environment: {
      image: string;
      'privileged-mode': boolean;
      'image-pull-credentials-type': string;
      'compute-type': string;
      type: string;
      'environment-variables': { name: string; type: string; value: string }[];
    };
    'project-file-system-locations': never[];
    logs: { 'group-name'?: string; 'stream-name'?: string; 'deep-link': string };
    /** Absent while the build is IN_PROGRESS. */
    phases?: BuildStatePhase[];
    'queued-timeout-in-minutes': number;
  };
  'current-phase': string;
  'current-phase-context': string;
  version: '1';
}

export interface BuildStateChangeEvent {
  version: '0';
  id: string;
  'detail-type': 'CodeBuild Build State Change';
  source: 'aws.codebuild';
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: BuildStateDetail;
}

export interface BuildStateEventOptions extends FinishOptions {
  /** The envelope id; a random UUID by default. */
  id?: string;
  /** The envelope time (ISO-8601); the build's start (IN_PROGRESS) or end time by default. */
  time?: string;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const twoDigits = (value: number): string => String(value).padStart(2, '0');

/** CodeBuild's event time format, UTC: `Mar 10, 2026 9:31:12 AM`. */
export function eventTimestamp(ms: number): string {
  const date = new Date(ms);
  const hours = date.getUTCHours();
  const clock = `${hours % 12 === 0 ? 12 : hours % 12}:${twoDigits(date.getUTCMinutes())}:${twoDigits(date.getUTCSeconds())}`;
  return `${MONTHS[date.getUTCMonth()]} ${date.getUTCDate()}, ${date.getUTCFullYear()} ${clock} ${hours < 12 ? 'AM' : 'PM'}`;
}

/** EventBridge envelope time: ISO-8601 UTC to the second. */
const envelopeTime = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

function eventPhase(phase: PhaseRecord): BuildStatePhase {
  if (phase.type === 'COMPLETED')
    return { 'phase-type': 'COMPLETED', 'start-time': eventTimestamp(phase.startTime) };
  return {
    'phase-context': (phase.contexts ?? []).map(({ statusCode, message }) => `${statusCode}: ${message}`),
    'start-time': eventTimestamp(phase.startTime),
    ...(phase.endTime === undefined ? {} : { 'end-time': eventTimestamp(phase.endTime) }),
    ...(phase.durationInSeconds === undefined ? {} : { 'duration-in-seconds': phase.durationInSeconds }),
    'phase-type': phase.type,
    ...(phase.status === undefined ? {} : { 'phase-status': phase.status }),
  };
}

function eventLogs(logs: LogsRecord): BuildStateDetail['additional-information']['logs'] {
  return {
    ...(logs.groupName === undefined ? {} : { 'group-name': logs.groupName }),
    ...(logs.streamName === undefined ? {} : { 'stream-name': logs.streamName }),
    'deep-link': logs.deepLink,
  };
}

/** The terminal picture of `build` for `status`: its own when it ended that way, else one made up. */
function terminalState(
  build: BuildRecord,
  status: Exclude<BuildStatus, 'IN_PROGRESS'>,
  options: FinishOptions,
) {
  const overridden =
    options.phase !== undefined || options.context !== undefined || options.buildSeconds !== undefined;
  if (build.status === status && !overridden) {
    return { phases: build.phases, end: build.endTime ?? build.startTime, logs: build.logs };
  }
  const { phases, end } = terminalPhases(build.startTime, status, options);
  return { phases, end, logs: streamLogs(build) };
}

/**
 * A `CodeBuild Build State Change` event for a build the emulator holds, as EventBridge delivers it
 * when the build reaches `status`. IN_PROGRESS events carry no phases and a log link naming
 * `group=null;stream=null`; terminal ones carry the log stream and every phase, closed by
 * `{phase-type: COMPLETED, start-time}`. A FAILED build fails in BUILD with a command error unless
 * `options` name another phase or context.
 */
export function buildStateEvent(
  build: BuildRecord,
  status: BuildStatus,
  options: BuildStateEventOptions = {},
): BuildStateChangeEvent {
  const running = status === 'IN_PROGRESS';
  const terminal = running ? undefined : terminalState(build, status, options);
  const { source, environment } = build;
  return {
    version: '0',
    id: options.id ?? randomUUID(),
    'detail-type': 'CodeBuild Build State Change',
    source: 'aws.codebuild',
    account: build.account,
    time: options.time ?? envelopeTime(terminal?.end ?? build.startTime),
    region: build.region,
    resources: [build.arn],
    detail: {
      'build-status': status,
      'project-name': build.projectName,
      'build-id': build.arn,
      'additional-information': {
        cache: { type: 'NO_CACHE' },
        'build-number': build.buildNumber,
        'timeout-in-minutes': build.timeoutInMinutes,
        'build-complete': !running,
        initiator: build.initiator,
        'build-start-time': eventTimestamp(build.startTime),
        source: {
          type: source.type,
          ...(source.location === undefined ? {} : { location: source.location }),
          ...(source.buildspec === undefined ? {} : { buildspec: source.buildspec }),
        },
        ...(build.sourceVersion === undefined ? {} : { 'source-version': build.sourceVersion }),
        artifact: { location: build.artifacts.location ?? '' },
        environment: {
          image: environment.image,
          'privileged-mode': environment.privilegedMode,
          'image-pull-credentials-type': environment.imagePullCredentialsType,
          'compute-type': environment.computeType,
          type: environment.type,
          'environment-variables': environment.environmentVariables.map(({ name, type, value }) => ({
            name,
            type,
            value,
          })),
        },
        'project-file-system-locations': [],
        logs: eventLogs(terminal?.logs ?? pendingLogs(build.region)),
        ...(terminal === undefined ? {} : { phases: terminal.phases.map(eventPhase) }),
        'queued-timeout-in-minutes': build.queuedTimeoutInMinutes,
      },
      'current-phase': running ? 'SUBMITTED' : 'COMPLETED',
      // SUBMITTED has no context yet; a finished build reports COMPLETED's empty one.
      'current-phase-context': running ? '[]' : '[: ]',
      version: '1',
    },
  };
}
