import { newestTag } from '#domain/tag-policy.ts';
import type { ImageScanEvent } from '#parsers/ecr-image-scan.ts';
import { type ApplyDeps, applyImage } from './apply-image.ts';
import { findRule, originOf, pushedImage, type Resolution } from './bump-image.ts';
import type { BumpResult } from './result.ts';

/**
 * A finished image scan (basic or enhanced) applies the scan-gated targets of its repository: the
 * image goes in when no finding is at or above the target's severity.
 */
export async function applyScan(event: ImageScanEvent, deps: ApplyDeps): Promise<BumpResult> {
  const resolved = await resolveScan(event, deps);
  if ('skip' in resolved) return { eventId: event.id, actions: [{ type: 'skip', reason: resolved.skip }] };
  const actions = await applyImage(resolved.rule, resolved.image, resolved.trigger, event.id, deps);
  return { eventId: event.id, actions };
}

/** The image a scan result releases to the scan-gated targets, or why it releases nothing. */
export async function resolveScan(event: ImageScanEvent, deps: ApplyDeps): Promise<Resolution> {
  const skip = (reason: string): Resolution => ({ eventId: event.id, skip: reason });
  const rule = findRule(deps, event.repositoryName);
  if (!rule) return skip(`ECR repository ${event.repositoryName} is not configured`);
  if (!rule.update.some((target) => target.scan)) {
    return skip(`no target of ${rule.ecr} has a scan gate (its targets follow pushes)`);
  }
  const tags =
    event.tags.length > 0
      ? event.tags
      : ((await deps.registry?.describeImage(rule.ecr, { digest: event.digest }, originOf(event)))?.tags ??
        []);
  const tag = newestTag(rule.tags, tags);
  if (tag === undefined) {
    const held = tags.length > 0 ? tags.join(', ') : 'none';
    return skip(`no tag of ${event.digest} is selected by the tag policy (tags: ${held})`);
  }
  const image = { ...pushedImage(rule, event, tag, event.digest), origin: originOf(event) };
  const scan = { complete: event.complete, status: event.status, severityCounts: event.severityCounts };
  return { eventId: event.id, rule, image, trigger: { kind: 'scan', scan } };
}
