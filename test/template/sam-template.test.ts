// biome-ignore-all lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub strings, not JavaScript templates
import { describe, expect, it } from 'vitest';
import { matchesPattern } from '../../tooling/event-pattern.ts';
import {
  evaluateCondition,
  handlerEntryPoint,
  handlerExport,
  handlerModule,
  listFunctions,
  loadTemplate,
  parseTemplate,
  resolveWithDefaults,
  type SamTemplate,
} from '../../tooling/sam-template.ts';

const SHORT_FORMS = `
Resources:
  Thing:
    Type: AWS::Test::Thing
    Properties:
      Ref: !Ref Param
      Sub: !Sub 'arn:\${AWS::Partition}:s3:::\${Bucket}'
      SubList: !Sub ['\${A}-x', { A: !Ref Param }]
      GetAtt: !GetAtt Queue.Arn
      GetAttNested: !GetAtt Db.Endpoint.Address
      GetAttList: !GetAtt [Queue, Arn]
      If: !If [Cond, yes, !Ref AWS::NoValue]
      Equals: !Equals [a, b]
      Not: !Not [!Condition Cond]
      And: !And [!Condition Cond, !Condition Other]
      Or: !Or [!Condition Cond, !Condition Other]
      Join: !Join [',', [a, b]]
      Select: !Select [0, !GetAZs '']
      Split: !Split [',', 'a,b']
      FindInMap: !FindInMap [Map, Top, Second]
      ImportValue: !ImportValue shared-vpc
      ImportValueSub: !ImportValue { 'Fn::Sub': '\${AWS::StackName}-vpc' }
      Base64: !Base64 text
      Cidr: !Cidr ['10.0.0.0/16', 4, 8]
      GetAZs: !GetAZs eu-west-1
      Condition: !Condition Cond
`;

describe('parseTemplate', () => {
  it('turns every short-form intrinsic into its long form', () => {
    const properties = parseTemplate(SHORT_FORMS).Resources.Thing?.Properties;
    expect(properties).toEqual({
      Ref: { Ref: 'Param' },
      Sub: { 'Fn::Sub': 'arn:${AWS::Partition}:s3:::${Bucket}' },
      SubList: { 'Fn::Sub': ['${A}-x', { A: { Ref: 'Param' } }] },
      GetAtt: { 'Fn::GetAtt': ['Queue', 'Arn'] },
      GetAttNested: { 'Fn::GetAtt': ['Db', 'Endpoint.Address'] },
      GetAttList: { 'Fn::GetAtt': ['Queue', 'Arn'] },
      If: { 'Fn::If': ['Cond', 'yes', { Ref: 'AWS::NoValue' }] },
      Equals: { 'Fn::Equals': ['a', 'b'] },
      Not: { 'Fn::Not': [{ Condition: 'Cond' }] },
      And: { 'Fn::And': [{ Condition: 'Cond' }, { Condition: 'Other' }] },
      Or: { 'Fn::Or': [{ Condition: 'Cond' }, { Condition: 'Other' }] },
      Join: { 'Fn::Join': [',', ['a', 'b']] },
      Select: { 'Fn::Select': [0, { 'Fn::GetAZs': '' }] },
      Split: { 'Fn::Split': [',', 'a,b'] },
      FindInMap: { 'Fn::FindInMap': ['Map', 'Top', 'Second'] },
      ImportValue: { 'Fn::ImportValue': 'shared-vpc' },
      ImportValueSub: { 'Fn::ImportValue': { 'Fn::Sub': '${AWS::StackName}-vpc' } },
      Base64: { 'Fn::Base64': 'text' },
      Cidr: { 'Fn::Cidr': ['10.0.0.0/16', 4, 8] },
      GetAZs: { 'Fn::GetAZs': 'eu-west-1' },
      Condition: { Condition: 'Cond' },
    });
  });

  it('throws for a document without Resources', () => {
    expect(() => parseTemplate('Parameters: {}\n')).toThrow(/Resources/);
  });

  it('throws for duplicate keys', () => {
    expect(() => parseTemplate('Resources:\n  A: { Type: X }\n  A: { Type: Y }\n')).toThrow();
  });
});

