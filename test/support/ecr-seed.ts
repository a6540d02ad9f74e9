import { createHash, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { CreateRepositoryCommand, type ECRClient, PutImageCommand } from '@aws-sdk/client-ecr';

export interface SeedOptions {
  /**
   * What the image's one layer holds. Images of equal content are the same image, so seeding the
   * same content under another tag adds that tag to it; by default every call makes a new image.
   */
  content?: string;
}

const MANIFEST_TYPE = 'application/vnd.oci.image.manifest.v1+json';
const sha256 = (text: string): string => `sha256:${createHash('sha256').update(text).digest('hex')}`;

/**
 * Create the repository if it does not exist and put a minimal OCI image manifest in it under
 * `tag` (none when undefined: an untagged image). Returns the image digest.
 *
 * The digest is sent with the manifest as ECR computes it, the sha256 of the manifest bytes; moto
 * would otherwise derive one of its own from the layer digests.
 */
export async function seedEcrImage(
  client: ECRClient,
  repository: string,
  tag: string | undefined,
  options: SeedOptions = {},
): Promise<string> {
  try {
    await client.send(new CreateRepositoryCommand({ repositoryName: repository }));
  } catch (error) {
    if (!(error instanceof Error && error.name === 'RepositoryAlreadyExistsException')) throw error;
  }
  const layer = options.content ?? randomUUID();
  const config = JSON.stringify({
    architecture: 'amd64',
    os: 'linux',
    rootfs: { type: 'layers', diff_ids: [] },
  });
  const manifest = JSON.stringify({
    schemaVersion: 2,
    mediaType: MANIFEST_TYPE,
    config: {
      mediaType: 'application/vnd.oci.image.config.v1+json',
      digest: sha256(config),
      size: config.length,
    },
    layers: [
      { mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: sha256(layer), size: layer.length },
    ],
  });
  const output = await client.send(
    new PutImageCommand({
      repositoryName: repository,
      imageManifest: manifest,
      imageManifestMediaType: MANIFEST_TYPE,
      imageDigest: sha256(manifest),
      ...(tag === undefined ? {} : { imageTag: tag }),
    }),
  );
  const digest = output.image?.imageId?.imageDigest;
  if (digest === undefined) throw new Error(`PutImage into ${repository} answered without a digest`);
  return digest;
}

/**
 * moto keeps push times in whole seconds, where ECR keeps fractions: two images seeded within one
 * second tie under `push-time` ordering. Waits until the clock is past the second of `after` (by
 * default the current one), so an image seeded next is ordered after every image seeded before.
 */
export async function nextSecond(after: Date = new Date()): Promise<void> {
  const wait = Math.floor(after.getTime() / 1000) * 1000 + 1000 - Date.now();
  if (wait > 0) await sleep(wait + 50);
}
