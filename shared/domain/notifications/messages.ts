/**
 * The notifications Flowkeeper sends, one builder per kind, from plain facts the application
 * gathers out of a function's result. Short on purpose: the title says what changed, a few lines
 * say where and why, failures carry the one line that says what to fix, and links lead to the
 * commit, pull request or build log when the facts carry them. Untrusted values are kept as they
 * came; each channel's renderer makes them inert.
 */
import { truncate } from '#domain/untrusted-text.ts';
import type { Notification, NotificationLink } from './notification.ts';

/** Lines beyond this many become `… and N more`. */
const MAX_LINES = 6;
/** The fix line quotes an error message; it stays one readable line. */
const MAX_FIX = 400;

export interface ValueMove {
  /** ECR repository the value follows, when known. */
  image?: string;
  /** Where the value lives: `values-stg.yaml (image.tag)`, `SSM parameter /app/image`. */
  where: string;
  from: string | null;
  to: string;
}

const arrow = (from: string | null, to: string): string => `${from ?? '(none)'} → ${to}`;

function capped(lines: string[]): string[] {
  if (lines.length <= MAX_LINES) return lines;
  return [...lines.slice(0, MAX_LINES - 1), `… and ${lines.length - (MAX_LINES - 1)} more`];
}

const links = (...candidates: [string, string | undefined][]): NotificationLink[] =>
  candidates.flatMap(([label, url]) => (url === undefined ? [] : [{ label, url }]));

const imagesOf = (moves: readonly ValueMove[]): string[] => [
  ...new Set(moves.flatMap((move) => (move.image === undefined ? [] : [move.image]))),
];

/** `my-app 1.4.1 → 1.4.2` when every move is one image's one change; otherwise a count. */
function movesTitle(moves: readonly ValueMove[], place: string): string {
  const images = imagesOf(moves);
  const first = moves[0];
  const same = first !== undefined && moves.every((move) => move.from === first.from && move.to === first.to);
  if (images.length === 1 && same && first) return `${images[0]} ${arrow(first.from, first.to)} ${place}`;
  const noun = moves.length === 1 ? 'value' : 'values';
  return `${moves.length} ${noun} updated ${place}`;
}

export interface BumpCommittedFacts {
  eventId: string;
  repository: string;
  branch: string;
  commitId: string;
  moves: ValueMove[];
  commitUrl?: string;
}

export function bumpCommitted(facts: BumpCommittedFacts): Notification {
  return {
    kind: 'bump-committed',
    eventId: facts.eventId,
    thread: `bump/${facts.repository}/${facts.branch}`,
    repository: facts.repository,
    images: imagesOf(facts.moves),
    severity: 'info',
    title: movesTitle(facts.moves, `on ${facts.branch}`),
    lines: capped([
      `${facts.repository} ${facts.branch}: commit ${facts.commitId.slice(0, 12)}`,
      ...facts.moves.map((move) => `${move.where}: ${arrow(move.from, move.to)}`),
    ]),
    links: links(['commit', facts.commitUrl]),
  };
}

export interface ParameterWrittenFacts {
  eventId: string;
  parameter: string;
  move: ValueMove;
}

export function parameterWritten(facts: ParameterWrittenFacts): Notification {
  return {
    kind: 'bump-committed',
    eventId: facts.eventId,
    thread: `parameter/${facts.parameter}`,
    images: imagesOf([facts.move]),
    severity: 'info',
    title: movesTitle([facts.move], `in SSM parameter ${facts.parameter}`),
    lines: [`SSM parameter ${facts.parameter}: ${arrow(facts.move.from, facts.move.to)}`],
    links: [],
  };
}

export interface BumpRejectedFacts {
  /** The rejected event's id; null when the event was not readable enough to have one. */
  eventId: string | null;
  function: string;
  errorType: string;
  message: string;
}

export function bumpRejected(facts: BumpRejectedFacts): Notification {
  const eventId = facts.eventId ?? 'unreadable';
  return {
    kind: 'bump-rejected',
    eventId,
    thread: `event/${eventId}`,
    images: [],
    severity: 'failure',
    title: `Image event rejected: ${facts.errorType}`,
    lines: [`${facts.function} rejected event ${eventId}; nothing was written and it is not retried.`],
    fix: truncate(facts.message, MAX_FIX),
    links: [],
  };
}

export interface FlowViolationFacts {
  eventId: string;
  repository: string;
  /** `pull request 7 (feature/x → prod)`, as the flow check names it. */
  subject: string;
  reason: string;
  pullRequestId?: string;
  closed: boolean;
  pullRequestUrl?: string;
}

export function flowViolation(facts: FlowViolationFacts): Notification {
  return {
    kind: 'flow-violation',
    eventId: facts.eventId,
    thread: facts.pullRequestId
      ? `pr/${facts.repository}/${facts.pullRequestId}`
      : `flow/${facts.repository}`,
    repository: facts.repository,
    images: [],
    severity: 'warning',
    title: `Flow violation in ${facts.repository}: ${facts.subject}`,
    lines: [facts.reason, ...(facts.closed ? ['Flowkeeper closed the pull request.'] : [])],
    fix: 'Open the pull request against the next branch of the promotion order.',
    links: links([`pull request ${facts.pullRequestId ?? ''}`.trim(), facts.pullRequestUrl]),
  };
}

export interface DirectPushFacts {
  eventId: string;
  repository: string;
  branch: string;
  subject: string;
  files: string[];
  commitUrl?: string;
}

