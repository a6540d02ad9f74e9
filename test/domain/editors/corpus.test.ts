/**
 * Golden tests over the real-world manifests in ../shared/corpus: each case names a file, a target
 * and a new image, and the values that must change (as paths into the parsed documents). The
 * edit must touch only those values' bytes, read back, be idempotent and keep every other value.
 * The corpus is beside CI's checkout only: without it, one skipped test says so and nothing is read
 * (the project's own golden cases are test/fixtures/editors, run by golden.test.ts).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { diffLines } from 'diff';
import { describe, expect, it } from 'vitest';
import { isNode, type Node, parseAllDocuments } from 'yaml';
import type { CurrentImage, DesiredImage, EditOutcome } from '#domain/editors/editor.ts';
import { helmEditor } from '#domain/editors/kinds/helm.ts';
import { kubernetesEditor } from '#domain/editors/kinds/kubernetes.ts';
import { kustomizeEditor } from '#domain/editors/kinds/kustomize.ts';
import { yamlPathEditor } from '#domain/editors/yaml/path.ts';
import { ManifestError } from '#domain/errors.ts';
import { formatTagAndDigest } from '#domain/image-reference.ts';
import type { EditSpec } from '#domain/targets.ts';
import { helmSpec, kubernetesSpec, kustomizeSpec, yamlSpec } from './support.ts';

const CORPUS = fileURLToPath(new URL('../../../../shared/corpus/', import.meta.url));
const CORPUS_PRESENT = existsSync(CORPUS);
/** `describe` when the corpus is present; otherwise nothing, so nothing is collected or read. */
const corpusSuite = (name: string, body: () => void) => (CORPUS_PRESENT ? describe(name, body) : undefined);
if (!CORPUS_PRESENT) {
  const reason =
    'external corpus: skipped — ../shared/corpus is not beside the repository (present only in CI)';
  // The default reporter counts skips without titles: the reason is printed as well.
  console.info(`${import.meta.url.split('/').pop()}: ${reason}`);
  it.skip(reason, () => {});
}

type Spec = EditSpec<'kustomize'> | EditSpec<'helm'> | EditSpec<'kubernetes'> | EditSpec<'yaml'>;

interface Change {
  doc?: number;
  path: (string | number)[];
  value: string;
}

interface Golden {
  file: string;
  spec: Spec;
  image: DesiredImage;
  changes: Change[];
}

const D1 = 'sha256:1111111111111111111111111111111111111111111111111111111111111111';
const D2 = 'sha256:2222222222222222222222222222222222222222222222222222222222222222';
const ECR = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';

const k8s = (container: string, resource?: { kind?: string; name?: string }): Spec =>
  kubernetesSpec(container, resource ? { resource } : {});
const yp = (path: string, value: 'reference' | 'tag' = 'reference', document?: number): Spec =>
  yamlSpec(path, document === undefined ? { value } : { value, document });
const img = (tag: string, digest?: string, name = `${ECR}/app`): DesiredImage =>
  digest ? { name, tag, digest } : { name, tag };

const ARGO = 'argoproj__argo-cd/';
const MSD = 'GoogleCloudPlatform__microservices-demo/';
const KFLOW = 'kubeflow__manifests/applications/';
const TRANSFORM = 'kubernetes-sigs__kustomize/examples/transformerconfigs/images/';
const IU = 'argoproj-labs__argocd-image-updater/test/';
const NGINX = 'kubernetes__ingress-nginx/';
const OTEL = 'open-telemetry__opentelemetry-helm-charts/charts/opentelemetry-demo/values.yaml';
const HASS = 'onedr0p__home-ops/kubernetes/apps/default/home-assistant/app/helmrelease.yaml';
const HASS_IMAGE = 'spec.values.controllers.home-assistant.containers.app.image';
const HASS_PATH = ['spec', 'values', 'controllers', 'home-assistant', 'containers', 'app', 'image'];
const RELEASE = `${MSD}release/kubernetes-manifests.yaml`;
const DEPLOY = `${NGINX}deploy/static/provider/cloud/deploy.yaml`;
const CONTAINER0 = ['spec', 'template', 'spec', 'containers', 0, 'image'];

