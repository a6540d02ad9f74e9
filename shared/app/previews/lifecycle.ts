/**
 * Opening, closing, sweeping and updating previews. Each is one compare-and-swap commit on the
 * previews branch, planned on what git holds (so a redelivered event finds its work done), then
 * one comment per step on the pull or merge request, found by its marker before posting.
 */
import type { PreviewSetConfig } from '#config/types.ts';
import { readTarget, writeTarget } from '#domain/editors/index.ts';
import { previewSlug } from '#domain/previews/slug.ts';
import {
  closedComment,
  commentMarker,
  openedComment,
  previewCommitMessage,
  waitingComment,
} from '#domain/previews/texts.ts';
import { decideUpgrade, patternCaptures, type TagPolicy } from '#domain/tag-policy.ts';
import type { FileChange } from '../ports/git-host.ts';
import type { PreviewSourceRef } from '../ports/preview-source.ts';
import { commitPlanned } from './commit-loop.ts';
import {
  type PreviewAction,
  type PreviewDeps,
  previewDir,
  previewsRoot,
  previewUrl,
  type RegistryPlace,
} from './deps.ts';
import { imageName, renderNewPreview, targetIn } from './render-preview.ts';
import {
  type PreviewRecord,
  type PreviewState,
  RECORD_FILE,
  recordText,
  WAITING_FILE,
  type WaitingEntry,
  waitingText,
} from './state.ts';

export interface EventContext {
  eventId: string;
  place: RegistryPlace;
}

const HOUR_MS = 3_600_000;

function waitingChange(set: PreviewSetConfig, state: PreviewState, waiting: WaitingEntry[]): FileChange[] {
  const path = `${previewsRoot(set)}/${WAITING_FILE}`;
  if (waiting.length > 0) return [{ path, content: waitingText(waiting) }];
  return state.files.includes(path) ? [{ path, delete: true }] : [];
}

const filesOf = (set: PreviewSetConfig, state: PreviewState, slug: string): string[] =>
  state.files.filter((file) => file.startsWith(`${previewDir(set, slug)}/`));

async function commentOpened(deps: PreviewDeps, set: PreviewSetConfig, record: PreviewRecord): Promise<void> {
  const mention = { set: set.name, slug: record.slug, branch: record.branch, url: record.url };
  await deps
    .sourceFor(set.source.repository)
    .comment(
      record,
      openedComment(mention, record.image),
      commentMarker(set.name, record.slug, `opened ${record.openedAt}`),
    );
}

async function commentClosed(deps: PreviewDeps, set: PreviewSetConfig, record: PreviewRecord): Promise<void> {
  const mention = { set: set.name, slug: record.slug, branch: record.branch, url: record.url };
  await deps
    .sourceFor(set.source.repository)
    .comment(
      record,
      closedComment(mention),
      commentMarker(set.name, record.slug, `closed ${record.openedAt}`),
    );
}

/**
 * Open the oldest waiting previews while there is room (`open` previews remain), dropping those
 * whose source closed meanwhile. Their changes are added to `changes`.
 */
async function promote(
  deps: PreviewDeps,
  set: PreviewSetConfig,
  state: PreviewState,
  open: number,
  waiting: WaitingEntry[],
  context: EventContext,
  changes: FileChange[],
): Promise<{ promoted: PreviewRecord[]; waiting: WaitingEntry[] }> {
  const source = deps.sourceFor(set.source.repository);
  const remaining = [...waiting];
  const promoted: PreviewRecord[] = [];
  while (open + promoted.length < set.limits.maxOpen && remaining.length > 0) {
    const next = remaining.shift() as WaitingEntry;
    if (!(await source.isOpen(next))) continue;
    const rendered = await renderNewPreview(deps, set, state.commitId, next, context.place);
    changes.push(...rendered.changes);
    promoted.push(rendered.record);
  }
  return { promoted, waiting: remaining };
}

