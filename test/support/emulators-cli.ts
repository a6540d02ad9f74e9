import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { type Emulators, MOTO_SERVICES, startEmulators } from '#test/emulators.ts';

const USAGE = `Runs moto_server (${MOTO_SERVICES.join(', ')}) and the CodeCommit, CodeBuild and GitLab
emulators until Ctrl-C.

  npm run emulators -- [--seed] [--region us-east-1] [--moto-port N] [--codecommit-port N]
                       [--codebuild-port N] [--gitlab-port N] [--root dir] [--write-env file]

  --seed       repository app-manifests (branches main, dev, stg) from examples/manifests, the
               SSM parameter /flowkeeper/config holding examples/flowkeeper.yaml pointed at it,
               pull request 1 (feature/new-probe → main, against the example's branch flow),
               the CodeBuild project manifests-validate, and GitLab project platform/app-manifests
               push-mirrored into CodeCommit repository app-manifests-mirror (a mirror pair of
               the configuration; the token in the SecureString /flowkeeper/gitlab-token)
  --root       keep the CodeCommit repositories in this directory (reused on the next start)
  --write-env  also write the environment to this file, for \`. file\` in another shell

The environment is printed as shell \`export\` lines; comments (#) say where things are.`;

const { values } = parseArgs({
  options: {
    seed: { type: 'boolean', default: false },
    region: { type: 'string' },
    'moto-port': { type: 'string' },
    'codecommit-port': { type: 'string' },
    'codebuild-port': { type: 'string' },
    'gitlab-port': { type: 'string' },
    root: { type: 'string' },
    'write-env': { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

if (values.help) {
  console.log(USAGE);
  process.exit(0);
}

function port(option: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > 65535) {
    console.error(`--${option}: not a port number: ${raw}`);
    process.exit(2);
  }
  return value;
}

/** A value the shell reads back unchanged. */
const shellQuote = (value: string): string =>
  /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replaceAll("'", `'\\''`)}'`;

const motoPort = port('moto-port', values['moto-port']);
const codecommitPort = port('codecommit-port', values['codecommit-port']);
const codebuildPort = port('codebuild-port', values['codebuild-port']);
const gitlabPort = port('gitlab-port', values['gitlab-port']);

const starting = startEmulators({
  seed: values.seed,
  ...(values.region === undefined ? {} : { region: values.region }),
  ...(motoPort === undefined ? {} : { motoPort }),
  ...(codecommitPort === undefined ? {} : { codecommitPort }),
  ...(codebuildPort === undefined ? {} : { codebuildPort }),
  ...(gitlabPort === undefined ? {} : { gitlabPort }),
  ...(values.root === undefined ? {} : { root: values.root }),
});

// Registered before the emulators are up, so a signal during start-up still stops moto_server.
const shutdown = (): void => {
  starting
    .then((emulators) => emulators.stop())
    .then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
};
process.once('SIGINT', shutdown);
process.once('SIGTERM', shutdown);

let emulators: Emulators;
try {
  emulators = await starting;
} catch (error) {
  console.error(`cannot start the emulators: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}

const exports = Object.entries(emulators.env).map(([name, value]) => `export ${name}=${shellQuote(value)}`);
const notes = [
  `# moto_server: ${emulators.moto.endpoint} (${MOTO_SERVICES.join(', ')})`,
  `# CodeCommit emulator: ${emulators.codecommit.endpoint}`,
  `# CodeBuild emulator: ${emulators.codebuild.endpoint}${emulators.seeded ? '' : ' (no projects until CreateProject)'}`,
  `# CodeCommit repositories (bare, one <name>.git each): ${emulators.repositoriesDir}`,
  `# GitLab emulator: ${emulators.gitlab.url} (API ${emulators.gitlab.url}/api/v4${emulators.seeded ? '' : ', no projects until created'})`,
  `# GitLab token (PRIVATE-TOKEN, scope api): ${emulators.gitlabToken}`,
];
if (emulators.seeded) {
  const { repositoryName, branches, gitDir, configParameter, wrongSourcePullRequest, mirror } =
    emulators.seeded;
  notes.push(
    `# repository ${repositoryName} (${branches.join(', ')}): git -C ${shellQuote(gitDir)} log --all --oneline`,
    `# SSM parameter ${configParameter}: examples/flowkeeper.yaml using codecommit:${repositoryName}`,
    `# pull request ${wrongSourcePullRequest}: feature/new-probe → main, against the flow dev → stg → main`,
    '# CodeBuild project manifests-validate',
    `# GitLab project ${mirror.project} push-mirrors (mirror ${mirror.mirrorId}) into CodeCommit ${mirror.repositoryName}; token in ${mirror.tokenParameter}`,
  );
}
notes.push('# Ctrl-C stops both.');
if (values['write-env'] !== undefined) await writeFile(values['write-env'], `${exports.join('\n')}\n`);
console.log([...exports, ...notes].join('\n'));