const GOLDEN: Golden[] = [
  // kustomize
  {
    file: `${ARGO}manifests/base/kustomization.yaml`,
    spec: kustomizeSpec('quay.io/argoproj/argocd'),
    image: img('v2.14.0'),
    changes: [{ path: ['images', 0, 'newTag'], value: 'v2.14.0' }],
  },
  {
    file: `${ARGO}manifests/base/redis/kustomization.yaml`,
    spec: kustomizeSpec('redis'),
    image: img('7.2.7-alpine'),
    changes: [{ path: ['images', 0, 'newTag'], value: '7.2.7-alpine' }],
  },
  {
    file: `${ARGO}reposerver/repository/testdata/app-parameters/multi/kustomization.yaml`,
    spec: kustomizeSpec('quay.io/argoprojlabs/argocd-e2e-container'),
    image: img('0.2'),
    changes: [{ path: ['images', 0, 'newTag'], value: '0.2' }],
  },
  {
    file: `${ARGO}test/remote/manifests/kustomization.yaml`,
    spec: kustomizeSpec('argocd-e2e-cluster'),
    image: img('v3.0.0'),
    changes: [{ path: ['images', 0, 'newTag'], value: 'v3.0.0' }],
  },
  {
    file: `${ARGO}util/kustomize/testdata/kustomization_yaml_components_monorepo/envs/inseng-pdx-egert-sandbox/namespaces/inst-system/apps/hello-world/kustomization.yaml`,
    spec: kustomizeSpec('hello-world'),
    image: img('1.18.0'),
    changes: [{ path: ['images', 0, 'newTag'], value: '1.18.0' }],
  },
  {
    file: `${MSD}kustomize/components/container-images-registry/kustomization.yaml`,
    spec: kustomizeSpec('us-central1-docker.pkg.dev/online-boutique-ci/microservices-demo/frontend', true),
    image: img('v0.10.7', undefined, `${ECR}/frontend`),
    changes: [
      { path: ['images', 5, 'newName'], value: `${ECR}/frontend` },
      { path: ['images', 5, 'newTag'], value: 'v0.10.7' },
    ],
  },
  {
    file: `${MSD}kustomize/components/container-images-tag/kustomization.yaml`,
    spec: kustomizeSpec('us-central1-docker.pkg.dev/online-boutique-ci/microservices-demo/cartservice'),
    image: img('v0.10.7'),
    changes: [{ path: ['images', 1, 'newTag'], value: 'v0.10.7' }],
  },
  {
    file: `${TRANSFORM}kustomization.yaml`,
    spec: kustomizeSpec('docker'),
    image: img('27.1', D1),
    changes: [
      { path: ['images', 3, 'digest'], value: D1 },
      { path: ['images', 3, 'newTag'], value: '27.1' },
    ],
  },
  {
    file: `${TRANSFORM}kustomization.yaml`,
    spec: kustomizeSpec('my-app'),
    image: img('MYNEWTAG-2'),
    changes: [{ path: ['images', 1, 'newTag'], value: 'MYNEWTAG-2' }],
  },
  {
    file: `${KFLOW}katib/upstream/installs/katib-openshift/kustomization.yaml`,
    spec: kustomizeSpec('ghcr.io/kubeflow/katib/katib-ui'),
    image: img('v0.20.0'),
    changes: [{ path: ['images', 2, 'newTag'], value: 'v0.20.0' }],
  },
  {
    file: `${KFLOW}model-registry/upstream/overlays/db/kustomization.yaml`,
    spec: kustomizeSpec('mysql'),
    image: img('8.4'),
    changes: [{ path: ['images', 0, 'newTag'], value: '8.4' }],
  },
  {
    file: `${KFLOW}pipeline/upstream/env/dev/kustomization.yaml`,
    spec: kustomizeSpec('ghcr.io/kubeflow/kfp-frontend'),
    image: img('2.5.0'),
    changes: [{ path: ['images', 1, 'newTag'], value: '2.5.0' }],
  },
  // helm
  {
    file: 'stefanprodan__podinfo/charts/podinfo/values.yaml',
    spec: helmSpec('image'),
    image: img('6.15.0'),
    changes: [{ path: ['image', 'tag'], value: '6.15.0' }],
  },
  {
    file: 'stefanprodan__podinfo/charts/podinfo/values.yaml',
    spec: helmSpec('redis', { setName: true }),
    image: img('8.8.1', undefined, 'public.ecr.aws/docker/library/redis'),
    changes: [
      { path: ['redis', 'repository'], value: 'public.ecr.aws/docker/library/redis' },
      { path: ['redis', 'tag'], value: '8.8.1' },
    ],
  },
  {
    file: 'stefanprodan__podinfo/charts/podinfo/values-prod.yaml',
    spec: helmSpec('image'),
    image: img('6.15.0'),
    changes: [{ path: ['image', 'tag'], value: '6.15.0' }],
  },
  {
    file: `${MSD}helm-chart/values.yaml`,
    spec: helmSpec('images'),
    image: img('v0.10.7'),
    changes: [{ path: ['images', 'tag'], value: 'v0.10.7' }],
  },
  {
    file: `${IU}e2e/testdata/008-simple-helm-app/values.yaml`,
    spec: helmSpec('image'),
    image: img('1.0.1'),
    changes: [{ path: ['image', 'tag'], value: '1.0.1' }],
  },
  {
    file: `${IU}ginkgo/prereqs/containers/git/testdata/1-003-multi-source-helm-kustomize-test/helm-overrides.yaml`,
    spec: helmSpec('image', { repositoryKey: 'name', setName: true }),
    image: img('1.1.0', undefined, 'quay.io/dkarpele/my-guestbook-v2'),
    changes: [
      { path: ['image', 'name'], value: 'quay.io/dkarpele/my-guestbook-v2' },
      { path: ['image', 'tag'], value: '1.1.0' },
    ],
  },
  {
    file: `${IU}ginkgo/prereqs/containers/git/testdata/1-008-helmvalues-non-live-images/helm/values.yaml`,
    spec: helmSpec('session.image'),
    image: img('1.0.1'),
    changes: [{ path: ['session', 'image', 'tag'], value: '1.0.1' }],
  },
  {
    file: `${ARGO}reposerver/repository/testdata/app-parameters/single-global-helm/values.yaml`,
    spec: helmSpec('image'),
    image: img('0.2'),
    changes: [{ path: ['image', 'tag'], value: '0.2' }],
  },
  {
    file: `${ARGO}hack/gen-resources/examples/values.yaml`,
    spec: helmSpec('vcluster.image'),
    image: img('v1.24.0-k3s1'),
    changes: [{ path: ['vcluster', 'image'], value: 'rancher/k3s:v1.24.0-k3s1' }],
  },
  {
    file: 'bitnami__charts/bitnami/nginx/values.yaml',
    spec: helmSpec('image'),
    image: img('1.29.2-debian-12-r0', D1),
    changes: [
      { path: ['image', 'tag'], value: '1.29.2-debian-12-r0' },
      { path: ['image', 'digest'], value: D1 },
    ],
  },
  {
    file: 'bitnami__charts/bitnami/nginx/values.yaml',
    spec: helmSpec('cloneStaticSiteFromGit.image'),
    image: img('2.51.1-debian-12-r0'),
    changes: [{ path: ['cloneStaticSiteFromGit', 'image', 'tag'], value: '2.51.1-debian-12-r0' }],
  },
  {
    file: 'bitnami__charts/bitnami/redis/values.yaml',
    spec: helmSpec('sentinel.image'),
    image: img('8.2.2-debian-12-r0'),
    changes: [{ path: ['sentinel', 'image', 'tag'], value: '8.2.2-debian-12-r0' }],
  },
  {
    file: 'bitnami__charts/bitnami/redis/values.yaml',
    spec: helmSpec('volumePermissions.image'),
    image: img('12-debian-12-r52'),
    changes: [{ path: ['volumePermissions', 'image', 'tag'], value: '12-debian-12-r52' }],
  },
  {
    file: `${NGINX}charts/ingress-nginx/values.yaml`,
    spec: helmSpec('controller.image', { repositoryKey: 'image' }),
    image: img('v1.16.0', D1),
    changes: [
      { path: ['controller', 'image', 'tag'], value: 'v1.16.0' },
      { path: ['controller', 'image', 'digest'], value: D1 },
    ],
  },
  {
    file: `${NGINX}charts/ingress-nginx/values.yaml`,
    spec: helmSpec('controller.admissionWebhooks.patch.image', { repositoryKey: 'image' }),
    image: img('v1.7.0', D2),
    changes: [
      { path: ['controller', 'admissionWebhooks', 'patch', 'image', 'tag'], value: 'v1.7.0' },
      { path: ['controller', 'admissionWebhooks', 'patch', 'image', 'digest'], value: D2 },
    ],
  },
  {
    file: `${NGINX}charts/ingress-nginx/values.yaml`,
    spec: helmSpec('defaultBackend.image', { repositoryKey: 'image' }),
    image: img('1.6'),
    changes: [{ path: ['defaultBackend', 'image', 'tag'], value: '1.6' }],
  },
  {
    file: OTEL,
    spec: helmSpec('components.flagd.imageOverride'),
    image: img('v0.16.1'),
    changes: [{ path: ['components', 'flagd', 'imageOverride', 'tag'], value: 'v0.16.1' }],
  },
  {
    file: OTEL,
    spec: helmSpec('components.astronomy-db.imageOverride'),
    image: img('18.5'),
    changes: [{ path: ['components', 'astronomy-db', 'imageOverride', 'tag'], value: '18.5' }],
  },
  {
    file: OTEL,
    spec: helmSpec('default.image'),
    image: img('2.1.0'),
    changes: [{ path: ['default', 'image', 'tag'], value: '2.1.0' }],
  },
  {
    file: OTEL,
    spec: helmSpec('components.cart.initContainers[0].image'),
    image: img('1.37'),
    changes: [{ path: ['components', 'cart', 'initContainers', 0, 'image'], value: 'busybox:1.37' }],
  },
  {
    file: 'fluxcd__flux2-kustomize-helm-example/apps/base/podinfo/release.yaml',
    spec: helmSpec('spec.values.redis'),
    image: img('8.6.3'),
    changes: [{ path: ['spec', 'values', 'redis', 'tag'], value: '8.6.3' }],
  },
  {
    file: HASS,
    spec: helmSpec(HASS_IMAGE),
    image: img('2026.9.0', D1),
    changes: [{ path: [...HASS_PATH, 'tag'], value: `2026.9.0@${D1}` }],
  },
  // kubernetes
  {
    file: `${IU}e2e/testdata/004-multi-images/deployment.yaml`,
    spec: k8s('test2'),
    image: img('1.1.0'),
    changes: [
      {
        path: ['spec', 'template', 'spec', 'containers', 1, 'image'],
        value: '10.42.0.1:30000/other-image:1.1.0',
      },
    ],
  },
  {
    file: RELEASE,
    spec: k8s('server', { name: 'frontend' }),
    image: img('v0.10.7'),
    changes: [
      {
        doc: 0,
        path: CONTAINER0,
        value: 'us-central1-docker.pkg.dev/online-boutique-ci/microservices-demo/frontend:v0.10.7',
      },
    ],
  },
  {
    file: RELEASE,
    spec: k8s('frontend-check'),
    image: img('1.39.0'),
    changes: [
      { doc: 15, path: ['spec', 'template', 'spec', 'initContainers', 0, 'image'], value: 'busybox:1.39.0' },
    ],
  },
  {
    file: RELEASE,
    spec: k8s('redis'),
    image: img('7.4-alpine'),
    changes: [{ doc: 13, path: CONTAINER0, value: 'redis:7.4-alpine' }],
  },
  {
    file: DEPLOY,
    spec: k8s('controller'),
    image: img('v1.16.0', D1),
    changes: [{ doc: 14, path: CONTAINER0, value: `registry.k8s.io/ingress-nginx/controller:v1.16.0@${D1}` }],
  },
  {
    file: DEPLOY,
    spec: k8s('create', { kind: 'Job' }),
    image: img('v1.7.0', D2),
    changes: [
      { doc: 15, path: CONTAINER0, value: `registry.k8s.io/ingress-nginx/kube-webhook-certgen:v1.7.0@${D2}` },
    ],
  },
  {
    file: 'kubernetes-sigs__kustomize/cmd/config/internal/commands/test/testdata/dataset-with-setters/mysql/deployment.yaml',
    spec: k8s('mysql'),
    image: img('1.8.0'),
    changes: [{ path: CONTAINER0, value: 'mysql:1.8.0' }],
  },
  {
    file: `${TRANSFORM}resources.yaml`,
    spec: k8s('ecosystem'),
    image: img('24.0'),
    changes: [{ doc: 0, path: ['spec', 'containers', 0, 'image'], value: 'docker:24.0' }],
  },
  {
    file: `${TRANSFORM}resources.yaml`,
    spec: k8s('init-alpine'),
    image: img('1.9.0'),
    changes: [
      { doc: 1, path: ['spec', 'template', 'spec', 'initContainers', 1, 'image'], value: 'alpine:1.9.0' },
    ],
  },
  {
    file: 'stefanprodan__podinfo/kustomize/deployment.yaml',
    spec: k8s('podinfod'),
    image: img('6.15.0'),
    changes: [{ path: CONTAINER0, value: 'ghcr.io/stefanprodan/podinfo:6.15.0' }],
  },
  {
    file: 'stefanprodan__podinfo/deploy/bases/database/statefulset-primary.yaml',
    spec: k8s('database'),
    image: img('6.15.0'),
    changes: [{ path: CONTAINER0, value: 'ghcr.io/stefanprodan/podinfo:6.15.0' }],
  },
  {
    file: 'stefanprodan__podinfo/deploy/bases/frontend/cronjob-warm-cache.yaml',
    spec: k8s('warm-cache-init'),
    image: img('6.15.0'),
    changes: [
      {
        path: ['spec', 'jobTemplate', 'spec', 'template', 'spec', 'initContainers', 0, 'image'],
        value: 'ghcr.io/stefanprodan/podinfo:6.15.0',
      },
    ],
  },
  {
    file: 'stefanprodan__podinfo/deploy/bases/frontend/cronjob-warm-cache.yaml',
    spec: k8s('warm-cache'),
    image: img('6.15.0'),
    changes: [
      {
        path: ['spec', 'jobTemplate', 'spec', 'template', 'spec', 'containers', 0, 'image'],
        value: 'ghcr.io/stefanprodan/podinfo:6.15.0',
      },
    ],
  },
  {
    file: 'stefanprodan__podinfo/deploy/bases/cache/deployment.yaml',
    spec: k8s('redis'),
    image: img('8.8.1'),
    changes: [{ path: CONTAINER0, value: 'docker.io/redis:8.8.1' }],
  },
  {
    file: `${ARGO}resource_customizations/apps.openshift.io/DeploymentConfig/testdata/healthy.yaml`,
    spec: k8s('httpd'),
    image: img('2.4'),
    changes: [
      { path: CONTAINER0, value: 'image-registry.openshift-image-registry.svc:5000/openshift/httpd:2.4' },
    ],
  },
  // yaml paths
  {
    file: `${ARGO}resource_customizations/monitoring.coreos.com/Prometheus/testdata/healthy.yaml`,
    spec: yp('spec.image'),
    image: img('v2.38.0'),
    changes: [{ path: ['spec', 'image'], value: 'quay.io/prometheus/prometheus:v2.38.0' }],
  },
  {
    file: `${ARGO}resource_customizations/minio.min.io/Tenant/testdata/incorrect_tenant_credentials.yaml`,
    spec: yp('spec.image'),
    image: img('RELEASE.2025-01-20T14-49-07Z'),
    changes: [{ path: ['spec', 'image'], value: 'minio/minio:RELEASE.2025-01-20T14-49-07Z' }],
  },
  {
    file: `${ARGO}reposerver/repository/testdata/app-parameters/multi/.argocd-source.yaml`,
    spec: yp('kustomize.images[0]'),
    image: img('0.3'),
    changes: [{ path: ['kustomize', 'images', 0], value: 'quay.io/argoprojlabs/argocd-e2e-container:0.3' }],
  },
  {
    file: `${ARGO}reposerver/repository/testdata/app-parameters/single-global-helm/.argocd-source.yaml`,
    spec: yp('helm.parameters[name=image.tag].value', 'tag'),
    image: img('0.3'),
    changes: [{ path: ['helm', 'parameters', 0, 'value'], value: '0.3' }],
  },
  {
    file: `${TRANSFORM}resources.yaml`,
    spec: yp('spec.runLatest.container.image'),
    image: img('v2'),
    changes: [{ doc: 0, path: ['spec', 'runLatest', 'container', 'image'], value: 'crd-image:v2' }],
  },
  {
    file: RELEASE,
    spec: yp('spec.template.spec.containers[name=server].image', 'reference', 4),
    image: img('v0.10.7'),
    changes: [
      {
        doc: 4,
        path: CONTAINER0,
        value: 'us-central1-docker.pkg.dev/online-boutique-ci/microservices-demo/adservice:v0.10.7',
      },
    ],
  },
  {
    file: DEPLOY,
    spec: yp('spec.template.spec.containers[name=controller].image'),
    image: img('v1.16.0'),
    changes: [{ doc: 14, path: CONTAINER0, value: 'registry.k8s.io/ingress-nginx/controller:v1.16.0' }],
  },
  {
    file: `${ARGO}resource_customizations/apps.openshift.io/DeploymentConfig/testdata/healthy.yaml`,
    spec: yp('spec.template.spec.containers[0].image'),
    image: img('2.4.62'),
    changes: [
      { path: CONTAINER0, value: 'image-registry.openshift-image-registry.svc:5000/openshift/httpd:2.4.62' },
    ],
  },
  {
    file: HASS,
    spec: yp(`${HASS_IMAGE}.tag`, 'tag'),
    image: img('2026.9.1', D2),
    changes: [{ path: [...HASS_PATH, 'tag'], value: `2026.9.1@${D2}` }],
  },
];

