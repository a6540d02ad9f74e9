import * as z from 'zod/mini';
import { isValidDigest, isValidTag } from '#domain/image-reference.ts';
import { type Envelope, parseDetail, parseEnvelope, requireKind } from './envelope.ts';
import { nonEmptyText, optional, withoutUndefined } from './fields.ts';
import { preview } from './zod-error.ts';

/** An `ECR Image Action` event, validated. Detail keys arrive kebab-case. */
export interface EcrImageAction {
  id: string;
  account: string;
  region: string;
  time: string;
  repositoryName: string;
  actionType: string;
  result: string;
  tag?: string;
  digest?: string;
}

export const ECR_IMAGE_ACTION = 'ECR Image Action';

const TAG_RULE =
  'allowed: letters, digits, "_", "." and "-", starting with a letter, digit or "_", at most 128 characters';

const validTag = z.refine<string>(isValidTag, {
  error: (issue) => `${preview(issue.input)} is not a valid image tag (${TAG_RULE})`,
});
export const validDigest = z.refine<string>(isValidDigest, {
  error: (issue) => `${preview(issue.input)} is not a valid digest (expected sha256:<64 hex>)`,
});
export const imageTag = z.string().check(validTag);

const ImageActionDetail = z.object({
  'repository-name': nonEmptyText,
  'action-type': nonEmptyText,
  result: nonEmptyText,
  'image-tag': optional(imageTag),
  'image-digest': optional(z.string().check(validDigest)),
});

export function parseEcrImageAction(event: unknown): EcrImageAction {
  return fromEnvelope(parseEnvelope(event));
}

export function fromEnvelope(envelope: Envelope): EcrImageAction {
  requireKind(envelope, 'aws.ecr', ECR_IMAGE_ACTION);
  const detail = parseDetail(ImageActionDetail, envelope);
  return withoutUndefined({
    id: envelope.id,
    account: envelope.account,
    region: envelope.region,
    time: envelope.time,
    repositoryName: detail['repository-name'],
    actionType: detail['action-type'],
    result: detail.result,
    tag: detail['image-tag'],
    digest: detail['image-digest'],
  });
}

/** The registry URI of the pushed repository, e.g. `111122223333.dkr.ecr.eu-west-1.amazonaws.com/my-app`. */
export function repositoryUri(action: Pick<EcrImageAction, 'account' | 'region' | 'repositoryName'>): string {
  const suffix = action.region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com';
  return `${action.account}.dkr.ecr.${action.region}.${suffix}/${action.repositoryName}`;
}