describe('resolveWithDefaults', () => {
  const template = parseTemplate(`
Parameters:
  Names: { Type: CommaDelimitedList, Default: '' }
  Stage: { Type: String, Default: dev }
  Size: { Type: Number, Default: 3 }
Mappings:
  Sizes: { dev: { memory: 256 } }
Conditions:
  HasNames: !Not [!Equals [!Join ['', !Ref Names], '']]
  IsDev: !Equals [!Ref Stage, dev]
  DevWithoutNames: !And [!Condition IsDev, !Not [!Condition HasNames]]
  AnyOf: !Or [!Condition HasNames, !Equals [!Select [1, !Split ['-', 'a-b-c']], b]]
Resources:
  R: { Type: X }
`);

  it('evaluates conditions with every parameter at its default', () => {
    expect(
      ['HasNames', 'IsDev', 'DevWithoutNames', 'AnyOf'].map((name) => evaluateCondition(template, name)),
    ).toEqual([false, true, true, true]);
  });

  it('takes the !If branch of the default condition and drops AWS::NoValue', () => {
    const value = {
      names: { 'Fn::If': ['HasNames', { Ref: 'Names' }, { Ref: 'AWS::NoValue' }] },
      kept: ['a'],
    };
    expect(resolveWithDefaults(template, value)).toEqual({ kept: ['a'] });
  });

  it('resolves parameters, Sub, Join, Select, Split and FindInMap', () => {
    expect(
      resolveWithDefaults(template, [
        { Ref: 'Stage' },
        { Ref: 'Size' },
        { 'Fn::Sub': 'flowkeeper-${Stage}-${!Literal}' },
        { 'Fn::Sub': ['${X}/${Stage}', { X: { 'Fn::Join': ['+', ['a', 'b']] } }] },
        { 'Fn::Select': [2, { 'Fn::Split': [',', 'x,y,z'] }] },
        { 'Fn::FindInMap': ['Sizes', { Ref: 'Stage' }, 'memory'] },
        { Ref: 'Names' },
      ]),
    ).toEqual(['dev', '3', 'flowkeeper-dev-${Literal}', 'a+b/dev', 'z', 256, ['']]);
  });

  it('leaves what depends on the deployment in long form', () => {
    const value = [
      { 'Fn::Sub': '${AWS::Region}-${Stage}' },
      { 'Fn::GetAtt': ['Queue', 'Arn'] },
      { Ref: 'AWS::AccountId' },
    ];
    expect(resolveWithDefaults(template, value)).toEqual(value);
  });

  it('throws for an undefined or circular condition', () => {
    const circular = parseTemplate(
      'Conditions:\n  A: !Condition B\n  B: !Condition A\nResources:\n  R: { Type: X }\n',
    );
    expect(() => evaluateCondition(template, 'Missing')).toThrow(/not defined/);
    expect(() => evaluateCondition(circular, 'A')).toThrow(/circular/);
  });
});

describe('handler helpers', () => {
  it('splits a handler into module and export', () => {
    expect([handlerModule('functions/x/app.handler'), handlerExport('functions/x/app.handler')]).toEqual([
      'functions/x/app',
      'handler',
    ]);
    expect(() => handlerModule('handler')).toThrow(/<module>\.<export>/);
  });

  it('finds the entry point whose bundle the handler names', () => {
    const fn = { logicalId: 'F', handler: 'b/main.handler', entryPoints: ['src/a/main.ts', 'src/b/main.ts'] };
    expect(handlerEntryPoint(fn)).toBe('src/b/main.ts');
    expect(
      handlerEntryPoint({ ...fn, handler: 'handler.handler', entryPoints: ['functions/x/handler.ts'] }),
    ).toBe('functions/x/handler.ts');
    expect(() => handlerEntryPoint({ ...fn, handler: 'main.handler' })).toThrow(/names no bundle/);
  });
});

