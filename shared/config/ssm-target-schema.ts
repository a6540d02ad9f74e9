/** The `ssm` update target: an SSM String parameter instead of a file. */
import * as z from 'zod';
import { externalIdNeedsRole, region, roleFields } from '#config/aws-access-schema.ts';
import { checkedString, closedObject } from '#config/schema-building-blocks.ts';
import { scan } from '#config/target-fields.ts';
import { ssmParameterNameProblem } from '#config/value-rules.ts';

export const parameterTarget = closedObject({
  kind: z.literal('ssm').meta({ description: 'An SSM parameter instead of a file.' }),
  parameter: checkedString(
    (value) => ssmParameterNameProblem(value) === undefined,
    (value) => `${ssmParameterNameProblem(value)} (got ${JSON.stringify(value)})`,
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
  region: region("AWS region of the parameter; the function's own region when omitted."),
  ...roleFields('the parameter'),
  scan,
})
  .meta({
    title: 'SSM parameter target',
    description:
      'An SSM String parameter holding the image reference, for ECS, CodePipeline or CloudFormation ' +
      'consumers that read images from Parameter Store. Written only when the value changes.',
    examples: [
      { kind: 'ssm', parameter: '/my-app/stg/image' },
      {
        kind: 'ssm',
        parameter: '/my-app/prd/image',
        region: 'eu-west-1',
        roleArn: 'arn:aws:iam::222222222222:role/flowkeeper-parameter-writer',
      },
    ],
  })
  .superRefine(externalIdNeedsRole);
