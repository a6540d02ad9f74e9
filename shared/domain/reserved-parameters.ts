import type { Config } from '#config/types.ts';

/**
 * SSM parameters an `ssm` target must never write: the configuration itself (a name, or a path
 * ending in `/` whose parameters are merged) and the GitLab tokens it names. A target equal to one
 * of them, or under a reserved path, would let a pushed image overwrite Flowkeeper's own settings.
 */
export function reservedParameters(config: Config, deployed: readonly string[] = []): string[] {
  const reserved = deployed.map((name) => name.trim()).filter((name) => name !== '');
  for (const repository of Object.values(config.repositories)) {
    if (repository.provider === 'gitlab' && 'ssm' in repository.token) reserved.push(repository.token.ssm);
  }
  return reserved;
}

/** Why `parameter` may not be written, or undefined when it may. */
export function reservedParameterProblem(parameter: string, reserved: readonly string[]): string | undefined {
  const clash = reserved.find((name) =>
    name.endsWith('/') ? parameter.startsWith(name) : parameter === name || parameter.startsWith(`${name}/`),
  );
  if (clash === undefined) return undefined;
  return `ssm target ${parameter} would overwrite ${clash}, which holds Flowkeeper's configuration or a GitLab token; write image parameters under their own path (ImageParameterPath)`;
}
