import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  handlerEntryPoint,
  handlerExport,
  isObject,
  listFunctions,
  loadTemplate,
  PROJECT_ROOT,
  type TemplateObject,
} from '../../tooling/sam-template.ts';

const template = loadTemplate();
const functions = listFunctions(template);
const resources = template.Resources;

function ofType(type: string): [string, TemplateObject][] {
  return Object.entries(resources)
    .filter(([, resource]) => resource.Type === type)
    .map(([id, resource]) => [id, resource.Properties ?? {}]);
}

/** Whether TypeScript source text exports `name` (const/let/var, function, or an export list). */
function exportsName(source: string, name: string): boolean {
  const id = name.replace(/[$]/g, '\\$');
  if (new RegExp(`export\\s+(?:const|let|var)\\s+${id}\\b`).test(source)) return true;
  if (new RegExp(`export\\s+(?:async\\s+)?function\\s*\\*?\\s*${id}\\b`).test(source)) return true;
  for (const [, list = ''] of source.matchAll(/export\s*\{([^}]*)\}/g)) {
    const exported = list.split(',').map((item) =>
      item
        .trim()
        .split(/\s+as\s+/)
        .pop()
        ?.trim(),
    );
    if (exported.includes(name)) return true;
  }
  return false;
}

describe('cfn-lint', () => {
  it('accepts template.yaml without errors or warnings', () => {
    const run = spawnSync('cfn-lint', ['template.yaml'], {
      cwd: PROJECT_ROOT,
      encoding: 'utf8',
      timeout: 120_000,
    });
    if (run.error) throw new Error(`cfn-lint could not run: ${run.error.message}`);
    const output = `${run.stdout}${run.stderr}`.trim();
    expect(output, output).toBe('');
    expect(run.status).toBe(0);
  }, 120_000);
});

describe('handlers', () => {
  it.each(functions.map((fn) => [fn.logicalId, fn] as const))(
    '%s: the entry point exists and exports the handler',
    (_id, fn) => {
      const entry = resolve(PROJECT_ROOT, fn.codeUri, handlerEntryPoint(fn));
      expect(existsSync(entry), `${entry} is missing`).toBe(true);
      expect(exportsName(readFileSync(entry, 'utf8'), handlerExport(fn.handler))).toBe(true);
    },
  );

  it('recognises the ways a module exports a name', () => {
    expect(exportsName('export const handler = middy(run);', 'handler')).toBe(true);
    expect(exportsName('export async function handler(event) {}', 'handler')).toBe(true);
    expect(exportsName('const run = 1;\nexport { other, run as handler };', 'handler')).toBe(true);
    expect(exportsName('export const handlerFactory = 1;', 'handler')).toBe(false);
    expect(exportsName('const handler = 1;', 'handler')).toBe(false);
  });
});

