/** The `commit` section: the identity commits are made with, and how often a commit is retried. */
import * as z from 'zod';
import { checkedString, closedObject } from '#config/schema-building-blocks.ts';

const DEFAULT_AUTHOR = { name: 'Flowkeeper', email: 'flowkeeper@noreply.local' };

export const commit = closedObject({
  author: closedObject({
    name: checkedString(
      (value) => value.trim() !== '' && !/[<>\n\r]/.test(value),
      () => 'must be a non-empty name without "<", ">" or line breaks',
    )
      .meta({ description: 'Author and committer name of the commits.' })
      .default(DEFAULT_AUTHOR.name),
    email: checkedString(
      (value) => /^[^\s@<>]+@[^\s@<>]+$/.test(value),
      (value) => `must be an email address (got ${JSON.stringify(value)})`,
    )
      .meta({ description: 'Author and committer email of the commits.' })
      .default(DEFAULT_AUTHOR.email),
  })
    .meta({ description: 'Identity the commits are made with.' })
    .prefault(DEFAULT_AUTHOR),
  maxAttempts: z
    .int()
    .min(1)
    .max(20)
    .meta({
      description:
        'Compare-and-swap attempts per branch: when the branch moves between read and commit, the ' +
        'change is planned again on the new head, up to this many times.',
    })
    .default(5),
})
  .meta({ title: 'Commit settings', description: 'How Flowkeeper makes its commits.' })
  .prefault({});
