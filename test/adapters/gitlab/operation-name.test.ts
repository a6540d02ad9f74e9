import { describe, expect, it } from 'vitest';
import { operationOf, projectPath } from '#adapters/gitlab/api.ts';

describe('operationOf: the trace subsegment name of a GitLab request', () => {
  it('names the route, leaving project, file, commit and merge request ids out', () => {
    const base = projectPath('group/app-manifests');
    expect(operationOf('GET', `${base}/repository/files/${encodeURIComponent('apps/web/values.yaml')}`)).toBe(
      'GitLab GET /projects/:id/repository/files/:id',
    );
    expect(operationOf('POST', `${base}/repository/commits`)).toBe(
      'GitLab POST /projects/:id/repository/commits',
    );
    expect(operationOf('GET', `${base}/repository/commits/abc123/merge_requests`)).toBe(
      'GitLab GET /projects/:id/repository/commits/:id/merge_requests',
    );
    expect(operationOf('POST', `${base}/merge_requests/7/notes`)).toBe(
      'GitLab POST /projects/:id/merge_requests/:id/notes',
    );
    expect(operationOf('POST', `${base}/remote_mirrors/12/sync`)).toBe(
      'GitLab POST /projects/:id/remote_mirrors/:id/sync',
    );
  });
});
