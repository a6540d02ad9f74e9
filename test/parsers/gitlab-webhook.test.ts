import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EventError } from '#domain/errors.ts';
import { deliveryOf, parseFunctionUrlRequest, parseMergeRequestHook } from '#parsers/gitlab-webhook.ts';

type Json = Record<string, unknown>;

const sample = (file: string): Json =>
  JSON.parse(readFileSync(new URL(`../../events/${file}`, import.meta.url), 'utf8')) as Json;

const request = sample('gitlab-webhook-merge-request.json');
const hook = (): Json => JSON.parse(String(request.body)) as Json;
const delivery = { idempotencyKey: 'key-1', eventUuid: 'uuid-1' };

/** The sample hook with `object_attributes` fields replaced (undefined removes one). */
function withAttributes(attributes: Json): Json {
  const payload = hook();
  const merged = { ...(payload.object_attributes as Json), ...attributes };
  for (const [key, value] of Object.entries(attributes)) if (value === undefined) delete merged[key];
  return { ...payload, object_attributes: merged };
}

describe('parseFunctionUrlRequest', () => {
  it('reads method, lower-cased headers and the body of a payload 2.0 request', () => {
    const parsed = parseFunctionUrlRequest({
      ...request,
      headers: { 'X-Gitlab-Event': 'Merge Request Hook', 'x-gitlab-token': 't', ignored: 5 },
    });
    expect(parsed.method).toBe('POST');
    expect(parsed.headers).toEqual({ 'x-gitlab-event': 'Merge Request Hook', 'x-gitlab-token': 't' });
    expect(parsed.body).toBe(request.body);
  });

  it('decodes a base64-encoded body as UTF-8', () => {
    const text = '{"title":"Ünïcode ✓"}';
    const parsed = parseFunctionUrlRequest({
      ...request,
      body: Buffer.from(text, 'utf8').toString('base64'),
      isBase64Encoded: true,
    });
    expect(parsed.body).toBe(text);
  });

  it('rejects what is not a Function URL event', () => {
    expect(() => parseFunctionUrlRequest(sample('gitlab-merge-request-opened.json'))).toThrow(EventError);
    expect(() => parseFunctionUrlRequest(null)).toThrow(/Function URL event/);
  });
});

describe('deliveryOf', () => {
  it('takes the Idempotency-Key and X-Gitlab-Event-UUID headers, null when absent', () => {
    expect(deliveryOf({ 'idempotency-key': 'a', 'x-gitlab-event-uuid': 'b' })).toEqual({
      idempotencyKey: 'a',
      eventUuid: 'b',
    });
    expect(deliveryOf({})).toEqual({ idempotencyKey: null, eventUuid: null });
  });

  it('refuses a delivery header no GitLab sends', () => {
    expect(() => deliveryOf({ 'idempotency-key': 'x'.repeat(300) })).toThrow(/idempotency-key/);
  });
});

describe('parseMergeRequestHook', () => {
  it("turns the sample webhook into the detail of the 'opened' sample event", () => {
    const parsed = parseFunctionUrlRequest(request);
    const detail = parseMergeRequestHook(JSON.parse(parsed.body), deliveryOf(parsed.headers));
    expect(detail).toEqual(sample('gitlab-merge-request-opened.json').detail);
  });

  it('gives every sample event exactly the shared detail shape', () => {
    for (const file of ['opened', 'closed', 'merged']) {
      const detail = sample(`gitlab-merge-request-${file}.json`).detail as Json;
      expect(Object.keys(detail).sort()).toEqual(['delivery', 'mergeRequest', 'project']);
      expect(Object.keys(detail.project as Json).sort()).toEqual(['id', 'path', 'webUrl']);
      expect(Object.keys(detail.mergeRequest as Json).sort()).toEqual([
        'action',
        'iid',
        'lastCommitId',
        'sourceBranch',
        'state',
        'targetBranch',
        'title',
        'url',
      ]);
      expect(Object.keys(detail.delivery as Json).sort()).toEqual(['eventUuid', 'idempotencyKey']);
    }
  });

  it('reads a merge request without a last commit (source branch gone) as lastCommitId null', () => {
    expect(
      parseMergeRequestHook(withAttributes({ last_commit: undefined }), delivery).mergeRequest.lastCommitId,
    ).toBeNull();
    expect(
      parseMergeRequestHook(withAttributes({ last_commit: null }), delivery).mergeRequest.lastCommitId,
    ).toBeNull();
    expect(
      parseMergeRequestHook(withAttributes({ last_commit: { id: '' } }), delivery).mergeRequest.lastCommitId,
    ).toBeNull();
  });

  it.each([
    [{ ...hook(), object_kind: 'push' }, 'payload.object_kind'],
    [{ ...hook(), project: undefined }, 'payload.project'],
    [{ ...hook(), project: { ...(hook().project as Json), id: '42' } }, 'payload.project.id'],
    [{ ...hook(), project: { ...(hook().project as Json), path_with_namespace: '' } }, 'path_with_namespace'],
    [withAttributes({ iid: 0 }), 'payload.object_attributes.iid'],
    [withAttributes({ iid: 1.5 }), 'payload.object_attributes.iid'],
    [withAttributes({ action: undefined }), 'payload.object_attributes.action'],
    [withAttributes({ state: 7 }), 'payload.object_attributes.state'],
    [withAttributes({ source_branch: undefined }), 'payload.object_attributes.source_branch'],
    [withAttributes({ target_branch: ['main'] }), 'payload.object_attributes.target_branch'],
    [withAttributes({ url: undefined }), 'payload.object_attributes.url'],
    [withAttributes({ title: 'x'.repeat(5000) }), 'payload.object_attributes.title'],
    [withAttributes({ last_commit: { id: 'HEAD~1; rm -rf /' } }), 'last_commit.id'],
    [withAttributes({ last_commit: 'abc' }), 'last_commit'],
    [[], 'payload'],
  ])('rejects a payload missing or mistyping a required field (%#)', (payload, field) => {
    expect(() => parseMergeRequestHook(payload, delivery)).toThrow(EventError);
    expect(() => parseMergeRequestHook(payload, delivery)).toThrow(field);
  });

  it('keeps hostile field values as data, unchanged', () => {
    const hostile = {
      source_branch: '../../etc/passwd',
      target_branch: 'a:b\n/approve',
      title: '@all /merge <script>alert(1)</script>\u202e\u0000',
      action: 'open"}],"x":{"',
      state: 'opened\r\nX-Injected: 1',
      url: 'javascript:alert(1)',
    };
    const detail = parseMergeRequestHook(withAttributes(hostile), delivery);
    expect(detail.mergeRequest).toMatchObject({
      sourceBranch: hostile.source_branch,
      targetBranch: hostile.target_branch,
      title: hostile.title,
      action: hostile.action,
      state: hostile.state,
      url: hostile.url,
    });
    // It survives the trip through PutEvents' JSON Detail exactly.
    expect(JSON.parse(JSON.stringify(detail))).toEqual(detail);
  });

  it('either reads any string fields as they are or rejects them, never anything else', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), fc.string({ maxLength: 300 }), (branch, title) => {
        let detail: ReturnType<typeof parseMergeRequestHook>;
        try {
          detail = parseMergeRequestHook(withAttributes({ source_branch: branch, title }), delivery);
        } catch (error) {
          expect(error).toBeInstanceOf(EventError);
          expect(branch).toBe('');
          return;
        }
        expect(detail.mergeRequest.sourceBranch).toBe(branch);
        expect(detail.mergeRequest.title).toBe(title);
      }),
    );
  });
});
