/**
 * Discovery over the wire: one push bumping a generated 200-file tree (Deployments, kustomizations,
 * Helm values, ECS JSON and decoys) through one discover target, over the CodeCommit emulator with
 * a fixed latency per call and on a local repository. Prints the API calls by operation and the
 * time of the bump (listing, reads, planning and the one commit).
 */
import { createCodeCommitGitHost } from '../shared/adapters/codecommit/git-host.ts';
import { createLocalGitHost } from '../shared/adapters/local/git-host.ts';
import { bumpImage } from '../shared/app/image-bump/bump-image.ts';
import { FolderListings } from '../shared/app/image-bump/discover-files.ts';
import type { GitHost } from '../shared/app/ports/git-host.ts';
import type { Config } from '../shared/config/types.ts';
import { parseEcrImageAction } from '../shared/parsers/ecr-image-action.ts';
import { emulatorClient, startCodeCommitEmulator } from '../test/support/codecommit-emulator.ts';
import { discoveryTree, TREE_GLOBS } from '../test/support/discovery-tree.ts';
import { ecrPushEvent } from '../test/support/events.ts';
import { createTestRepo } from '../test/support/git-repo.ts';
import { ms } from './stats.ts';

const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 30);

function config(repository: Config['repositories'][string]): Config {
  return {
    repositories: { m: repository },
    commit: { author: { name: 'Bench', email: 'bench@example.com' }, maxAttempts: 3 },
    images: [
      {
        ecr: 'my-app',
        tags: { ordering: { kind: 'semver', range: '>=1.0.0', prerelease: false }, include: [], exclude: [] },
        digest: 'ignore',
        update: [
          { kind: 'discover', repository: 'm', branch: 'main', files: TREE_GLOBS, names: [], setName: false },
        ],
      },
    ],
    flow: {},
    mirrors: [],
  };
}

async function timedBump(host: GitHost, cfg: Config) {
  const counts = { listFiles: 0, readFile: 0, commit: 0 };
  const counted: GitHost = {
    description: host.description,
    listFiles: (...a) => {
      counts.listFiles++;
      return host.listFiles(...a);
    },
    readFile: (...a) => {
      counts.readFile++;
      return host.readFile(...a);
    },
    commit: (r) => {
      counts.commit++;
      return host.commit(r);
    },
    changedFiles: (a, b) => host.changedFiles(a, b),
  };
  const start = performance.now();
  const result = await bumpImage(parseEcrImageAction(ecrPushEvent({}, 'bench-discovery')), {
    config: cfg,
    hostFor: () => counted,
    listings: new FolderListings(),
  });
  const elapsed = performance.now() - start;
  const commit = result.actions.find((a) => a.type === 'commit');
  const changes = commit?.type === 'commit' ? commit.changes.length : 0;
  return { elapsed, counts, changes };
}

export async function discoveryBench(): Promise<void> {
  const tree = discoveryTree();
  console.log(
    `\nDiscovery: one push, ${Object.keys(tree.files).length} files, ${tree.references} references`,
  );

  const repo = await createTestRepo(tree.files, []);
  try {
    const local = await timedBump(
      createLocalGitHost(repo.path),
      config({ provider: 'local', path: repo.path }),
    );
    console.log(
      `  local host            ${ms(local.elapsed)}, ${local.changes} values in 1 commit ` +
        `(listings ${local.counts.listFiles}, reads ${local.counts.readFile})`,
    );
  } finally {
    await repo.cleanup();
  }

  const codecommit = await startCodeCommitEmulator({});
  try {
    await codecommit.createRepository('bench-discovery', { main: tree.files });
    codecommit.faults.setLatency(LATENCY_MS);
    const host = createCodeCommitGitHost({
      repositoryName: 'bench-discovery',
      client: emulatorClient(codecommit),
    });
    codecommit.calls.length = 0;
    const run = await timedBump(host, config({ provider: 'codecommit', name: 'bench-discovery' }));
    const byOperation = new Map<string, number>();
    for (const call of codecommit.calls)
      byOperation.set(call.operation, (byOperation.get(call.operation) ?? 0) + 1);
    const calls = [...byOperation].map(([op, n]) => `${op} ${n}`).join(', ');
    console.log(
      `  CodeCommit ${LATENCY_MS} ms/call  ${ms(run.elapsed)}, ${run.changes} values in 1 commit; ` +
        `${codecommit.calls.length} API calls (${calls})`,
    );
  } finally {
    await codecommit.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await discoveryBench();
