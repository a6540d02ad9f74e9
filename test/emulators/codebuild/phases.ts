import type { FinishOptions, LogsRecord, PhaseContext, PhaseRecord, TerminalStatus } from './records.ts';

/** The phases of a build in the order CodeBuild runs them; COMPLETED only marks the end. */
export const LIFECYCLE = [
  'SUBMITTED',
  'QUEUED',
  'PROVISIONING',
  'DOWNLOAD_SOURCE',
  'INSTALL',
  'PRE_BUILD',
  'BUILD',
  'POST_BUILD',
  'UPLOAD_ARTIFACTS',
  'FINALIZING',
] as const;

type Phase = (typeof LIFECYCLE)[number];

/** Seconds each phase takes in an emulated build: fixed, so durations are predictable in tests. */
const PHASE_SECONDS: Record<Phase, number> = {
  SUBMITTED: 0,
  QUEUED: 1,
  PROVISIONING: 9,
  DOWNLOAD_SOURCE: 2,
  INSTALL: 1,
  PRE_BUILD: 0,
  BUILD: 14,
  POST_BUILD: 0,
  UPLOAD_ARTIFACTS: 0,
  FINALIZING: 2,
};

export const DEFAULT_FAILED_CONTEXT =
  'COMMAND_EXECUTION_ERROR: Error while executing command: ./validate.sh. Reason: exit status 1';

const ENDING: Record<Exclude<TerminalStatus, 'SUCCEEDED'>, { phase: Phase; context: string }> = {
  FAILED: { phase: 'BUILD', context: DEFAULT_FAILED_CONTEXT },
  FAULT: { phase: 'PROVISIONING', context: 'INTERNAL_ERROR: The build container could not be provisioned.' },
  STOPPED: { phase: 'BUILD', context: 'BUILD_STOPPED: The build was stopped.' },
  TIMED_OUT: { phase: 'BUILD', context: 'BUILD_TIMED_OUT: Build has timed out.' },
};

/** A successful phase's context, as CodeBuild reports it: both parts empty (": " in events). */
const QUIET: PhaseContext = { statusCode: '', message: '' };

function contextFrom(text: string): PhaseContext {
  const colon = text.indexOf(': ');
  return colon === -1
    ? { statusCode: text, message: '' }
    : { statusCode: text.slice(0, colon), message: text.slice(colon + 2) };
}

/** The phases of a build just submitted: SUBMITTED, still running. */
export function submittedPhases(startTime: number): PhaseRecord[] {
  return [{ type: 'SUBMITTED', startTime }];
}

/** Which phases still run after `ending` stops a build that does not succeed. */
function phasesAfter(ending: Phase, status: TerminalStatus): Phase[] {
  if (status === 'FAILED' && ending === 'BUILD') return ['POST_BUILD', 'UPLOAD_ARTIFACTS', 'FINALIZING'];
  if (status === 'FAILED' && ending === 'POST_BUILD') return ['UPLOAD_ARTIFACTS', 'FINALIZING'];
  return ending === 'FINALIZING' ? [] : ['FINALIZING'];
}

function endingPhase(phase: string | undefined, fallback: Phase): Phase {
  if (phase === undefined) return fallback;
  if (!(LIFECYCLE as readonly string[]).includes(phase) || phase === 'SUBMITTED') {
    throw new Error(`A build cannot end in phase '${phase}'; use one of ${LIFECYCLE.slice(1).join(', ')}.`);
  }
  return phase as Phase;
}

/**
 * Every phase of a build that started at `startTime` and ended with `status`, back to back with
 * fixed durations, closed by the `{type: COMPLETED, startTime}` marker. `end` is that marker's time.
 */
export function terminalPhases(
  startTime: number,
  status: TerminalStatus,
  options: FinishOptions = {},
): { phases: PhaseRecord[]; end: number } {
  const ran: { type: Phase; status: string; context: PhaseContext }[] = [];
  if (status === 'SUCCEEDED') {
    for (const type of LIFECYCLE) ran.push({ type, status: 'SUCCEEDED', context: QUIET });
  } else {
    const defaults = ENDING[status];
    const ending = endingPhase(options.phase, defaults.phase);
    for (const type of LIFECYCLE.slice(0, LIFECYCLE.indexOf(ending))) {
      ran.push({ type, status: 'SUCCEEDED', context: QUIET });
    }
    ran.push({ type: ending, status, context: contextFrom(options.context ?? defaults.context) });
    for (const type of phasesAfter(ending, status)) ran.push({ type, status: 'SUCCEEDED', context: QUIET });
  }

  let cursor = startTime;
  const phases: PhaseRecord[] = ran.map(({ type, status: phaseStatus, context }) => {
    const seconds = type === 'BUILD' ? (options.buildSeconds ?? PHASE_SECONDS.BUILD) : PHASE_SECONDS[type];
    const phase: PhaseRecord = {
      type,
      status: phaseStatus,
      startTime: cursor,
      endTime: cursor + seconds * 1000,
      durationInSeconds: seconds,
      // CodeBuild reports no context for the two bookkeeping phases.
      ...(type === 'SUBMITTED' || type === 'QUEUED' ? {} : { contexts: [context] }),
    };
    cursor += seconds * 1000;
    return phase;
  });
  phases.push({ type: 'COMPLETED', startTime: cursor });
  return { phases, end: cursor };
}

const CONSOLE = 'https://console.aws.amazon.com/cloudwatch/home';

/** Logs of a build that has no log stream yet. */
export function pendingLogs(region: string): LogsRecord {
  return { deepLink: `${CONSOLE}?region=${region}#logEvent:group=null;stream=null` };
}

/** Logs of a build that ran: group `/aws/codebuild/<project>`, the build's uuid as stream. */
export function streamLogs(build: {
  id: string;
  projectName: string;
  region: string;
  account: string;
}): LogsRecord {
  const groupName = `/aws/codebuild/${build.projectName}`;
  const streamName = build.id.slice(build.id.indexOf(':') + 1);
  return {
    groupName,
    streamName,
    deepLink: `${CONSOLE}?region=${build.region}#logEvent:group=${groupName};stream=${streamName}`,
    cloudWatchLogsArn: `arn:aws:logs:${build.region}:${build.account}:log-group:${groupName}:log-stream:${streamName}`,
  };
}