interface Failing {
  title: string;
  file: string;
  spec: Spec;
  image?: DesiredImage;
  error: RegExp;
  /** The error comes from writing only; reading the target succeeds. */
  writeOnly?: boolean;
}

const FAILING: Failing[] = [
  {
    title: 'a container name shared by ten Deployments, without resource narrowing',
    file: RELEASE,
    spec: k8s('server'),
    error:
      /ambiguous: 10 containers are named `server`: document 0 Deployment\/frontend at spec\.template\.spec\.containers\[name=server\]; document 4 Deployment\/adservice .*narrow the target with resource/,
  },
  {
    title: 'a path present in the Deployment and both Jobs of deploy.yaml, without a document',
    file: DEPLOY,
    spec: yp('spec.template.spec.containers[0].image'),
    error:
      /ambiguous: 3 documents have this path: document 14 \(Deployment\/ingress-nginx-controller\), document 15 \(Job\/ingress-nginx-admission-create\), document 16 \(Job\/ingress-nginx-admission-patch\)/,
  },
  {
    title: 'a resource narrowing that excludes the only resource with the container',
    file: DEPLOY,
    spec: k8s('create', { kind: 'Deployment' }),
    error: /container `create` exists only in document 15 Job\/ingress-nginx-admission-create/,
  },
  {
    title: 'a container name that does not exist, listing the names found',
    file: DEPLOY,
    spec: k8s('nginx'),
    error:
      /no container named `nginx`; containers found: controller \(document 14 Deployment\/ingress-nginx-controller\), create \(document 15 Job\/ingress-nginx-admission-create\), patch \(document 16 Job\/ingress-nginx-admission-patch\)/,
  },
  {
    title: 'an image block that exists only in comments (extraModules)',
    file: `${NGINX}charts/ingress-nginx/values.yaml`,
    spec: helmSpec('controller.extraModules[0].image', { repositoryKey: 'image' }),
    error: /not found: `controller\.extraModules` has 0 entries, so no index 0/,
  },
  {
    title: 'a digest field without digest pinning',
    file: `${NGINX}charts/ingress-nginx/values.yaml`,
    spec: helmSpec('controller.image', { repositoryKey: 'image' }),
    error: /`controller\.image\.digest` pins digest sha256:594ceea7.*set `digest: pin`/,
    writeOnly: true,
  },
  {
    title: 'an image mapping without a tag key',
    file: OTEL,
    spec: helmSpec('opentelemetry-collector.image'),
    error: /`opentelemetry-collector\.image` has no `tag` key \(keys: repository\)/,
  },
  {
    title: 'a value-less key where an image is expected',
    file: 'stefanprodan__podinfo/charts/podinfo/values.yaml',
    spec: helmSpec('backend'),
    error: /`backend` holds no image name to keep; enable setName/,
    writeOnly: true,
  },
  {
    title: 'a kustomize digest without digest pinning',
    file: `${TRANSFORM}kustomization.yaml`,
    spec: kustomizeSpec('docker'),
    error: /images\[name=docker\]: the entry pins digest sha256:25a0d4 .*set `digest: pin`/,
    writeOnly: true,
  },
  {
    title: 'an image name with its tag, which is not how kustomize entries are named',
    file: `${ARGO}manifests/base/kustomization.yaml`,
    spec: kustomizeSpec('quay.io/argoproj/argocd:latest'),
    error:
      /no `images` entry has name `quay\.io\/argoproj\/argocd:latest` \(names found: quay\.io\/argoproj\/argocd\)/,
  },
  {
    title: 'an alias where the value is expected, naming the anchor',
    file: HASS,
    spec: yp('spec.values.service.app.ports.http.port', 'tag'),
    error:
      /is an alias \(\*port\) of another value; edit the value anchored as &port at line 40, column 33 instead/,
  },
  {
    title: 'an anchored value reused elsewhere',
    file: HASS,
    spec: yp(
      'spec.values.controllers.home-assistant.containers.app.probes.readiness.spec.httpGet.port',
      'tag',
    ),
    error: /is anchored as &port, which \*port reuses elsewhere/,
    writeOnly: true,
  },
  {
    title: 'Helm values given as a kustomize target',
    file: 'stefanprodan__podinfo/charts/podinfo/values.yaml',
    spec: kustomizeSpec('ghcr.io/stefanprodan/podinfo'),
    error: /the file has no `images:` list/,
  },
];

