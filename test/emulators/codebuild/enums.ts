/** The enum values the CodeBuild API model accepts for the members the emulator reads. */
export const SOURCE_TYPES = [
  'BITBUCKET',
  'CODECOMMIT',
  'CODEPIPELINE',
  'GITHUB',
  'GITHUB_ENTERPRISE',
  'GITLAB',
  'GITLAB_SELF_MANAGED',
  'NO_SOURCE',
  'S3',
] as const;

/** Source types that name a repository or bucket, so a location is required. */
export const LOCATED_SOURCE_TYPES: ReadonlySet<string> = new Set(
  SOURCE_TYPES.filter((type) => type !== 'NO_SOURCE' && type !== 'CODEPIPELINE'),
);

export const ARTIFACTS_TYPES = ['CODEPIPELINE', 'NO_ARTIFACTS', 'S3'] as const;

export const ENVIRONMENT_TYPES = [
  'ARM_CONTAINER',
  'ARM_EC2',
  'ARM_LAMBDA_CONTAINER',
  'LINUX_CONTAINER',
  'LINUX_EC2',
  'LINUX_GPU_CONTAINER',
  'LINUX_LAMBDA_CONTAINER',
  'MAC_ARM',
  'WINDOWS_CONTAINER',
  'WINDOWS_EC2',
  'WINDOWS_SERVER_2019_CONTAINER',
  'WINDOWS_SERVER_2022_CONTAINER',
] as const;

export const COMPUTE_TYPES = [
  'ATTRIBUTE_BASED_COMPUTE',
  'BUILD_GENERAL1_2XLARGE',
  'BUILD_GENERAL1_LARGE',
  'BUILD_GENERAL1_MEDIUM',
  'BUILD_GENERAL1_SMALL',
  'BUILD_GENERAL1_XLARGE',
  'BUILD_LAMBDA_10GB',
  'BUILD_LAMBDA_1GB',
  'BUILD_LAMBDA_2GB',
  'BUILD_LAMBDA_4GB',
  'BUILD_LAMBDA_8GB',
  'CUSTOM_INSTANCE_TYPE',
] as const;

export const ENVIRONMENT_VARIABLE_TYPES = ['PLAINTEXT', 'PARAMETER_STORE', 'SECRETS_MANAGER'] as const;

export const IMAGE_PULL_CREDENTIALS_TYPES = ['CODEBUILD', 'SERVICE_ROLE'] as const;

export const SORT_ORDERS = ['ASCENDING', 'DESCENDING'] as const;

/** Build timeout bounds in minutes (CreateProject `timeoutInMinutes`, StartBuild's override). */
export const BUILD_TIMEOUT = { min: 5, max: 2160, default: 60 } as const;
/** Queue timeout bounds in minutes. */
export const QUEUED_TIMEOUT = { min: 5, max: 480, default: 480 } as const;

/** Most ids or names one BatchGetBuilds / BatchGetProjects call takes. */
export const BATCH_LIMIT = 100;
