/**
 * Where an image reference lives in a manifest. One variant per manifest kind; the configuration
 * schema produces exactly these shapes (with defaults applied).
 */
import type { ScanGate } from './scan-gate.ts';

export type DigestMode = 'ignore' | 'pin';

interface TargetBase {
  /** Key into `repositories` of the configuration. */
  repository: string;
  branch: string;
  /** Relative path inside the repository, forward slashes, never `..` or absolute. */
  file: string;
  /** Also write the image name (ECR repository URI) instead of keeping the one in the file. */
  setName: boolean;
  /** Only images whose scan passes; such targets are bumped by scan events, not pushes. */
  scan?: ScanGate;
}

/** kustomization.yaml `images[]` entry whose `name` equals `image`: newTag, newName, digest. */
export interface KustomizeTarget extends TargetBase {
  kind: 'kustomize';
  image: string;
}

/**
 * Helm values: `path` (dotted, e.g. `frontend.image`) names either a mapping holding
 * `tagKey`/`repositoryKey`/`digestKey`, or a scalar `repo:tag` string.
 */
export interface HelmTarget extends TargetBase {
  kind: 'helm';
  path: string;
  tagKey: string;
  repositoryKey: string;
  digestKey: string;
}

/** Kubernetes workloads: containers and initContainers named `container`, across all documents. */
export interface KubernetesTarget extends TargetBase {
  kind: 'kubernetes';
  container: string;
  /** Narrows the match when several resources have a container of that name. */
  resource?: { kind?: string; name?: string };
}

/** A scalar at a YAML path (`spec.image`, `a.b[0].c`): the whole reference, or the tag only. */
export interface YamlPathTarget extends TargetBase {
  kind: 'yaml';
  path: string;
  value: 'reference' | 'tag';
  /** Zero-based document index in a multi-document file. */
  document?: number;
}

/** ECS `imagedefinitions.json`: the entry whose `name` is `container`, field `imageUri`. */
export interface ImageDefinitionsTarget extends TargetBase {
  kind: 'imagedefinitions';
  container: string;
}

/** ECS blue/green `imageDetail.json`: field `ImageURI`. */
export interface ImageDetailTarget extends TargetBase {
  kind: 'imagedetail';
}

/** ECS task definition JSON: `containerDefinitions[]` entry named `container`, field `image`. */
export interface TaskDefinitionTarget extends TargetBase {
  kind: 'taskdefinition';
  container: string;
}

/** Targets that live in a file of a git repository (one editor each). */
export type FileTarget =
  | KustomizeTarget
  | HelmTarget
  | KubernetesTarget
  | YamlPathTarget
  | ImageDefinitionsTarget
  | ImageDetailTarget
  | TaskDefinitionTarget;

/** The manifest kinds, one editor each. */
export type TargetKind = FileTarget['kind'];

/** The per-kind options of a target, without where it lives. */
export type EditSpec<K extends TargetKind = TargetKind> = Omit<
  Extract<FileTarget, { kind: K }>,
  'repository' | 'branch' | 'file'
>;

/**
 * An SSM parameter holding the image reference (or tag) for consumers that read it from Parameter
 * Store (ECS task definitions via CloudFormation, CodePipeline, CDK lookups).
 */
export interface ParameterTarget {
  kind: 'ssm';
  parameter: string;
  value: 'reference' | 'tag';
  setName: boolean;
  scan?: ScanGate;
  /** Region of the parameter; the function's own when absent. */
  region?: string;
  /** Role assumed to read and write the parameter in another account. */
  roleArn?: string;
  externalId?: string;
}

/**
 * Every reference to the pushed image's repository in the files `files` (globs) match on a branch:
 * workload containers, kustomize `images[]` entries, Helm values, image strings and ECS JSON. A
 * reference matches by repository URI (registry host and path); one written without the registry
 * host matches only when `names` lists it.
 */
export interface DiscoverTarget {
  kind: 'discover';
  repository: string;
  branch: string;
  /** Globs of repository paths: `*` within one path segment, `**` across segments. */
  files: string[];
  /** Names written without the registry host (`my-app`) that also mean this repository. */
  names: string[];
  setName: boolean;
  scan?: ScanGate;
}

export type Target = FileTarget | DiscoverTarget | ParameterTarget;

/** A target committed to a branch of a git repository: a file target or a discovery. */
export type BranchTarget = FileTarget | DiscoverTarget;

export const isFileTarget = (target: Target): target is FileTarget =>
  target.kind !== 'ssm' && target.kind !== 'discover';

export const isBranchTarget = (target: Target): target is BranchTarget => target.kind !== 'ssm';
