import type { ImageRule } from '#config/types.ts';
import { isPermanentError } from '#domain/errors.ts';
import { newestTag } from '#domain/tag-policy.ts';
import { type ApplyDeps, applyImage } from '../image-bump/apply-image.ts';
import { pushedImage } from '../image-bump/bump-image.ts';
import type { BumpAction } from '../image-bump/result.ts';
import type { ImageRegistry } from '../ports/image-registry.ts';

export interface ReconcileResult {
  eventId: string;
  images: ImageReconciliation[];
}

export interface ImageReconciliation {
  ecr: string;
  /** The tag the policy selects in ECR now; absent when none qualifies. */
  tag?: string;
  actions: BumpAction[];
  /** A permanent error for this image (the others are still reconciled). */
  error?: { type: string; message: string };
}

export interface ReconcileDeps extends ApplyDeps {
  registry: ImageRegistry;
  /** Account and region the images live in, for the image URI of rules without `uri`. */
  account: string;
  region: string;
}

/**
 * Heal lost events: for every image rule, the tag the policy selects among the images ECR holds now
 * is applied like a push would be, so targets that fell behind catch up and the others are skips.
 * A permanent error is recorded for its image (the others are still reconciled); any other is thrown.
 */
export async function reconcile(eventId: string, deps: ReconcileDeps): Promise<ReconcileResult> {
  const images: ImageReconciliation[] = [];
  for (const rule of deps.config.images) {
    try {
      images.push(await reconcileImage(rule, eventId, deps));
    } catch (error) {
      if (!isPermanentError(error)) throw error;
      const err = error instanceof Error ? error : new Error(String(error));
      images.push({ ecr: rule.ecr, actions: [], error: { type: err.name, message: err.message } });
    }
  }
  return { eventId, images };
}

async function reconcileImage(
  rule: ImageRule,
  eventId: string,
  deps: ReconcileDeps,
): Promise<ImageReconciliation> {
  const listed = await deps.registry.listImages(rule.ecr);
  const pushTimes = new Map<string, number>();
  const digests = new Map<string, string>();
  for (const image of listed) {
    for (const tag of image.tags) {
      pushTimes.set(tag, image.pushedAt.getTime());
      digests.set(tag, image.digest);
    }
  }
  const tag = newestTag(rule.tags, pushTimes.keys(), pushTimes);
  if (tag === undefined) {
    return {
      ecr: rule.ecr,
      actions: [{ type: 'skip', reason: `no image in ${rule.ecr} is selected by the tag policy` }],
    };
  }
  const where = { account: deps.account, region: deps.region, repositoryName: rule.ecr };
  const image = pushedImage(rule, where, tag, digests.get(tag));
  const pushedAt = pushTimes.get(tag);
  if (pushedAt !== undefined) image.pushedAt = pushedAt;
  const actions = await applyImage(rule, image, { kind: 'reconcile', pushTimes }, eventId, deps);
  return { ecr: rule.ecr, tag, actions };
}
