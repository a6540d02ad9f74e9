import type { ImageRule } from '#config/types.ts';
import { formatImageReference, parseImageReference } from '#domain/image-reference.ts';
import type { PushedImage } from '#domain/plan-branch.ts';
import { decideUpgrade } from '#domain/tag-policy.ts';
import type { ParameterTarget } from '#domain/targets.ts';
import type { ParameterLocation, ParameterStore } from '../ports/parameter-store.ts';
import type { PushTimeLookup } from './push-times.ts';
import type { BumpAction } from './result.ts';

/**
 * Write the image to an SSM parameter when the policy ranks it above what the parameter holds.
 * Compare before write: an equal value is a skip, so a replay writes nothing and adds no version.
 */
export async function bumpParameter(
  store: ParameterStore,
  target: ParameterTarget,
  rule: ImageRule,
  image: PushedImage,
  pushTimes: PushTimeLookup,
  dryRun: boolean,
): Promise<BumpAction> {
  const { parameter } = target;
  const at = locationOf(target);
  const stored = await store.get(parameter, at);
  const current = stored === undefined ? undefined : currentImage(stored.value, target);
  const times = await pushTimes.resolve(current?.tag ? [current.tag] : []);
  const verdict = decideUpgrade(rule.tags, current?.tag, image.tag, times);
  if (!verdict.ok) return { type: 'skip', parameter, reason: verdict.reason };

  const digest = rule.digest === 'pin' ? image.digest : undefined;
  const name = target.setName || !current?.name ? image.name : current.name;
  const value =
    target.value === 'tag'
      ? image.tag
      : formatImageReference({ name, tag: image.tag, ...(digest ? { digest } : {}) });
  const from = stored?.value ?? null;
  if (value === from) return { type: 'skip', parameter, reason: `already holds ${value}` };
  if (dryRun) return { type: 'parameter', parameter, from, to: value, dryRun: true };
  const written = await store.put(parameter, value, `${image.ecr} image, written by Flowkeeper`, at);
  return { type: 'parameter', parameter, from, to: value, version: written.version };
}

/** The target's region and role, when it names any: the parameter may be in another account. */
function locationOf(target: ParameterTarget): ParameterLocation | undefined {
  const { region, roleArn, externalId } = target;
  if (region === undefined && roleArn === undefined) return undefined;
  return {
    ...(region === undefined ? {} : { region }),
    ...(roleArn === undefined ? {} : { roleArn }),
    ...(externalId === undefined ? {} : { externalId }),
  };
}

function currentImage(value: string, target: ParameterTarget): { name?: string; tag?: string } {
  if (value.trim() === '') return {};
  if (target.value === 'tag') return { tag: value.trim() };
  const ref = parseImageReference(value);
  return { name: ref.name, ...(ref.tag ? { tag: ref.tag } : {}) };
}
