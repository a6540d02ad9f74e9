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
  { provider: 'local'; path: string } | { provider: 'codecommit'; name: string; region?: string };

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
