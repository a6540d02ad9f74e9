import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project root (where template.yaml and package.json live), wherever the CLI is run from. */
export const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export function fromRoot(...parts: string[]): string {
  return resolve(projectRoot, ...parts);
}