interface Editor {
  read(text: string, file: string): CurrentImage;
  write(text: string, image: DesiredImage, file: string): EditOutcome;
}

function editorFor(spec: Spec): Editor {
  switch (spec.kind) {
    case 'kustomize':
      return {
        read: (t, f) => kustomizeEditor.read(t, spec, f),
        write: (t, i, f) => kustomizeEditor.write(t, spec, i, f),
      };
    case 'helm':
      return {
        read: (t, f) => helmEditor.read(t, spec, f),
        write: (t, i, f) => helmEditor.write(t, spec, i, f),
      };
    case 'kubernetes':
      return {
        read: (t, f) => kubernetesEditor.read(t, spec, f),
        write: (t, i, f) => kubernetesEditor.write(t, spec, i, f),
      };
    case 'yaml':
      return {
        read: (t, f) => yamlPathEditor.read(t, spec, f),
        write: (t, i, f) => yamlPathEditor.write(t, spec, i, f),
      };
  }
}

function corpus(file: string): string {
  return readFileSync(join(CORPUS, file), 'utf8');
}

function parsedDocuments(text: string): unknown[] {
  return Array.from(parseAllDocuments(text)).map((doc) => doc.toJS());
}

function patched(docs: unknown[], changes: Change[]): unknown[] {
  for (const change of changes) {
    let node = docs[change.doc ?? 0] as Record<string | number, unknown>;
    for (const key of change.path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
    node[change.path.at(-1)!] = change.value;
  }
  return docs;
}

function lineOf(text: string, offset: number): number {
  let line = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) line += 1;
  return line;
}

