import { EventError } from '#domain/errors.ts';
import { isValidDigest, isValidTag } from '#domain/image-reference.ts';
import { type Envelope, optionalString, parseEnvelope, requireKind, requireString } from './envelope.ts';

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

export function parseEcrImageAction(event: unknown): EcrImageAction {
  const envelope = parseEnvelope(event);
  return fromEnvelope(envelope);
}

export function fromEnvelope(envelope: Envelope): EcrImageAction {
  requireKind(envelope, 'aws.ecr', ECR_IMAGE_ACTION);
  const { detail } = envelope;
  const tag = optionalString(detail, 'image-tag', 'detail');
  const digest = optionalString(detail, 'image-digest', 'detail');
  if (tag !== undefined && !isValidTag(tag)) {
    throw new EventError(
      `detail.image-tag: ${JSON.stringify(tag)} is not a valid image tag (allowed: letters, digits, "_", "." and "-", starting with a letter, digit or "_", at most 128 characters)`,
    );
  }
  if (digest !== undefined && !isValidDigest(digest)) {
    throw new EventError(
      `detail.image-digest: ${JSON.stringify(digest)} is not a valid digest (expected sha256:<64 hex>)`,
    );
  }
  const action: EcrImageAction = {
    id: envelope.id,
    account: envelope.account,
    region: envelope.region,
    time: envelope.time,
    repositoryName: requireString(detail, 'repository-name', 'detail'),
    actionType: requireString(detail, 'action-type', 'detail'),
    result: requireString(detail, 'result', 'detail'),
  };
  if (tag !== undefined && tag !== '') action.tag = tag;
  if (digest !== undefined) action.digest = digest;
  return action;
}

/** The registry URI of the pushed repository, e.g. `111122223333.dkr.ecr.eu-west-1.amazonaws.com/my-app`. */
export function repositoryUri(action: Pick<EcrImageAction, 'account' | 'region' | 'repositoryName'>): string {
  const suffix = action.region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com';
  return `${action.account}.dkr.ecr.${action.region}.${suffix}/${action.repositoryName}`;
}
