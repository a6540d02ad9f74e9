import { randomUUID } from 'node:crypto';

/** An `ECR Image Action` envelope like EventBridge delivers; `detail` fields override the push defaults. */
export function ecrPushEvent(detail: Record<string, unknown> = {}, id: string = randomUUID()) {
  return {
    version: '0',
    id,
    'detail-type': 'ECR Image Action',
    source: 'aws.ecr',
    account: '111122223333',
    time: '2026-03-01T09:30:00Z',
    region: 'eu-west-1',
    resources: [],
    detail: {
      result: 'SUCCESS',
      'repository-name': 'my-app',
      'image-digest': `sha256:${'4'.repeat(64)}`,
      'action-type': 'PUSH',
      'image-tag': '1.4.2',
      ...detail,
    },
  };
}
