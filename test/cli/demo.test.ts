import { describe, expect, it } from 'vitest';
import { runDemo } from '../../cli/demo.ts';

describe('demo', () => {
  it('shows kustomize, Helm, ECS and workload bumps as diffs and commits, then the skips', async () => {
    let output = '';
    await runDemo({ out: (text) => (output += text) });
    expect(output).toContain('--- a/base/kustomization.yaml');
    expect(output).toMatch(/^open preview feature-login-page-[0-9a-f]{8} of web \(commit [0-9a-f]{12}\)/m);
    expect(output).toMatch(
      /^feature-login-page-[0-9a-f]{8}\s+app-source #7 feature\/Login-Page\s+\(template\)\s+https:/m,
    );
    expect(output).toMatch(/^close preview feature-login-page-[0-9a-f]{8} of web/m);
    expect(output).toContain('No preview is open.');
    expect(output).toMatch(/^\+\s+newTag: 1\.4\.2/m);
    expect(output).toContain('--- a/charts/my-app/values.yaml');
    expect(output).toMatch(/^\+\s+tag: "1\.4\.2"/m);
    expect(output).toContain('--- a/ecs/imagedefinitions.json');
    expect(output).toMatch(/^\+\s+"imageUri": ".*my-app:1\.4\.2"/m);
    expect(output).toContain("newTag: 'dev-20260301093000-3f2a9c1'");
    expect(output).toContain('1.4.1 is older than the current 1.4.2');
    expect(output).toContain('carries no tag (digest-only push)');
    expect(output).toMatch(/\(stg\) my-app 1\.4\.1 → 1\.4\.2 \(stg\)/);
    expect(output).toContain('manifests: dev → stg → main');
    expect(output).toMatch(/my-app\s+base\/kustomization\.yaml\s+1\.4\.1\s+1\.4\.2\s+1\.4\.1\s+stg → main/);
    expect(output).toMatch(
      /my-app-dev\s+overlays\/dev\/kustomization\.yaml\s+dev-20260301093000-3f2a9c1\s+dev-20260228170000-1a2b3c4\s+dev-20260228170000-1a2b3c4\s+dev → stg/,
    );
  });
});