/** Source ranges in the input of the values that change (absent ones are insertions). */
function targetRanges(text: string, changes: Change[]): [number, number][] {
  const docs = Array.from(parseAllDocuments(text));
  const ranges: [number, number][] = [];
  for (const change of changes) {
    const node: unknown = docs[change.doc ?? 0]?.getIn(change.path, true);
    if (isNode(node) && (node as Node).range) {
      const [start, end] = (node as Node).range!;
      ranges.push([start, end]);
    }
  }
  return ranges;
}

function label(c: Golden): string {
  const what =
    c.spec.kind === 'kustomize'
      ? c.spec.image
      : c.spec.kind === 'kubernetes'
        ? `container ${c.spec.container}`
        : c.spec.path;
  return `${c.spec.kind} ${what} in ${c.file} → ${formatTagAndDigest(c.image.tag, c.image.digest)}`;
}

corpusSuite('corpus golden edits', () => {
  it.each(GOLDEN.map((c) => [label(c), c] as const))('%s', (_, c) => {
    const input = corpus(c.file);
    const editor = editorFor(c.spec);
    const before = editor.read(input, c.file);
    const out = editor.write(input, c.image, c.file);
    expect(out.text).not.toBe(input);
    expect(out.from).toBe(formatTagAndDigest(before.tag, before.digest));
    expect(out.to).toBe(formatTagAndDigest(c.image.tag, c.image.digest));
    expect(out.location).toBe(before.location);

    // (1) Only the target values' bytes change.
    const ranges = targetRanges(input, c.changes);
    const inserts = c.changes.length - ranges.length;
    const targetLines = new Set<number>();
    for (const [start, end] of ranges) {
      for (let line = lineOf(input, start); line <= lineOf(input, end - 1); line++) targetLines.add(line);
    }
    let prefix = 0;
    while (prefix < input.length && input[prefix] === out.text[prefix]) prefix++;
    let suffix = 0;
    const room = Math.min(input.length, out.text.length) - prefix;
    while (suffix < room && input[input.length - 1 - suffix] === out.text[out.text.length - 1 - suffix])
      suffix++;
    if (inserts === 0) {
      expect(prefix).toBeGreaterThanOrEqual(Math.min(...ranges.map(([s]) => s)));
      expect(input.length - suffix).toBeLessThanOrEqual(Math.max(...ranges.map(([, e]) => e)));
    }
    let line = 0;
    let removed = 0;
    const added: string[] = [];
    for (const part of diffLines(input, out.text)) {
      const count = part.count ?? 0;
      if (part.removed) {
        for (let i = line; i < line + count; i++)
          expect(targetLines.has(i), `line ${i + 1} changed`).toBe(true);
        removed += count;
      }
      if (part.added) added.push(...part.value.split(/(?<=\n)/));
      if (!part.added) line += count;
    }
    expect(removed).toBeLessThanOrEqual(ranges.length);
    expect(added).toHaveLength(removed + inserts);
    const crlf = input.includes('\r\n');
    for (const text of added) {
      expect(c.changes.some((change) => text.includes(change.value))).toBe(true);
      if (text.endsWith('\n')) expect(text.endsWith('\r\n')).toBe(crlf);
    }

    // (2) Reading the output gives the new image.
    const after = editor.read(out.text, c.file);
    expect(after.tag).toBe(c.image.tag);
    expect(after.digest).toBe(c.image.digest);
    if (c.spec.setName) expect(after.name).toBe(c.image.name);

    // (3) Writing the same image again changes nothing.
    expect(editor.write(out.text, c.image, c.file).text).toBe(out.text);

    // (4) Every other value parses as before.
    expect(parsedDocuments(out.text)).toStrictEqual(patched(parsedDocuments(input), c.changes));
  });
});

