/** The `ssm` update target: an SSM String parameter instead of a file. */
import * as z from 'zod';
import { checkedString, closedObject } from '#config/schema-building-blocks.ts';
import { scan } from '#config/target-fields.ts';

const PARAMETER_NAME = /^(?:\/[a-zA-Z0-9_.-]+(?:\/[a-zA-Z0-9_.-]+){0,14}|[a-zA-Z0-9_.-]+)$/;
const parameterProblem = (name: string): string | undefined => {
  if (name.length > 1011) return 'must be at most 1011 characters';
  if (!PARAMETER_NAME.test(name)) {
    return 'must be an SSM parameter name: letters, digits, "_", ".", "-", hierarchy levels separated by "/" with a leading "/" (at most 15 levels)';
  }
  if (/^\/?(aws|ssm)/i.test(name)) return 'must not start with "aws" or "ssm" (reserved by AWS)';
  return undefined;
};

export const parameterTarget = closedObject({
  kind: z.literal('ssm').meta({ description: 'An SSM parameter instead of a file.' }),
  parameter: checkedString(
    (value) => parameterProblem(value) === undefined,
    (value) => `${parameterProblem(value)} (got ${JSON.stringify(value)})`,
  ).meta({ description: 'Name of the String parameter to write.', examples: ['/my-app/stg/image'] }),
  value: z
    .enum(['reference', 'tag'])
    .meta({ description: 'Write the whole image reference, or the tag only.' })
    .default('reference'),
  setName: z
    .boolean()
    .meta({
      description:
        'Write the image name of the push (`uri`) even when the parameter already holds another name. ' +
        'A new or empty parameter always gets it.',
    })
    .default(false),
  scan,
}).meta({
  title: 'SSM parameter target',
  description:
    'An SSM String parameter holding the image reference, for ECS, CodePipeline or CloudFormation ' +
    'consumers that read images from Parameter Store. Written only when the value changes.',
  examples: [{ kind: 'ssm', parameter: '/my-app/stg/image' }],
});
