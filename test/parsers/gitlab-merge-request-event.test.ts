import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EventError } from '#domain/errors.ts';
import { parseEnvelope } from '#parsers/envelope.ts';
import { fromEnvelope } from '#parsers/gitlab-merge-request-event.ts';

const sample = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(new URL(`../../events/${name}`, import.meta.url), 'utf8')) as Record<
    string,
    unknown
  >;

describe('the normalised GitLab merge-request event', () => {
  it('reads the samples the ingress puts on the bus', () => {
    const opened = fromEnvelope(parseEnvelope(sample('gitlab-merge-request-opened.json')));
    expect(opened.project).toEqual({
      id: 42,
      path: 'platform/shop-api',
      webUrl: 'https://gitlab.example.com/platform/shop-api',
    });
    expect(opened.mergeRequest).toMatchObject({
      iid: 17,
      action: 'open',
      state: 'opened',
      sourceBranch: 'feature/readiness-probe',
    });
    expect(fromEnvelope(parseEnvelope(sample('gitlab-merge-request-merged.json'))).mergeRequest.state).toBe(
      'merged',
    );
  });

  it('refuses a detail without a positive iid or a source branch, naming the field', () => {
    const event = sample('gitlab-merge-request-closed.json');
    const detail = event.detail as { mergeRequest: Record<string, unknown> };
    const broken = (change: Record<string, unknown>) =>
      fromEnvelope(
        parseEnvelope({
          ...event,
          detail: { ...detail, mergeRequest: { ...detail.mergeRequest, ...change } },
        }),
      );
    expect(() => broken({ iid: 0 })).toThrow(EventError);
    expect(() => broken({ iid: '12' })).toThrow('detail.mergeRequest.iid: expected a positive integer');
    expect(() => broken({ sourceBranch: undefined })).toThrow('detail.mergeRequest.sourceBranch: missing');
  });
});