export function directPush(facts: DirectPushFacts): Notification {
  return {
    kind: 'flow-violation',
    eventId: facts.eventId,
    thread: `flow/${facts.repository}/${facts.branch}`,
    repository: facts.repository,
    images: [],
    severity: 'warning',
    title: `Direct push to protected branch ${facts.branch} of ${facts.repository}`,
    lines: capped([facts.subject, ...facts.files.map((file) => `changed: ${file}`)]),
    fix: 'Change protected branches through pull requests; revert the push if it was not meant.',
    links: links(['commit', facts.commitUrl]),
  };
}

export interface PromotionOpenedFacts {
  eventId: string;
  repository: string;
  source: string;
  destination: string;
  pullRequestId: string;
  moves: ValueMove[];
  pullRequestUrl?: string;
}

export function promotionOpened(facts: PromotionOpenedFacts): Notification {
  return {
    kind: 'promotion-opened',
    eventId: facts.eventId,
    thread: `pr/${facts.repository}/${facts.pullRequestId}`,
    repository: facts.repository,
    images: imagesOf(facts.moves),
    severity: 'info',
    title:
      facts.moves.length === 0
        ? `Promotion ${facts.source} → ${facts.destination} opened`
        : movesTitle(facts.moves, `to promote ${facts.source} → ${facts.destination}`),
    lines: capped([
      `${facts.repository}: pull request ${facts.pullRequestId} waits for review`,
      ...facts.moves.map((move) => `${move.where}: ${arrow(move.from, move.to)}`),
    ]),
    links: links([`pull request ${facts.pullRequestId}`, facts.pullRequestUrl]),
  };
}

export interface BuildFinishedFacts {
  eventId: string;
  project: string;
  buildNumber?: number;
  /** CodeBuild's status: SUCCEEDED, FAILED, FAULT, STOPPED, TIMED_OUT. */
  status: string;
  succeeded: boolean;
  repository?: string;
  pullRequestId?: string;
  commitId?: string;
  /** The failed phase and what it said: `BUILD: COMMAND_EXECUTION_ERROR: … npm test …`. */
  failure?: string;
  logUrl?: string;
  pullRequestUrl?: string;
}

export function buildFinished(facts: BuildFinishedFacts): Notification {
  const build = facts.buildNumber === undefined ? facts.project : `${facts.project} #${facts.buildNumber}`;
  const on = facts.pullRequestId
    ? ` on ${facts.repository ?? 'pull request'} PR ${facts.pullRequestId}`
    : facts.commitId
      ? ` on ${facts.repository ?? 'commit'} ${facts.commitId.slice(0, 12)}`
      : '';
  const thread = facts.pullRequestId
    ? `pr/${facts.repository ?? ''}/${facts.pullRequestId}`
    : `build/${facts.project}/${facts.commitId ?? facts.eventId}`;
  return {
    kind: facts.succeeded ? 'build-succeeded' : 'build-failed',
    eventId: facts.eventId,
    thread,
    ...(facts.repository === undefined ? {} : { repository: facts.repository }),
    images: [],
    severity: facts.succeeded ? 'info' : 'failure',
    title: `Build ${build} ${facts.succeeded ? 'succeeded' : facts.status.toLowerCase().replace('_', ' ')}${on}`,
    lines: facts.failure === undefined ? [] : [`Failed at ${facts.failure}`],
    ...(facts.succeeded
      ? {}
      : { fix: 'Read the build log from the failed phase, fix the commit and push again.' }),
    links: links(
      ['build log', facts.logUrl],
      [`pull request ${facts.pullRequestId ?? ''}`.trim(), facts.pullRequestUrl],
    ),
  };
}

export interface MirrorDriftFacts {
  eventId: string;
  gitlab: string;
  codecommit: string;
  branch: string;
  state: string;
  /** Commits CodeCommit lacks. */
  behind: number;
  /** Commits only CodeCommit holds. */
  ahead: number;
  lagSeconds: number;
}

export function mirrorDrift(facts: MirrorDriftFacts): Notification {
  const minutes = Math.floor(facts.lagSeconds / 60);
  return {
    kind: 'mirror-drift',
    eventId: facts.eventId,
    thread: `mirror/${facts.codecommit}/${facts.branch}`,
    repository: facts.codecommit,
    images: [],
    severity: 'warning',
    title: `Mirror drift on ${facts.branch}: ${facts.gitlab} → ${facts.codecommit} ${facts.state} for ${minutes} min`,
    lines: [`CodeCommit lacks ${facts.behind} commit(s); ${facts.ahead} commit(s) exist only on CodeCommit.`],
    fix:
      facts.state === 'gitlab-ahead'
        ? 'Check the GitLab push mirror (Settings → Repository → Mirroring repositories): its last error says why it stopped.'
        : 'Commits made on CodeCommit are overwritten by the next mirror update: commit them to GitLab.',
    links: [],
  };
}

export interface PreviewChangedFacts {
  eventId: string;
  /** The preview set's name and the preview's slug. */
  set: string;
  slug: string;
  /** The manifests repository (a key of `repositories`) the preview lives in. */
  repository: string;
  /** The preview's URL (open) or where it was (close). */
  url?: string;
  commitUrl?: string;
}

/** A preview environment opened (its directory committed) or closed (removed). */
export function previewChanged(
  kind: 'preview-opened' | 'preview-closed',
  facts: PreviewChangedFacts,
): Notification {
  const opened = kind === 'preview-opened';
  return {
    kind,
    eventId: facts.eventId,
    thread: `preview/${facts.set}/${facts.slug}`,
    repository: facts.repository,
    images: [],
    severity: 'info',
    title: `Preview ${facts.slug} ${opened ? 'opened' : 'closed'}`,
    lines: capped([
      `${facts.set}: ${opened ? 'committed to' : 'removed from'} ${facts.repository}`,
      ...(facts.url === undefined ? [] : [facts.url]),
    ]),
    links: links(['preview', opened ? facts.url : undefined], ['commit', facts.commitUrl]),
  };
}
