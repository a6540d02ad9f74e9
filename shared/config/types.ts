import type { FlowRules } from '#domain/flow-rules.ts';
import type { TagPolicy } from '#domain/tag-policy.ts';
import type { DigestMode, Target } from '#domain/targets.ts';

export type { TagOrdering, TagPolicy } from '#domain/tag-policy.ts';

/**
 * The validated configuration, defaults applied. `schema.ts` turns user YAML/JSON into exactly
 * this shape; everything downstream relies on it and never re-validates.
 */
export interface Config {
  repositories: Record<string, RepositoryConfig>;
  commit: CommitSettings;
  images: ImageRule[];
  /** Branch-flow rules by repository key (a key of `repositories`); empty when none is configured. */
  flow: Record<string, FlowSettings>;
  /** GitLab → CodeCommit push mirrors Flowkeeper keeps true; empty when none. */
  mirrors: MirrorConfig[];
  /** Source accounts by 12-digit id: the role their ECR registries are read through; absent when none. */
  accounts?: Record<string, SourceAccount>;
}

/**
 * A resource in another AWS account, reached through a role Flowkeeper assumes (the stack's
 * AssumableRoleArns must list it). Without `roleArn`, Flowkeeper's own credentials.
 */
export interface AwsAccess {
  /** AWS region of the resource; the function's own region when absent. */
  region?: string;
  roleArn?: string;
  /** `sts:ExternalId` the role's trust policy requires. */
  externalId?: string;
}

/** An account whose image events reach Flowkeeper: the role that reads its ECR registry. */
export interface SourceAccount {
  ecrReadRoleArn: string;
  externalId?: string;
}

/** The branch flow of one repository: the pure rules plus what Flowkeeper does around pull requests. */
export interface FlowSettings extends FlowRules {
  /** A CodeBuild project that validates every allowed pull request revision, and what its result does. */
  validation?: ValidationSettings;
}

export interface ValidationSettings {
  /** CodeBuild project started on the source commit of each allowed pull request revision. */
  project: string;
  /** Approve the built revision when the build succeeds (revoke when it fails). */
  approve: boolean;
}

export type RepositoryConfig =
  /** A git repository on disk (bare or not); `path` is absolute once loaded. */
  | { provider: 'local'; path: string }
  | ({ provider: 'codecommit'; name: string } & AwsAccess)
  | GitLabRepositoryConfig;

/** A GitLab project through REST API v4, on gitlab.com or a self-managed instance. */
export interface GitLabRepositoryConfig {
  provider: 'gitlab';
  /** Base URL of the instance, e.g. `https://gitlab.com` (the API is `<url>/api/v4`). */
  url: string;
  /** Project path (`platform/app-manifests`) or numeric id. */
  project: string;
  /** Where the access token (scope `api`) is read from; it is never logged. */
  token: TokenSource;
}

export type TokenSource =
  /** An SSM parameter, usually a SecureString. */
  | { ssm: string }
  /** A Secrets Manager secret (name or ARN) holding the token as its string value. */
  | { secretsManager: string };

/** A GitLab project push-mirrored into a CodeCommit repository. */
export interface MirrorConfig {
  /** Key of the GitLab repository (the primary). */
  gitlab: string;
  /** Key of the CodeCommit repository (the mirror). */
  codecommit: string;
  /** Branches (globs) kept in sync and checked for drift. */
  branches: string[];
  /** The GitLab remote mirror id; found by its URL naming the CodeCommit repository when absent. */
  mirrorId?: number;
  /** Replay commits made only on CodeCommit onto GitLab before the next mirror push erases them. */
  adopt: boolean;
  /** Drift older than this many minutes is alerted by the scheduled check. */
  driftAlertMinutes: number;
}

export interface CommitSettings {
  author: { name: string; email: string };
  /** Compare-and-swap attempts per branch before giving up (transient error). */
  maxAttempts: number;
}

export interface ImageRule {
  /** ECR repository name as it appears in `detail.repository-name` (may contain `/`). */
  ecr: string;
  /** Image name to write when a target has `setName`; default `<account>.dkr.ecr.<region>.amazonaws.com/<ecr>`. */
  uri?: string;
  tags: TagPolicy;
  digest: DigestMode;
  update: Target[];
}
