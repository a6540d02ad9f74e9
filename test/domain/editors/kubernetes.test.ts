import { describe, expect, it } from 'vitest';
import { kubernetesEditor } from '#domain/editors/kinds/kubernetes.ts';
import { DIGEST, kubernetesSpec, manifestError, writerFor } from './support.ts';

const image = { name: '123.dkr.ecr.eu-west-1.amazonaws.com/web', tag: '1.4.2' };
const write = writerFor(kubernetesEditor, 'apps/web.yaml', { image });

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: frontend
spec:
  template:
    spec:
      initContainers:
      - name: migrate
        image: registry.example.com/web:1.4.1
      containers:
      - name: web
        image: registry.example.com/web:1.4.1 # app
      - name: proxy
        image: envoyproxy/envoy:v1.30.0
`;

const CRONJOB = `apiVersion: batch/v1
kind: CronJob
metadata:
  name: nightly
spec:
  jobTemplate:
    spec:
      template:
        spec:
          containers:
            - name: web
              image: "registry.example.com/web:1.4.1"
`;

describe('kubernetesEditor.read', () => {
  it('reads the image of the named container with a location naming the resource', () => {
    expect(kubernetesEditor.read(DEPLOYMENT, kubernetesSpec('web'), 'd.yaml')).toEqual({
      name: 'registry.example.com/web',
      tag: '1.4.1',
      location: 'spec.template.spec.containers[name=web].image (Deployment/frontend)',
    });
  });

  it('finds init containers', () => {
    expect(kubernetesEditor.read(DEPLOYMENT, kubernetesSpec('migrate'), 'd.yaml').location).toBe(
      'spec.template.spec.initContainers[name=migrate].image (Deployment/frontend)',
    );
  });

  it('reads an untagged image', () => {
    const text = 'kind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - {name: web, image: nginx}\n';
    expect(kubernetesEditor.read(text, kubernetesSpec('web'), 'p.yaml')).toEqual({
      name: 'nginx',
      location: 'spec.containers[name=web].image (Pod/p)',
    });
  });
});

describe('kubernetesEditor.write', () => {
  it('changes only the tag of the named container', () => {
    const out = write(DEPLOYMENT, kubernetesSpec('web'));
    expect(out).toEqual({
      text: DEPLOYMENT.replace('web:1.4.1 # app', 'web:1.4.2 # app'),
      location: 'spec.template.spec.containers[name=web].image (Deployment/frontend)',
      from: '1.4.1',
      to: '1.4.2',
    });
  });

  it('is idempotent', () => {
    const once = write(DEPLOYMENT, kubernetesSpec('web')).text;
    expect(write(once, kubernetesSpec('web')).text).toBe(once);
  });

  it('finds containers of a CronJob under jobTemplate and keeps the quotes', () => {
    expect(write(CRONJOB, kubernetesSpec('web')).text).toBe(CRONJOB.replace('web:1.4.1"', 'web:1.4.2"'));
  });

  it('finds containers of any custom resource and of List items', () => {
    const crd =
      'apiVersion: x/v1\nkind: Worker\nmetadata:\n  name: w\nspec:\n  containers:\n    - image: app\n      name: web\n';
    expect(write(crd, kubernetesSpec('web')).text).toBe(crd.replace('image: app', 'image: app:1.4.2'));
    const list =
      'kind: List\nitems:\n- kind: Pod\n  metadata: {name: a}\n  spec:\n    ephemeralContainers:\n    - name: web\n      image: app:1\n';
    const out = write(list, kubernetesSpec('web'));
    expect(out.text).toBe(list.replace('app:1\n', 'app:1.4.2\n'));
    expect(out.location).toBe('items[0].spec.ephemeralContainers[name=web].image (Pod/a)');
  });

  it('writes the name with setName and keeps it otherwise', () => {
    expect(write(DEPLOYMENT, kubernetesSpec('web', { setName: true })).text).toBe(
      DEPLOYMENT.replace('registry.example.com/web:1.4.1 #', `${image.name}:1.4.2 #`),
    );
  });

  it('keeps a registry port byte for byte', () => {
    const text =
      'kind: Pod\nspec:\n  containers:\n  - name: web\n    image: 10.42.0.1:30000/test-image:1.0.0\n';
    expect(write(text, kubernetesSpec('web')).text).toBe(text.replace(':1.0.0', ':1.4.2'));
  });

  it('writes a digest when given and drops an inline digest otherwise', () => {
    const text = 'kind: Pod\nspec:\n  containers:\n  - name: web\n    image: r/web:1.0@sha256:old\n';
    expect(write(text, kubernetesSpec('web')).text).toBe(text.replace('1.0@sha256:old', '1.4.2'));
    const pinned = write(text, kubernetesSpec('web'), { ...image, digest: DIGEST });
    expect(pinned.text).toBe(text.replace('1.0@sha256:old', `1.4.2@${DIGEST}`));
    expect(pinned).toMatchObject({ from: '1.0@sha256:old', to: `1.4.2@${DIGEST}` });
  });

  it('edits a folded image on its content line', () => {
    const text =
      'kind: Pod\nspec:\n  containers:\n    - name: web\n      image: >-\n        r:5000/web:latest\n      ports: []\n';
    expect(write(text, kubernetesSpec('web')).text).toBe(text.replace('web:latest', 'web:1.4.2'));
  });

  it('keeps CRLF, a BOM and a missing final newline', () => {
    const text = '\uFEFFkind: Pod\r\nspec:\r\n  containers:\r\n  - name: web\r\n    image: r/web:1';
    expect(write(text, kubernetesSpec('web')).text).toBe(
      '\uFEFFkind: Pod\r\nspec:\r\n  containers:\r\n  - name: web\r\n    image: r/web:1.4.2',
    );
  });

  it('searches every document and narrows by resource kind and name', () => {
    const text = `${DEPLOYMENT}---\n${CRONJOB}`;
    const e = manifestError(() => write(text, kubernetesSpec('web')));
    expect(e.file).toBe('apps/web.yaml');
    expect(e.location).toBe('containers[name=web]');
    expect(e.message).toBe(
      'apps/web.yaml at containers[name=web]: ambiguous: 2 containers are named `web`: document 0 Deployment/frontend at spec.template.spec.containers[name=web]; document 1 CronJob/nightly at spec.jobTemplate.spec.template.spec.containers[name=web]; narrow the target with resource: { kind, name }',
    );
    const out = write(text, kubernetesSpec('web', { resource: { kind: 'CronJob' } }));
    expect(out.location).toBe(
      'spec.jobTemplate.spec.template.spec.containers[name=web].image (document 1, CronJob/nightly)',
    );
    expect(out.text).toBe(`${DEPLOYMENT}---\n${CRONJOB.replace('web:1.4.1"', 'web:1.4.2"')}`);
    expect(write(text, kubernetesSpec('web', { resource: { name: 'frontend' } })).location).toMatch(
      /document 0/,
    );
  });

  it('throws listing the containers found when none has the name', () => {
    const e = manifestError(() => write(DEPLOYMENT, kubernetesSpec('api')));
    expect(e.message).toBe(
      'apps/web.yaml at containers[name=api]: no container named `api`; containers found: migrate (Deployment/frontend), web (Deployment/frontend), proxy (Deployment/frontend)',
    );
  });

  it('throws when the container exists only in other resources', () => {
    const e = manifestError(() =>
      write(DEPLOYMENT, kubernetesSpec('web', { resource: { kind: 'StatefulSet' } })),
    );
    expect(e.message).toMatch(
      /container `web` exists only in Deployment\/frontend, none of which matches resource \{ kind: StatefulSet \}; fix the target's resource/,
    );
  });

  it('throws when the file has no container lists', () => {
    const e = manifestError(() => write('kind: Service\nspec:\n  ports: []\n', kubernetesSpec('web')));
    expect(e.message).toMatch(/the file has no containers, initContainers or ephemeralContainers list/);
  });

  it('throws when the container has no image', () => {
    const e = manifestError(() =>
      write('kind: Pod\nspec:\n  containers:\n  - name: web\n    args: []\n', kubernetesSpec('web')),
    );
    expect(e.message).toMatch(/container `web` has no `image` key \(keys: name, args\)/);
  });

  it('throws naming the anchor when the image is an alias', () => {
    const text = 'kind: Pod\nx: &img r/web:1\nspec:\n  containers:\n  - name: web\n    image: *img\n';
    expect(manifestError(() => write(text, kubernetesSpec('web'))).message).toMatch(
      /is an alias \(\*img\) of another value; edit the value anchored as &img/,
    );
  });

  it('throws when the image holds no name and setName is off', () => {
    const text = 'kind: Pod\nspec:\n  containers:\n  - name: web\n    image: ""\n';
    expect(manifestError(() => write(text, kubernetesSpec('web'))).message).toMatch(
      /holds no image name to keep; enable setName/,
    );
    expect(write(text, kubernetesSpec('web', { setName: true })).text).toBe(
      text.replace('""', `"${image.name}:1.4.2"`),
    );
  });

  it('throws on invalid YAML naming the file', () => {
    const e = manifestError(() => write('kind: Pod\nspec: [\n', kubernetesSpec('web')));
    expect(e.message).toMatch(/^apps\/web\.yaml at line \d+, column \d+: invalid YAML/);
  });
});