export async function openPreview(
  deps: PreviewDeps,
  set: PreviewSetConfig,
  ref: PreviewSourceRef,
  context: EventContext,
): Promise<PreviewAction> {
  const slug = previewSlug(ref.branch, set.slugPrefix);
  const source = deps.sourceFor(set.source.repository);
  // An open that arrives after its close (or after the branch went) must not bring the preview back.
  if (!(await source.isOpen(ref))) {
    return {
      type: 'skip',
      set: set.name,
      slug,
      reason: `${ref.pullRequest === undefined ? 'the branch' : 'the pull request'} is no longer open`,
    };
  }
  const mention = { set: set.name, slug, branch: ref.branch };
  const { outcome, commitId } = await commitPlanned<{ action: PreviewAction; record?: PreviewRecord }>(
    deps,
    set,
    async (state) => {
      const existing = state.open.get(slug);
      if (existing !== undefined) {
        return {
          skip: {
            action: { type: 'skip', set: set.name, slug, reason: 'the preview is already open' },
            record: existing,
          },
        };
      }
      const others = state.waiting.filter((entry) => entry.slug !== slug);
      if (state.open.size >= set.limits.maxOpen) {
        if (others.length !== state.waiting.length) {
          return {
            skip: { action: { type: 'skip', set: set.name, slug, reason: 'the preview is already waiting' } },
          };
        }
        const entry: WaitingEntry = {
          slug,
          branch: ref.branch,
          ...(ref.pullRequest === undefined ? {} : { pullRequest: ref.pullRequest }),
          since: deps.now().toISOString(),
        };
        return {
          changes: waitingChange(set, state, [...state.waiting, entry]),
          message: previewCommitMessage(
            'Queue',
            mention,
            context.eventId,
            `${set.limits.maxOpen} previews are open`,
          ),
          outcome: { action: { type: 'wait', set: set.name, slug, commitId: '' } },
        };
      }
      const rendered = await renderNewPreview(deps, set, state.commitId, ref, context.place);
      return {
        changes: [
          ...rendered.changes,
          ...(others.length === state.waiting.length ? [] : waitingChange(set, state, others)),
        ],
        message: previewCommitMessage('Open', mention, context.eventId, `URL: ${rendered.record.url}`),
        outcome: {
          action: { type: 'open', set: set.name, slug, commitId: '', detail: rendered.record.url },
          record: rendered.record,
        },
      };
    },
  );
  const action =
    outcome.action.type === 'skip' ? outcome.action : { ...outcome.action, commitId: commitId ?? '' };
  if (outcome.record !== undefined) await commentOpened(deps, set, outcome.record);
  if (action.type === 'wait') {
    await source.comment(
      ref,
      waitingComment({ ...mention, url: previewUrl(set, slug) }, set.limits.maxOpen),
      commentMarker(set.name, slug, 'waiting'),
    );
  }
  return action;
}

/** Remove the previews `gone` names (and their waiting entries), then open waiting ones while there is room. */
async function removePreviews(
  deps: PreviewDeps,
  set: PreviewSetConfig,
  context: EventContext,
  decide: (state: PreviewState) => Promise<{ close: PreviewRecord[]; dropWaiting: Set<string> }>,
  verb: 'Close',
): Promise<PreviewAction[]> {
  const { outcome, commitId } = await commitPlanned<{
    closed: PreviewRecord[];
    promoted: PreviewRecord[];
    reason?: string;
  }>(deps, set, async (state) => {
    const { close, dropWaiting } = await decide(state);
    const waiting = state.waiting.filter((entry) => !dropWaiting.has(entry.slug));
    if (close.length === 0 && waiting.length === state.waiting.length) {
      return { skip: { closed: [], promoted: [], reason: 'no preview to remove' } };
    }
    const changes: FileChange[] = close.flatMap((record) =>
      filesOf(set, state, record.slug).map((path): FileChange => ({ path, delete: true })),
    );
    const after = await promote(deps, set, state, state.open.size - close.length, waiting, context, changes);
    // Entries are only ever removed here, so a different length is a different list.
    if (after.waiting.length !== state.waiting.length)
      changes.push(...waitingChange(set, state, after.waiting));
    const slugs = [
      ...close.map((record) => record.slug),
      ...after.promoted.map((record) => `+${record.slug}`),
    ];
    return {
      changes,
      message: previewCommitMessage(
        verb,
        {
          set: set.name,
          slug: slugs.join(', ') || [...dropWaiting].join(', '),
          branch: close[0]?.branch ?? '-',
        },
        context.eventId,
      ),
      outcome: { closed: close, promoted: after.promoted },
    };
  });
  for (const record of outcome.closed) await commentClosed(deps, set, record);
  for (const record of outcome.promoted) await commentOpened(deps, set, record);
  if (outcome.reason !== undefined) return [{ type: 'skip', set: set.name, reason: outcome.reason }];
  return [
    ...outcome.closed.map(
      (record): PreviewAction => ({
        type: 'close',
        set: set.name,
        slug: record.slug,
        commitId: commitId ?? '',
      }),
    ),
    ...outcome.promoted.map(
      (record): PreviewAction => ({
        type: 'open',
        set: set.name,
        slug: record.slug,
        commitId: commitId ?? '',
        detail: record.url,
      }),
    ),
  ];
}

