import { fail } from './errors.ts';
import { type Input, optionalString } from './input.ts';
import { requireRepositoryName } from './names.ts';
import type { OperationContext } from './operation-context.ts';
import { defaultBranch } from './repositories.ts';

const MAX_DESCRIPTION = 1000;

export async function createRepository(
  context: OperationContext,
  input: Input,
): Promise<Record<string, unknown>> {
  const name = requireRepositoryName(optionalString(input, 'repositoryName'));
  const description = optionalString(input, 'repositoryDescription');
  if (description !== undefined && description.length > MAX_DESCRIPTION) {
    fail(
      'InvalidRepositoryDescriptionException',
      'The repository description is longer than 1,000 characters.',
    );
  }
  const record = await context.store.create(name, description);
  return { repositoryMetadata: context.store.metadata(record, undefined) };
}

export async function getRepository(
  context: OperationContext,
  input: Input,
): Promise<Record<string, unknown>> {
  const record = context.store.get(requireRepositoryName(optionalString(input, 'repositoryName')));
  return { repositoryMetadata: context.store.metadata(record, await defaultBranch(record.gitDir)) };
}
