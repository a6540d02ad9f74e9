import type { MirrorDeps } from '../mirror/mirror-sync.ts';
import type { MirrorAction } from '../mirror/result.ts';
import { syncAfterCommits } from '../mirror/sync-after-commit.ts';
import type { AlertSink } from '../ports/alert-sink.ts';
import type { Logger } from '../ports/logger.ts';
import { type ReconcileDeps, type ReconcileResult, reconcile } from './reconcile.ts';

export interface ScheduledRunDeps extends ReconcileDeps {
  /** Where each image's permanent error is reported once. */
  alerts: AlertSink;
  /** Names the alerts' origin (the function) in their subject. */
  source: string;
  /** What starting the push mirrors of GitLab primaries needs, asked for only after a commit. */
  mirror: () => Promise<MirrorDeps>;
  logger?: Logger;
}

export interface ScheduledRunResult extends ReconcileResult {
  /** The push mirrors started after commits to GitLab primaries; absent when nothing was committed. */
  mirrorSync?: MirrorAction[];
}

/**
 * One scheduled run: reconcile every image, alert each image's permanent error (the others are
 * still reconciled), then start the push mirrors of the GitLab primaries it committed to.
 */
export async function scheduledReconcile(
  eventId: string,
  deps: ScheduledRunDeps,
): Promise<ScheduledRunResult> {
  const result = await reconcile(eventId, deps);
  for (const image of result.images) {
    if (!image.error) continue;
    await deps.alerts.publish({
      subject: `${deps.source}: ${image.error.type} for ${image.ecr}`,
      message: image.error.message,
      eventId,
      details: { ecr: image.ecr },
    });
  }
  const commits = result.images.flatMap((image) => image.actions);
  if (!commits.some((action) => action.type === 'commit')) return result;
  return { ...result, mirrorSync: await syncAfterCommits(commits, await deps.mirror(), deps.logger) };
}
