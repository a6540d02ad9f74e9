import type { ImageRule } from '#config/types.ts';
import type { PushedImage } from '#domain/plan-branch.ts';
import { selectTag } from '#domain/tag-policy.ts';
import { type EcrImageAction, repositoryUri } from '#parsers/ecr-image-action.ts';
import type { RegistryOrigin } from '../ports/image-registry.ts';
import { type ApplyDeps, applyImage, type Trigger } from './apply-image.ts';
import type { BumpResult } from './result.ts';

export type BumpOptions = ApplyDeps;

/** What an event comes to before any target is touched: an image to apply, or why not. */
export type Resolution =
  | { eventId: string; image: PushedImage; rule: ImageRule; trigger: Trigger }
  | { eventId: string; skip: string };

/**
 * Apply one ECR image push to every configured target that is not scan-gated: one commit per
 * repository and branch, one write per parameter, compare-and-swap and re-plan on conflict.
 */
export async function bumpImage(event: EcrImageAction, options: BumpOptions): Promise<BumpResult> {
  const resolved = resolvePush(event, options);
  if ('skip' in resolved) return { eventId: event.id, actions: [{ type: 'skip', reason: resolved.skip }] };
  const actions = await applyImage(resolved.rule, resolved.image, resolved.trigger, event.id, options);
  return { eventId: event.id, actions };
}

/** The image a push brings to the targets that follow pushes, or why it brings nothing. */
export function resolvePush(event: EcrImageAction, options: Pick<ApplyDeps, 'config'>): Resolution {
  const skip = (reason: string): Resolution => ({ eventId: event.id, skip: reason });
  if (event.actionType !== 'PUSH') return skip(`action-type ${event.actionType} is not a push`);
  if (event.result !== 'SUCCESS') return skip(`push result is ${event.result}, not SUCCESS`);
  if (event.tag === undefined)
    return skip(`push of ${event.digest ?? 'an image'} carries no tag (digest-only push)`);

  const rule = findRule(options, event.repositoryName);
  if (!rule) return skip(`ECR repository ${event.repositoryName} is not configured`);

  const selected = selectTag(rule.tags, event.tag);
  if (!selected.ok) return skip(selected.reason);
  const image = { ...pushedImage(rule, event, event.tag, event.digest), origin: originOf(event) };
  return { eventId: event.id, rule, image, trigger: { kind: 'push' } };
}

export function findRule(options: Pick<ApplyDeps, 'config'>, repositoryName: string): ImageRule | undefined {
  return options.config.images.find((candidate) => candidate.ecr === repositoryName);
}

/** The image as targets write it: the rule's `uri`, or the registry URI of the event's account and region. */
export function pushedImage(
  rule: ImageRule,
  where: Pick<EcrImageAction, 'account' | 'region' | 'repositoryName'>,
  tag: string,
  digest: string | undefined,
): PushedImage {
  const image: PushedImage = { ecr: rule.ecr, name: rule.uri ?? repositoryUri(where), tag };
  if (digest) image.digest = digest;
  return image;
}

/** The registry an event came from: ECR look-ups for its image go there (the event's account and region). */
export const originOf = (event: { account: string; region: string }): RegistryOrigin => ({
  account: event.account,
  region: event.region,
});
