import type { FlowRules } from '#domain/flow-rules.ts';
import type { TagPolicy } from '#domain/tag-policy.ts';
import type { DigestMode, EditSpec, Target } from '#domain/targets.ts';

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
  /** Chat channels told about bumps, violations, builds and drift; absent when none. */
  notifications?: NotificationsConfig;
  /** Preview environments; empty when none. */
  previews?: PreviewSetConfig[];
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

/** One set of preview environments: where they go, what opens them, what updates them. */
export interface PreviewSetConfig {
  name: string;
  /** Key of the manifests repository holding the previews. */
  repository: string;
  branch: string;
  /** Template directory (no trailing slash once read). */
  template: string;
  /** Preview directory pattern ending in `/{slug}`. */
  path: string;
  slugPrefix: string;
  source: {
    /** Key of the application repository (CodeCommit or GitLab). */
    repository: string;
    branches: string[];
    destination?: string;
    /** Open on branch creation and close on deletion too (CodeCommit reference events). */
    branchCreated: boolean;
  };
  /** URL pattern holding `{slug}`. */
  url: string;
  image?: PreviewImage;
  limits: { maxOpen: number; ttlHours: number };
}

export interface PreviewImage {
  ecr: string;
  /** Tag pattern with one named capture: `slug`, `branch` or `pr`. */
  tag: string;
  uri?: string;
  /** The target inside the preview directory: `file` relative to it. */
  target: PreviewTarget;
}

/** A file target whose `file` is relative to the preview directory (repository and branch are the set's). */
export type PreviewTarget = { [K in EditSpec['kind']]: EditSpec<K> & { file: string } }[EditSpec['kind']];

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

/** What a channel can be told about. */
export type NotificationKind =
  | 'bump-committed'
  | 'bump-rejected'
  | 'flow-violation'
  | 'promotion-opened'
  | 'build-failed'
  | 'build-succeeded'
  | 'mirror-drift'
  | 'preview-opened'
  | 'preview-closed';

/** Chat channels and what each wants to hear about. */
export interface NotificationsConfig {
  channels: Record<string, NotificationChannelConfig>;
}

export type NotificationChannelConfig = AmazonQChannelConfig | SlackWebhookChannelConfig;

interface ChannelInterest {
  /** The kinds of notification the channel receives. */
  events: NotificationKind[];
  /** Only notifications about these repository keys (those naming no repository still pass). */
  repositories?: string[];
  /** Only notifications about these ECR repositories (those naming no image still pass). */
  images?: string[];
}

/** Amazon Q Developer in chat applications, through the SNS topic its channel subscribes to. */
export interface AmazonQChannelConfig extends ChannelInterest {
  kind: 'amazon-q';
  topicArn: string;
}

/** A Slack incoming webhook whose URL is kept in SSM (SecureString) or Secrets Manager. */
export interface SlackWebhookChannelConfig extends ChannelInterest {
  kind: 'slack-webhook';
  webhook: TokenSource;
}
