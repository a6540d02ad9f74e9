import { AssumeRoleCommand, type AssumeRoleCommandOutput, STSClient } from '@aws-sdk/client-sts';
import { PermanentError } from '#domain/errors.ts';

/** A role in another account Flowkeeper works through (a configuration's `roleArn`, `externalId`). */
export interface RoleToAssume {
  roleArn: string;
  /** The external id the role's trust policy requires (`sts:ExternalId`), if any. */
  externalId?: string;
}

/**
 * What the AWS SDK clients accept as `credentials` (called before each request, cached here), with
 * `cacheKey` naming the role so a client cache can keep one client per role.
 */
export type CredentialsProvider = (() => Promise<AssumedCredentials>) & {
  readonly roleArn: string;
  readonly cacheKey: string;
};

export interface AssumedCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
}

/**
 * STS refused to let Flowkeeper assume the role: the role's trust policy does not name the
 * function's role (or asks for another external id), or the function's role may not call
 * `sts:AssumeRole` on it. Permanent: no retry changes a trust policy.
 */
export class RoleAssumptionError extends PermanentError {
  override name = 'RoleAssumptionError';
  readonly roleArn: string;
  readonly account: string;
  constructor(roleArn: string, detail: string, options?: ErrorOptions) {
    const account = accountOfRole(roleArn) ?? 'unknown';
    super(
      `cannot assume role ${roleArn} in account ${account}: ${detail}. The role's trust policy must allow ` +
        `sts:AssumeRole to the Flowkeeper function's role (with the configured sts:ExternalId, if any), ` +
        'and the stack must list the role in its AssumableRoleArns parameter (docs/multi-account.md)',
      options,
    );
    this.roleArn = roleArn;
    this.account = account;
  }
}

const ROLE_ARN = /^arn:aws[a-z-]*:iam::(\d{12}):role\/[\w+=,.@/-]+$/;

/** The account a role ARN lives in, or undefined for anything that is not a role ARN. */
export function accountOfRole(roleArn: string): string | undefined {
  return ROLE_ARN.exec(roleArn)?.[1];
}

/** STS answers naming a refusal: the trust policy, a missing permission, or an external id mismatch. */
const REFUSALS: ReadonlySet<string> = new Set(['AccessDenied', 'AccessDeniedException']);

/** Fetch credentials again this long before they expire, so no request leaves with expiring ones. */
export const REFRESH_BEFORE_EXPIRY_MS = 5 * 60_000;
/** Shortest session STS grants; enough for a Lambda invocation and a few after it. */
const SESSION_SECONDS = 900;
const SESSION_NAME_CHARACTERS = /[^\w+=,.@-]/g;

export interface AssumedRoleOptions {
  /**
   * Who asks: the session is named `flowkeeper-<caller>`, which CloudTrail shows in the target
   * account. Default: the Lambda function's name (`AWS_LAMBDA_FUNCTION_NAME`), else `cli`.
   */
  caller?: string;
  /** An injected STS client (tests); otherwise one shared client from the SDK's chain (`AWS_ENDPOINT_URL_STS`). */
  sts?: Sts;
  /** Clock, for tests of the refresh. */
  now?: () => number;
}

/** The session name CloudTrail shows in the target account: Flowkeeper and the function. */
export function sessionName(caller: string): string {
  return `flowkeeper-${caller}`.replace(SESSION_NAME_CHARACTERS, '-').slice(0, 64);
}

interface CacheEntry {
  credentials?: AssumedCredentials;
  pending?: Promise<AssumedCredentials>;
}

type Sts = Pick<STSClient, 'send'>;

/** Credentials per STS client (the shared one, or one a test injects), then per role and session. */
const caches = new WeakMap<Sts, Map<string, CacheEntry>>();
let sharedSts: STSClient | undefined;

/** One STS client for the container, from the SDK's chain (`AWS_ENDPOINT_URL_STS` redirects it). */
function defaultSts(): STSClient {
  sharedSts ??= new STSClient({});
  return sharedSts;
}

/**
 * A credentials provider for the SDK clients that assumes `role` with STS and keeps the
 * credentials for the container's life until shortly before they expire; concurrent callers share
 * one AssumeRole call. The credentials are never logged or put into an error.
 */
export function assumedRoleCredentials(
  role: RoleToAssume,
  options: AssumedRoleOptions = {},
): CredentialsProvider {
  const session = sessionName(options.caller ?? process.env.AWS_LAMBDA_FUNCTION_NAME ?? 'cli');
  const key = `${role.roleArn}|${role.externalId ?? ''}|${session}`;
  const now = options.now ?? Date.now;
  const provide = async () => {
    const sts = options.sts ?? defaultSts();
    let cache = caches.get(sts);
    if (cache === undefined) {
      cache = new Map();
      caches.set(sts, cache);
    }
    let entry = cache.get(key);
    if (entry === undefined) {
      entry = {};
      cache.set(key, entry);
    }
    const held = entry.credentials;
    if (held !== undefined && held.expiration.getTime() - REFRESH_BEFORE_EXPIRY_MS > now()) return held;
    const current = entry;
    current.pending ??= assume(role, session, sts).then(
      (credentials) => {
        current.credentials = credentials;
        current.pending = undefined;
        return credentials;
      },
      (error: unknown) => {
        current.pending = undefined;
        throw error;
      },
    );
    return current.pending;
  };
  return Object.assign(provide, { roleArn: role.roleArn, cacheKey: key });
}

/**
 * The credentials for a resource configured with `roleArn` (and `externalId`): the assumed role's,
 * or undefined for Flowkeeper's own (no `roleArn`).
 */
export function credentialsOf(access: {
  roleArn?: string | undefined;
  externalId?: string | undefined;
}): CredentialsProvider | undefined {
  if (access.roleArn === undefined) return undefined;
  return assumedRoleCredentials({
    roleArn: access.roleArn,
    ...(access.externalId === undefined ? {} : { externalId: access.externalId }),
  });
}

async function assume(role: RoleToAssume, session: string, client: Sts): Promise<AssumedCredentials> {
  let output: AssumeRoleCommandOutput;
  try {
    output = await client.send(
      new AssumeRoleCommand({
        RoleArn: role.roleArn,
        RoleSessionName: session,
        DurationSeconds: SESSION_SECONDS,
        ...(role.externalId === undefined ? {} : { ExternalId: role.externalId }),
      }),
    );
  } catch (error) {
    if (error instanceof Error && REFUSALS.has(error.name)) {
      throw new RoleAssumptionError(role.roleArn, `STS answered ${error.name}`, { cause: error });
    }
    throw error;
  }
  const credentials = output?.Credentials;
  const { AccessKeyId, SecretAccessKey, SessionToken, Expiration } = credentials ?? {};
  if (!AccessKeyId || !SecretAccessKey || !SessionToken || !Expiration) {
    throw new Error(`STS AssumeRole of ${role.roleArn} answered without complete credentials`);
  }
  return {
    accessKeyId: AccessKeyId,
    secretAccessKey: SecretAccessKey,
    sessionToken: SessionToken,
    expiration: Expiration,
  };
}

/** `{ credentials }` for a client's options when `access` names a role, else nothing (the SDK's chain). */
export function credentialsOption(access: {
  roleArn?: string | undefined;
  externalId?: string | undefined;
}): {
  credentials?: CredentialsProvider;
} {
  const credentials = credentialsOf(access);
  return credentials === undefined ? {} : { credentials };
}