export async function closePreview(
  deps: PreviewDeps,
  set: PreviewSetConfig,
  ref: PreviewSourceRef,
  context: EventContext,
): Promise<PreviewAction[]> {
  const slug = previewSlug(ref.branch, set.slugPrefix);
  const actions = await removePreviews(
    deps,
    set,
    context,
    async (state) => {
      const record = state.open.get(slug);
      return { close: record === undefined ? [] : [record], dropWaiting: new Set([slug]) };
    },
    'Close',
  );
  return actions.map((action) => (action.type === 'skip' ? { ...action, slug } : action));
}

/** The scheduled sweep: previews whose source is gone or whose time to live passed are removed. */
export async function sweepPreviews(
  deps: PreviewDeps,
  set: PreviewSetConfig,
  context: EventContext,
): Promise<PreviewAction[]> {
  const source = deps.sourceFor(set.source.repository);
  const now = deps.now().getTime();
  return removePreviews(
    deps,
    set,
    context,
    async (state) => {
      const close: PreviewRecord[] = [];
      for (const record of state.open.values()) {
        const expired = now - Date.parse(record.openedAt) > set.limits.ttlHours * HOUR_MS;
        if (expired || !(await source.isOpen(record))) close.push(record);
      }
      const dropWaiting = new Set<string>();
      for (const entry of state.waiting) if (!(await source.isOpen(entry))) dropWaiting.add(entry.slug);
      return { close, dropWaiting };
    },
    'Close',
  );
}

/** An image push: bump the target of the one open preview its tag names. */
export async function updatePreview(
  deps: PreviewDeps,
  set: PreviewSetConfig,
  push: { tag: string; digest?: string },
  context: EventContext,
): Promise<PreviewAction> {
  const image = set.image;
  const groups = image === undefined ? undefined : patternCaptures(image.tag, push.tag)?.groups;
  if (image === undefined || groups === undefined) {
    return { type: 'skip', set: set.name, reason: `tag ${push.tag} does not match the preview tag pattern` };
  }
  const name = imageName(set, context.place) as string;
  let pushTimes: Map<string, number> | undefined;
  /** Push times are needed only to order two preview tags: the registry is asked then, once. */
  const pushTimesFor = async (current: string | undefined): Promise<Map<string, number>> => {
    if (current === undefined || current === push.tag || current === 'latest') return new Map();
    if (pushTimes === undefined) {
      const images = await deps.registry.listImages(image.ecr);
      pushTimes = new Map(
        images.flatMap((found) => found.tags.map((tag): [string, number] => [tag, found.pushedAt.getTime()])),
      );
    }
    return pushTimes;
  };
  const policy: TagPolicy = { ordering: { kind: 'push-time', pattern: image.tag }, include: [], exclude: [] };
  const host = deps.hostFor(set.repository);
  const { outcome, commitId } = await commitPlanned<PreviewAction>(deps, set, async (state) => {
    const records = [...state.open.values()];
    const record =
      groups.slug !== undefined
        ? state.open.get(groups.slug)
        : groups.branch !== undefined
          ? (records.find((candidate) => candidate.branch === groups.branch) ??
            state.open.get(previewSlug(groups.branch, set.slugPrefix)))
          : records.find(
              (candidate) => candidate.pullRequest !== undefined && candidate.pullRequest === groups.pr,
            );
    if (record === undefined) {
      const which = Object.entries(groups).find(([, value]) => value !== undefined);
      return {
        skip: {
          type: 'skip',
          set: set.name,
          reason: `no open preview for ${which?.[0]} ${JSON.stringify(which?.[1])} (tag ${push.tag}); a push never opens one`,
        },
      };
    }
    const target = targetIn(set, record.slug);
    if (target === undefined) return { skip: { type: 'skip', set: set.name, reason: 'no target' } };
    const { content } = await host.readFile(set.branch, target.file, state.commitId);
    const current = readTarget(content, target);
    const verdict = decideUpgrade(policy, current.tag, push.tag, await pushTimesFor(current.tag), {
      sameImage: true,
    });
    if (!verdict.ok)
      return { skip: { type: 'skip', set: set.name, slug: record.slug, reason: verdict.reason } };
    const edit = writeTarget(content, target, { name, tag: push.tag });
    const updated: PreviewRecord = { ...record, image: `${name}:${push.tag}` };
    return {
      changes: [
        { path: target.file, content: edit.text },
        { path: `${previewDir(set, record.slug)}/${RECORD_FILE}`, content: recordText(updated) },
      ],
      message: previewCommitMessage(
        'Update',
        { set: set.name, slug: record.slug, branch: record.branch },
        context.eventId,
        `${target.file}: ${edit.from} → ${edit.to}`,
      ),
      outcome: {
        type: 'update',
        set: set.name,
        slug: record.slug,
        commitId: '',
        detail: `${edit.from} → ${edit.to}`,
      },
    };
  });
  return outcome.type === 'skip' ? outcome : { ...outcome, commitId: commitId ?? '' };
}
