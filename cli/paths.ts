import { resolve } from 'node:path';
import { PROJECT_ROOT } from '../tooling/sam-template.ts';

/** A path inside the project (where template.yaml and package.json live), wherever the CLI runs from. */
export function fromRoot(...parts: string[]): string {
  return resolve(PROJECT_ROOT, ...parts);
}