corpusSuite('corpus errors', () => {
  it.each(FAILING.map((c) => [c.title, c] as const))('throws on %s', (_, c) => {
    const editor = editorFor(c.spec);
    const input = corpus(c.file);
    const runs: (() => unknown)[] = [() => editor.write(input, c.image ?? img('9.9.9'), c.file)];
    // Digest and name rules apply to writing; reading such a target works.
    if (c.writeOnly) expect(editor.read(input, c.file).location).not.toBe('');
    else runs.push(() => editor.read(input, c.file));
    for (const run of runs) {
      let thrown: unknown;
      try {
        run();
      } catch (e) {
        thrown = e;
      }
      expect(thrown).toBeInstanceOf(ManifestError);
      expect((thrown as ManifestError).file).toBe(c.file);
      expect((thrown as ManifestError).message).toMatch(c.error);
    }
  });
});

corpusSuite('corpus coverage', () => {
  it('uses every YAML file of the corpus outside the Flux fixture pairs', () => {
    const files = readdirSync(CORPUS, { recursive: true, encoding: 'utf8' })
      .map((f) => relative(CORPUS, join(CORPUS, f)).split('\\').join('/'))
      .filter(
        (f) =>
          /\.ya?ml$/.test(f) &&
          !f.startsWith('_licenses/') &&
          !f.startsWith('fluxcd__image-automation-controller/'),
      );
    const used = new Set([...GOLDEN.map((c) => c.file), ...FAILING.map((c) => c.file)]);
    expect(files.filter((f) => !used.has(f))).toEqual([]);
  });
});