describe('template.yaml', () => {
  it('declares the parameters with their defaults', () => {
    const parameters = template.Parameters ?? {};
    expect(parameters.ConfigParameterName).toMatchObject({ Type: 'String', Default: '/flowkeeper/config' });
    expect(parameters.EcrRepositoryNames).toMatchObject({ Type: 'CommaDelimitedList', Default: '' });
    expect(parameters.CodeCommitRepositoryNames).toMatchObject({ Type: 'CommaDelimitedList', Default: '' });
    expect(parameters.LogLevel).toMatchObject({
      Default: 'INFO',
      AllowedValues: ['DEBUG', 'INFO', 'WARN', 'ERROR'],
    });
    expect(parameters.ConfigCacheTtlSeconds).toMatchObject({ Type: 'Number', Default: 300 });
  });

  it('gives every function the shared runtime settings', () => {
    expect(template.Globals?.Function).toMatchObject({
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Tracing: 'Active',
      MemorySize: 256,
      Timeout: 60,
      Environment: {
        Variables: {
          POWERTOOLS_SERVICE_NAME: 'flowkeeper',
          POWERTOOLS_LOG_LEVEL: { Ref: 'LogLevel' },
          NODE_OPTIONS: '--enable-source-maps',
          FLOWKEEPER_CONFIG_PARAMETER: { Ref: 'ConfigParameterName' },
          FLOWKEEPER_CONFIG_TTL_SECONDS: { Ref: 'ConfigCacheTtlSeconds' },
        },
      },
    });
  });

  it.each(functions.map((fn) => [fn.logicalId] as const))(
    '%s logs to its own log group with a retention',
    (id) => {
      const properties = resources[id]?.Properties ?? {};
      const logGroupRef = (properties.LoggingConfig as TemplateObject | undefined)?.LogGroup;
      expect(logGroupRef).toMatchObject({ Ref: expect.any(String) });
      const logGroup = resources[(logGroupRef as { Ref: string }).Ref];
      expect(logGroup?.Type).toBe('AWS::Logs::LogGroup');
      expect(logGroup?.Properties?.RetentionInDays).toEqual(expect.any(Number));
      const functionName = (properties.FunctionName as { 'Fn::Sub': string })['Fn::Sub'];
      expect(logGroup?.Properties?.LogGroupName).toEqual({ 'Fn::Sub': `/aws/lambda/${functionName}` });
    },
  );

  /** Functions fed by an SQS event source mapping: their failures are redriven by the queue. */
  const queueFed = new Set(
    ofType('AWS::Lambda::EventSourceMapping').map(
      ([, properties]) => (properties.FunctionName as { Ref: string }).Ref,
    ),
  );

  /**
   * Functions behind a Function URL: invoked synchronously by the caller (GitLab), which retries on a
   * 5xx answer, so they have no rule, retry policy or failure queue.
   */
  const urlFunctions = new Set(
    functions.map((fn) => fn.logicalId).filter((id) => resources[id]?.Properties?.FunctionUrlConfig),
  );
  const asyncFunctions = functions.map((fn) => fn.logicalId).filter((id) => !urlFunctions.has(id));

  it("serves only the GitLab webhook through a Function URL, answering within GitLab's 10 s", () => {
    expect([...urlFunctions]).toEqual(['GitLabWebhookFunction']);
    const properties = resources.GitLabWebhookFunction?.Properties ?? {};
    expect(properties.FunctionUrlConfig).toEqual({ AuthType: 'NONE', InvokeMode: 'BUFFERED' });
    expect(properties.Events).toBeUndefined();
    expect(properties.Timeout).toBeLessThan(10);
    const outputs = Object.values(template.Outputs ?? {}).map((output) => output.Value);
    expect(outputs).toContainEqual({ 'Fn::GetAtt': ['GitLabWebhookFunctionUrl', 'FunctionUrl'] });
  });

  it.each(asyncFunctions.map((id) => [id] as const))(
    '%s: every rule retries and has a dead-letter queue',
    (id) => {
      const events = Object.values(
        (resources[id]?.Properties?.Events ?? {}) as Record<string, TemplateObject>,
      );
      const rules = events.filter((event) => event.Type === 'EventBridgeRule' || event.Type === 'Schedule');
      const queuedTargets = queueFed.has(id)
        ? ofType('AWS::Events::Rule').flatMap(([, properties]) => properties.Targets as TemplateObject[])
        : [];
      expect(rules.length + queuedTargets.length).toBeGreaterThan(0);
      for (const target of [...rules.map((rule) => rule.Properties), ...queuedTargets]) {
        expect(target).toMatchObject({
          RetryPolicy: {
            MaximumRetryAttempts: expect.any(Number),
            MaximumEventAgeInSeconds: expect.any(Number),
          },
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [expect.any(String), 'Arn'] } },
        });
      }
    },
  );

  it.each(asyncFunctions.map((id) => [id] as const))('%s sends failed invocations to a queue', (id) => {
    if (queueFed.has(id)) {
      // Polled from a queue: a message that keeps failing is moved to the queue's dead-letter queue.
      const [, mapping] = ofType('AWS::Lambda::EventSourceMapping').find(
        ([, properties]) => (properties.FunctionName as { Ref: string }).Ref === id,
      ) ?? ['', {}];
      expect(mapping.FunctionResponseTypes).toEqual(['ReportBatchItemFailures']);
      const queueId = (mapping.EventSourceArn as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
      expect(resources[queueId]?.Properties?.RedrivePolicy).toMatchObject({
        deadLetterTargetArn: { 'Fn::GetAtt': [expect.any(String), 'Arn'] },
        maxReceiveCount: expect.any(Number),
      });
      return;
    }
    expect(resources[id]?.Properties?.EventInvokeConfig).toMatchObject({
      MaximumRetryAttempts: 2,
      DestinationConfig: {
        OnFailure: { Type: 'SQS', Destination: { 'Fn::GetAtt': [expect.any(String), 'Arn'] } },
      },
    });
  });

  it('encrypts every queue and keeps dead letters for 14 days', () => {
    const queues = ofType('AWS::SQS::Queue');
    expect(queues.length).toBeGreaterThan(0);
    for (const [, properties] of queues) {
      expect(properties).toMatchObject({ SqsManagedSseEnabled: true, MessageRetentionPeriod: 1_209_600 });
    }
  });

  it('lets EventBridge write to a queue only from its own rules', () => {
    for (const [, properties] of ofType('AWS::SQS::QueuePolicy')) {
      const statements = (properties.PolicyDocument as { Statement: TemplateObject[] }).Statement;
      for (const statement of statements) {
        expect(statement).toMatchObject({
          Principal: { Service: 'events.amazonaws.com' },
          Action: 'sqs:SendMessage',
          Condition: { ArnEquals: { 'aws:SourceArn': expect.anything() } },
        });
        const sources = [(statement.Condition as TemplateObject).ArnEquals as TemplateObject].flatMap(
          (condition) => condition['aws:SourceArn'] as unknown,
        );
        for (const source of sources) {
          const [id] = (source as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'];
          expect(['AWS::Events::Rule', undefined]).toContain(resources[id]?.Type);
          expect(id).toMatch(/Function|Rule$/);
        }
      }
    }
  });

  it('outputs every function ARN and every queue URL', () => {
    const values = Object.values(template.Outputs ?? {}).map((output) => output.Value);
    for (const fn of functions) expect(values).toContainEqual({ 'Fn::GetAtt': [fn.logicalId, 'Arn'] });
    for (const [id] of ofType('AWS::SQS::Queue')) expect(values).toContainEqual({ Ref: id });
  });

  it('bundles the AWS SDK rather than marking it external', () => {
    for (const fn of functions) {
      const external = fn.buildProperties.External;
      const list = Array.isArray(external) ? external : [];
      expect(list.filter((item) => typeof item === 'string' && item.startsWith('@aws-sdk'))).toEqual([]);
      expect(isObject(fn.buildProperties)).toBe(true);
    }
  });
});