describe('listFunctions on template.yaml', () => {
  const template = loadTemplate();
  const functions = listFunctions(template);

  it('lists the image bump function with its build settings and rule', () => {
    const fn = functions.find((candidate) => candidate.logicalId === 'ImageBumpFunction');
    expect(fn).toMatchObject({
      codeUri: './',
      handler: 'handler.handler',
      entryPoints: ['functions/image-bump/handler.ts'],
      buildProperties: {
        Format: 'esm',
        Target: 'node24',
        Platform: 'node',
        Minify: true,
        Splitting: true,
        Sourcemap: 'external',
        SourcesContent: 'false',
      },
    });
    expect(fn?.rules).toEqual([
      {
        name: 'EcrImagePushRule → ImageEventQueue',
        pattern: {
          source: ['aws.ecr'],
          'detail-type': ['ECR Image Action'],
          detail: { 'action-type': ['PUSH'], result: ['SUCCESS'] },
        },
      },
      {
        name: 'EcrImageScanRule → ImageEventQueue',
        pattern: {
          source: ['aws.ecr'],
          'detail-type': ['ECR Image Scan'],
          detail: { 'scan-status': ['COMPLETE'] },
        },
      },
      {
        name: 'Inspector2ScanRule → ImageEventQueue',
        pattern: {
          source: ['aws.inspector2'],
          'detail-type': ['Inspector2 Scan'],
          detail: { 'scan-status': ['INITIAL_SCAN_COMPLETE'] },
        },
      },
    ]);
  });

  it('lists the reconcile function with its schedule', () => {
    const fn = listFunctions(template).find((candidate) => candidate.logicalId === 'ReconcileFunction');
    expect(fn).toMatchObject({ handler: 'handler.handler', entryPoints: ['functions/reconcile/handler.ts'] });
    expect(fn?.rules).toEqual([
      { name: 'Schedule', pattern: { source: ['aws.events'], 'detail-type': ['Scheduled Event'] } },
    ]);
  });

  it('filters the rule on repository names once EcrRepositoryNames is set', () => {
    const named: SamTemplate = structuredClone(template);
    const parameter = named.Parameters?.EcrRepositoryNames;
    if (!parameter) throw new Error('template.yaml has no EcrRepositoryNames parameter');
    parameter.Default = 'my-app,my-app-dev';
    const rule = listFunctions(named).find((fn) => fn.logicalId === 'ImageBumpFunction')?.rules[0];
    expect(rule?.pattern).toMatchObject({ detail: { 'repository-name': ['my-app', 'my-app-dev'] } });
    const push = (repository: string) => ({
      source: 'aws.ecr',
      'detail-type': 'ECR Image Action',
      detail: { 'action-type': 'PUSH', result: 'SUCCESS', 'repository-name': repository },
    });
    expect([
      matchesPattern(rule?.pattern, push('my-app')),
      matchesPattern(rule?.pattern, push('other-service')),
    ]).toEqual([true, false]);
  });

  it('grants the configuration parameter by its ARN with or without a leading slash', () => {
    const slashless: SamTemplate = structuredClone(template);
    const parameter = slashless.Parameters?.ConfigParameterName;
    if (!parameter) throw new Error('template.yaml has no ConfigParameterName parameter');
    parameter.Default = 'flowkeeper-config';
    const arn = (t: SamTemplate) => {
      const policy = t.Resources.FunctionBasePolicy?.Properties?.PolicyDocument as {
        Statement: { Sid: string }[];
      };
      const statement = policy.Statement.find((candidate) => candidate.Sid === 'ReadConfiguration');
      return resolveWithDefaults(t, statement) as { Resource: unknown };
    };
    expect(arn(template).Resource).toEqual({
      'Fn::Sub': 'arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter${ConfigParameterName}',
    });
    expect(arn(slashless).Resource).toEqual({
      'Fn::Sub':
        'arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter/${ConfigParameterName}',
    });
  });
});
