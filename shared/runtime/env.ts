/** Typed access to the environment variables Flowkeeper reads. */
export function envFlag(name: string, env: NodeJS.ProcessEnv = process.env): boolean {
  const value = env[name]?.trim().toLowerCase();
  return value === 'true' || value === '1' || value === 'yes';
}
