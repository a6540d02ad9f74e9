import type { ImageRule } from '#config/types.ts';
import type { PushedImage } from '#domain/plan-branch.ts';
import type { PushTimes } from '#domain/tag-policy.ts';
import { type ImageRegistry, RegistryError } from '../ports/image-registry.ts';

/**
 * Push times for `push-time` ordering, fetched from the registry only when the rule uses that
 * ordering, and at most once per tag per invocation.
 */
export class PushTimeLookup {
  readonly #rule: ImageRule;
  readonly #image: PushedImage;
  readonly #registry: ImageRegistry | undefined;
  readonly #known = new Map<string, number>();
  readonly #missing = new Set<string>();

  readonly #complete: boolean;

  /** `listed`: push times of every tag the repository holds (a full listing): tags not in it are gone. */
  constructor(
    rule: ImageRule,
    image: PushedImage,
    registry: ImageRegistry | undefined,
    listed?: ReadonlyMap<string, number>,
  ) {
    this.#rule = rule;
    this.#image = image;
    this.#registry = registry;
    this.#complete = listed !== undefined;
    for (const [tag, time] of listed ?? []) this.#known.set(tag, time);
  }

  /** Times for the pushed tag and `currentTags`; undefined when the rule does not order by push time. */
  async resolve(currentTags: string[]): Promise<PushTimes | undefined> {
    if (this.#rule.tags.ordering.kind !== 'push-time') return undefined;
    const registry = this.#registry;
    if (!registry) throw new Error(`${this.#rule.ecr}: push-time ordering needs the ECR registry`);
    if (!this.#known.has(this.#image.tag)) {
      const pushedAt =
        this.#image.pushedAt ??
        (
          await registry.describeImage(
            this.#image.ecr,
            this.#image.digest ? { digest: this.#image.digest } : { tag: this.#image.tag },
            this.#image.origin,
          )
        )?.pushedAt.getTime();
      if (pushedAt === undefined) {
        throw new RegistryError('ImageNotFound', `${this.#image.ecr}:${this.#image.tag} is no longer in ECR`);
      }
      this.#known.set(this.#image.tag, pushedAt);
    }
    for (const tag of currentTags) {
      if (this.#known.has(tag) || this.#missing.has(tag)) continue;
      if (this.#complete) {
        this.#missing.add(tag);
        continue;
      }
      const detail = await registry.describeImage(this.#image.ecr, { tag }, this.#image.origin);
      if (detail) this.#known.set(tag, detail.pushedAt.getTime());
      else this.#missing.add(tag);
    }
    return this.#known;
  }
}
