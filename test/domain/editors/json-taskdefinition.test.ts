import { describe, expect, it } from 'vitest';
import { taskDefinitionEditor } from '#domain/editors/kinds/taskdefinition.ts';

const FILE = 'ecs/task-definition.json';
const spec = (container: string, setName = false) =>
  ({ kind: 'taskdefinition', container, setName }) as const;
const image = { name: '123456789012.dkr.ecr.us-east-1.amazonaws.com/web', tag: '5.0.0' };

const TASK = `{
    "family": "shop",
    "containerDefinitions": [
        {
            "name": "log_router",
            "image": "public.ecr.aws/aws-observability/aws-for-fluent-bit:stable",
            "essential": true
        },
        {
            "essential": true,
            "image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/web:4.2.0",
            "name": "web",
            "environment": [{ "name": "image", "value": "web:0.0.1" }]
        }
    ],
    "cpu": "256"
}`;

const DESCRIBED = `{
  "taskDefinition": {
    "containerDefinitions": [
      { "name": "web", "image": "r.io/web:4.2.0" }
    ],
    "revision": 7
  },
  "tags": []
}
`;

describe('task definition editor', () => {
  it('reads the image of the named container', () => {
    expect(taskDefinitionEditor.read(TASK, spec('web'), FILE)).toEqual({
      name: '123456789012.dkr.ecr.us-east-1.amazonaws.com/web',
      tag: '4.2.0',
      location: 'containerDefinitions[name=web].image',
    });
  });

  it('changes only the image of the named container', () => {
    const outcome = taskDefinitionEditor.write(TASK, spec('web'), image, FILE);
    expect(outcome).toEqual({
      text: TASK.replace('web:4.2.0', 'web:5.0.0'),
      location: 'containerDefinitions[name=web].image',
      from: '4.2.0',
      to: '5.0.0',
    });
  });

  it('edits the sidecar without touching the main container', () => {
    const outcome = taskDefinitionEditor.write(TASK, spec('log_router'), { ...image, tag: '2.32.0' }, FILE);
    expect(outcome.text).toBe(TASK.replace('aws-for-fluent-bit:stable', 'aws-for-fluent-bit:2.32.0'));
    expect(outcome.from).toBe('stable');
  });

  it('accepts describe-task-definition output and names the wrapper in the location', () => {
    const outcome = taskDefinitionEditor.write(DESCRIBED, spec('web'), image, FILE);
    expect(outcome.text).toBe(DESCRIBED.replace('web:4.2.0', 'web:5.0.0'));
    expect(outcome.location).toBe('taskDefinition.containerDefinitions[name=web].image');
  });

  it('throws when the file is not an object', () => {
    expect(() => taskDefinitionEditor.read('[]', spec('web'), FILE)).toThrow(/found an array/);
  });

  it('throws when containerDefinitions is missing or not an array', () => {
    expect(() => taskDefinitionEditor.read('{"family": "x"}', spec('web'), FILE)).toThrow(
      /no "containerDefinitions" array; expected an ECS task definition, or describe-task-definition output/,
    );
    expect(() => taskDefinitionEditor.read('{"containerDefinitions": {}}', spec('web'), FILE)).toThrow(
      /"containerDefinitions" is an object; it must be an array/,
    );
  });

  it('lists the containers present when the container is missing', () => {
    expect(() => taskDefinitionEditor.read(TASK, spec('app'), FILE)).toThrow(
      /at containerDefinitions\[name=app\]\.image: no container named "app" \(containers present: "log_router", "web"\)/,
    );
  });

  it('throws on duplicate container names, listing their indexes', () => {
    const text = '{"containerDefinitions": [{"name": "a", "image": "x:1"}, {"name": "a", "image": "y:1"}]}';
    expect(() => taskDefinitionEditor.read(text, spec('a'), FILE)).toThrow(
      /\(containerDefinitions\[0\], containerDefinitions\[1\]\); the target is ambiguous/,
    );
  });

  it('throws when image is missing or not a string', () => {
    expect(() =>
      taskDefinitionEditor.read('{"containerDefinitions": [{"name": "a"}]}', spec('a'), FILE),
    ).toThrow(/the field "image" is missing/);
    expect(() =>
      taskDefinitionEditor.read('{"containerDefinitions": [{"name": "a", "image": 1}]}', spec('a'), FILE),
    ).toThrow(/"image" is a number; it must be a string/);
  });

  it('refuses a CodePipeline placeholder', () => {
    const text = '{"containerDefinitions": [{"name": "a", "image": "<IMAGE1_NAME>"}]}';
    expect(() => taskDefinitionEditor.write(text, spec('a'), image, FILE)).toThrow(
      /placeholder <IMAGE1_NAME>, which CodePipeline replaces .* must not be bumped/,
    );
  });
});
