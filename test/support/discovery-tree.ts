/**
 * A generated manifests repository for discovery: Deployments (init container, container and a
 * CronJob of the image, CRLF for some), kustomizations, Helm values of both shapes, ECS JSON, and
 * decoys (another repository, the same name in another account, opted out, a bare name).
 */
export const TREE_URI = '111122223333.dkr.ecr.eu-west-1.amazonaws.com/my-app';
const OTHER_ACCOUNT = '999988887777.dkr.ecr.eu-west-1.amazonaws.com/my-app';
const OTHER_REPO = '111122223333.dkr.ecr.eu-west-1.amazonaws.com/billing';

export interface DiscoveryTree {
  files: Record<string, string>;
  /** How many references to TREE_URI at 1.4.1 the tree holds (every one must move). */
  references: number;
  /** Files no reference of the image lives in (must stay byte for byte). */
  decoys: string[];
}

function workload(i: number, crlf: boolean): string {
  const text = `# service ${i}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: svc-${i}
spec:
  template:
    spec:
      initContainers:
        - name: migrate
          image: ${TREE_URI}:1.4.1
      containers:
        - name: app
          image: "${TREE_URI}:1.4.1" # pinned by CI
        - name: proxy
          image: ${OTHER_REPO}:3.0.0
---
apiVersion: batch/v1
kind: CronJob
metadata:
  name: svc-${i}-report
spec:
  schedule: "0 * * * *"
  jobTemplate:
    spec:
      template:
        spec:
          containers:
            - name: report
              image: ${TREE_URI}:1.4.1
`;
  return crlf ? text.replaceAll('\n', '\r\n') : text;
}

const kustomization = (i: number) => `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - ../../base
images:
  - name: my-app
    newName: ${TREE_URI}
    newTag: 1.4.1 # team ${i}
  - name: billing
    newName: ${OTHER_REPO}
    newTag: 3.0.0
`;

const helmMap = (i: number) => `replicaCount: ${i % 3}
image:
  repository: ${TREE_URI}
  tag: "1.4.1"
sidecar:
  image: ${OTHER_REPO}:3.0.0
`;

const helmString = () => `worker:
  image: ${TREE_URI}:1.4.1
`;

const taskDefinition = (i: number) => `{
  "family": "svc-${i}",
  "containerDefinitions": [
    { "name": "app", "image": "${TREE_URI}:1.4.1", "essential": true },
    { "name": "log", "image": "${OTHER_REPO}:3.0.0" }
  ]
}
`;

const imageDefinitions = () => `[{"name":"app","imageUri":"${TREE_URI}:1.4.1"}]
`;

const decoy = (i: number) =>
  [
    `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: other-${i}\nspec:\n  template:\n    spec:\n      containers:\n        - name: app\n          image: ${OTHER_ACCOUNT}:1.4.1\n`,
    `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: pinned-${i}\nspec:\n  template:\n    spec:\n      containers:\n        - name: app\n          # flowkeeper: ignore\n          image: ${TREE_URI}:1.0.0\n`,
    `image:\n  repository: my-app\n  tag: "1.4.1"\n`,
    `image:\n  repository: ${OTHER_REPO}\n  tag: "1.4.1"\n`,
  ][i % 4]!;

/** 200 files: 60 workloads, 30 kustomizations, 40 Helm values, 30 ECS JSON, 40 decoys. */
export function discoveryTree(): DiscoveryTree {
  const files: Record<string, string> = {};
  const decoys: string[] = [];
  let references = 0;
  for (let i = 0; i < 60; i++) {
    files[`k8s/apps/svc-${i}/deploy.yaml`] = workload(i, i % 2 === 1);
    references += 3;
  }
  for (let i = 0; i < 30; i++) {
    files[`k8s/overlays/team-${i}/kustomization.yaml`] = kustomization(i);
    references += 1;
  }
  for (let i = 0; i < 40; i++) {
    files[`apps/svc-${i}/values.yaml`] = i % 2 === 0 ? helmMap(i) : helmString();
    references += 1;
  }
  for (let i = 0; i < 30; i++) {
    files[`ecs/svc-${i}/${i % 2 === 0 ? 'taskdef.json' : 'imagedefinitions.json'}`] =
      i % 2 === 0 ? taskDefinition(i) : imageDefinitions();
    references += 1;
  }
  for (let i = 0; i < 40; i++) {
    const path = i % 4 >= 2 ? `apps/decoy-${i}/values.yaml` : `k8s/decoys/decoy-${i}.yaml`;
    files[path] = decoy(i);
    decoys.push(path);
  }
  return { files, references, decoys };
}

/** The globs that cover the tree. */
export const TREE_GLOBS = ['k8s/**/*.yaml', 'apps/*/values.yaml', 'ecs/**/*.json'];
