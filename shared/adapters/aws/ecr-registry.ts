import {
  DescribeImageScanFindingsCommand,
  type DescribeImageScanFindingsCommandOutput,
  DescribeImagesCommand,
  type DescribeImagesCommandOutput,
  ECRClient,
  type ImageDetail as EcrImageDetail,
  type ImageIdentifier,
  paginateDescribeImages,
} from '@aws-sdk/client-ecr';
import {
  type ImageDetail,
  type ImageRegistry,
  RegistryError,
  type RegistryOrigin,
  type ScanResult,
} from '#app/ports/image-registry.ts';
import { ecrRepositoryName, severityCountsOf } from '#domain/ecr-names.ts';
import type { CredentialsProvider } from './assumed-role.ts';
import { clientFor } from './clients.ts';

export { ecrRepositoryName, severityCountsOf } from '#domain/ecr-names.ts';

export interface EcrRegistryOptions {
  /** An injected client (tests point one at an emulator); otherwise a shared default client. */
  client?: ECRClient;
  /** Region of the default client; the SDK's chain (AWS_REGION, profile) decides when absent. */
  region?: string;
  /** `maxResults` of each DescribeImages page when listing (1–1000). Default 1000: the fewest calls. */
  pageSize?: number;
  /**
   * The credentials of the role that reads the registry of a source account (`accounts.<id>.ecrReadRoleArn`),
   * or undefined to read it with the function's own (its own account, or a registry policy allowing it).
   */
  credentialsFor?: (account: string) => CredentialsProvider | undefined;
}

const errorName = (error: unknown): string | undefined =>
  error instanceof Error && typeof error.name === 'string' ? error.name : undefined;

const MAX_PAGE_SIZE = 1000;

/**
 * ECR through its API: DescribeImages for one image or, paginated, for all; DescribeImageScanFindings
 * for scan results. Repositories are given by name or by repository ARN. With an origin, the
 * requests name its account as `registryId` and go to its region, through the role of that account
 * when one is configured. Service errors the port does not name propagate unchanged (throttling
 * and 5xx are retried by the SDK first).
 */
export function createEcrRegistry(options: EcrRegistryOptions = {}): ImageRegistry {
  const client = async (origin?: RegistryOrigin): Promise<ECRClient> => {
    if (options.client) return options.client;
    if (origin === undefined) return clientFor(ECRClient, { region: options.region });
    const credentials = options.credentialsFor?.(origin.account);
    return clientFor(ECRClient, {
      region: origin.region,
      ...(credentials === undefined ? {} : { credentials }),
    });
  };
  const registryOf = (origin?: RegistryOrigin): { registryId?: string } =>
    origin === undefined ? {} : { registryId: origin.account };
  const pageSize = options.pageSize ?? MAX_PAGE_SIZE;
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
    throw new RangeError(`pageSize: expected an integer from 1 to ${MAX_PAGE_SIZE}, got ${pageSize}`);
  }

  const repositoryNotFound = (repositoryName: string, cause: unknown): RegistryError =>
    new RegistryError('RepositoryNotFound', `ECR repository ${repositoryName} does not exist`, { cause });

  return {
    async describeImage(repository, ref, origin) {
      const repositoryName = ecrRepositoryName(repository);
      const { tag, digest } = ref;
      if (tag === undefined && digest === undefined) {
        throw new TypeError('describeImage: give the tag or the digest of the image');
      }
      // By digest when there is one: it names exactly one image, whose tags are then checked.
      const imageId: ImageIdentifier = digest === undefined ? { imageTag: tag } : { imageDigest: digest };
      let output: DescribeImagesCommandOutput;
      try {
        output = await (await client(origin)).send(
          new DescribeImagesCommand({ repositoryName, imageIds: [imageId], ...registryOf(origin) }),
        );
      } catch (error) {
        switch (errorName(error)) {
          case 'ImageNotFoundException':
            return undefined;
          case 'RepositoryNotFoundException':
            throw repositoryNotFound(repositoryName, error);
          default:
            throw error;
        }
      }
      const detail = output.imageDetails?.[0];
      if (detail === undefined) return undefined;
      const image = toImageDetail(detail, repositoryName);
      if (tag !== undefined && !image.tags.includes(tag)) return undefined;
      return image;
    },

    async listImages(repository, origin) {
      const repositoryName = ecrRepositoryName(repository);
      const images: ImageDetail[] = [];
      try {
        for await (const page of paginateDescribeImages(
          { client: await client(origin), pageSize },
          { repositoryName, ...registryOf(origin) },
        )) {
          for (const detail of page.imageDetails ?? []) images.push(toImageDetail(detail, repositoryName));
        }
      } catch (error) {
        if (errorName(error) === 'RepositoryNotFoundException')
          throw repositoryNotFound(repositoryName, error);
        throw error;
      }
      return images;
    },

    async scanFindings(repository, digest, origin) {
      const repositoryName = ecrRepositoryName(repository);
      let output: DescribeImageScanFindingsCommandOutput;
      try {
        // Only the counts are needed, and every page carries the counts of the whole image: one
        // call, asking for the smallest page of findings.
        output = await (await client(origin)).send(
          new DescribeImageScanFindingsCommand({
            repositoryName,
            ...registryOf(origin),
            imageId: { imageDigest: digest },
            maxResults: 1,
          }),
        );
      } catch (error) {
        switch (errorName(error)) {
          case 'ScanNotFoundException':
            return undefined;
          case 'RepositoryNotFoundException':
            throw repositoryNotFound(repositoryName, error);
          case 'ImageNotFoundException':
            throw new RegistryError(
              'ImageNotFound',
              `ECR repository ${repositoryName} has no image ${digest}`,
              {
                cause: error,
              },
            );
          default:
            throw error;
        }
      }
      const status = output.imageScanStatus?.status;
      if (status === undefined) {
        throw new Error(
          `ECR repository ${repositoryName}, image ${digest}: DescribeImageScanFindings answered without a scan status`,
        );
      }
      const result: ScanResult = {
        status,
        severityCounts: severityCountsOf(output.imageScanFindings?.findingSeverityCounts),
      };
      return result;
    },
  };
}

function toImageDetail(detail: EcrImageDetail, repositoryName: string): ImageDetail {
  const { imageDigest, imagePushedAt } = detail;
  if (imageDigest === undefined || imagePushedAt === undefined) {
    throw new Error(
      `ECR repository ${repositoryName}: DescribeImages answered an image without digest or push time`,
    );
  }
  // ECR leaves `imageTags` out for an untagged image.
  return { digest: imageDigest, tags: detail.imageTags ?? [], pushedAt: imagePushedAt };
}
