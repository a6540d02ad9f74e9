import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { git } from '#adapters/local/git-cli.ts';
import type { BumpResult } from '#app/image-bump/result.ts';
import { loadConfigFile } from '#config/load-file.ts';
import { createExampleRepository } from './example-repo.ts';
import { invokeFunction } from './invoke.ts';
import { fromRoot } from './paths.ts';
import { collectPreviews, renderPreviews } from './previews.ts';
import { renderResult } from './render.ts';
import { collectStatus, renderStatus } from './status.ts';

const STEPS: { event: string; caption: string }[] = [
  {
    event: 'ecr-push-semver.json',
    caption: 'my-app:1.4.2 pushed → kustomize, Helm, ECS and workload on stg, one commit',
  },
  { event: 'ecr-push-timestamp.json', caption: 'my-app-dev:dev-20260301093000-3f2a9c1 pushed → dev overlay' },
  {
    event: 'ecr-push-semver-older.json',
    caption: 'my-app:1.4.1 arrives late → skipped, the policy decides order',
  },
  { event: 'ecr-push-semver.json', caption: 'the 1.4.2 event delivered again → nothing to do' },
  { event: 'ecr-push-digest-only.json', caption: 'a digest-only push → skipped' },
  { event: 'ecr-delete.json', caption: 'an image deleted → skipped' },
  { event: 'ecr-push-unconfigured.json', caption: 'a push to a repository nobody configured → skipped' },
];

const PREVIEW_STEPS: { event: string; caption: string; list?: boolean }[] = [
  {
    event: 'preview-pr-created.json',
    caption: 'pull request 7 opened → previews/<slug>/ rendered from the template',
    list: true,
  },
  { event: 'preview-pr-created.json', caption: 'the same event again → already open, nothing written' },
  {
    event: 'preview-pr-closed.json',
    caption: 'pull request 7 closed → the preview directory removed',
    list: true,
  },
];

/** A preview opening and closing through PreviewFunction on the example repository. */
async function previewSteps(example: { repository: string; config: string }, out: (text: string) => void) {
  for (const step of PREVIEW_STEPS) {
    out(`\n── ${step.caption}\n   npx flowkeeper invoke PreviewFunction --event events/${step.event}\n`);
    const { result } = await invokeFunction({
      logicalId: 'PreviewFunction',
      eventFile: fromRoot('events', step.event),
      configFile: example.config,
    });
    out(renderResult(result).text);
    if (step.list) {
      out('\n── npx flowkeeper previews\n');
      out(renderPreviews(await collectPreviews(await loadConfigFile(example.config))));
    }
  }
  out(
    await git(['log', '-3', '--stat', '--no-color', '--format=%h %s', 'main'], { cwd: example.repository }),
  );
  out('\n');
}

/** Replay the sample events through ImageBumpFunction against a throwaway example repository. */
export async function runDemo(options: { keep?: string; out?: (text: string) => void } = {}): Promise<void> {
  const out = options.out ?? ((text: string) => process.stdout.write(text));
  const dir = options.keep ?? (await mkdtemp(join(tmpdir(), 'flowkeeper-demo-')));
  try {
    const example = await createExampleRepository(dir);
    out(`Example manifests repository: ${example.repository} (branches main, dev, stg)\n`);
    for (const [index, step] of STEPS.entries()) {
      out(
        `\n── ${index + 1}. ${step.caption}\n   npx flowkeeper invoke ImageBumpFunction --event events/${step.event}\n`,
      );
      const { result } = await invokeFunction({
        logicalId: 'ImageBumpFunction',
        eventFile: fromRoot('events', step.event),
        configFile: example.config,
      });
      const rendered = renderResult(result);
      out(rendered.rejected ? `rejected: ${rendered.rejected}\n` : rendered.text);
      for (const action of (result as BumpResult).actions ?? []) {
        if (action.type !== 'commit') continue;
        out(await git(['show', '--format=', '--no-color', action.commitId], { cwd: example.repository }));
        out('\n');
      }
    }
    out('\n── git log --all\n');
    out(
      await git(['log', '--all', '--graph', '--no-color', '--format=%h%d %s%n  %an <%ae>'], {
        cwd: example.repository,
      }),
    );
    out('\n');
    out('\n── npx flowkeeper status: what each environment branch runs, and what waits to be promoted\n');
    out(renderStatus(await collectStatus(await loadConfigFile(example.config))));
    await previewSteps(example, out);
    if (options.keep) out(`\nKept in ${dir}\n`);
  } finally {
    if (!options.keep) await rm(dir, { recursive: true, force: true });
  }
}
