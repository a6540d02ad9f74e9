/**
 * Discovery: every reference to one ECR repository in a set of files, each turned into the file
 * target an explicit configuration would name (a Kubernetes container, a kustomize entry, a Helm
 * mapping, a YAML path, an ECS JSON field), so that reading, deciding and byte-preserving writing
 * stay the editors' own. Each other image-looking value is listed with why it was left alone.
 */
import { ManifestError } from '../../errors.ts';
import { parseImageReference } from '../../image-reference.ts';
import type { FileTarget } from '../../targets.ts';
import { readTarget } from '../index.ts';
import { candidatesInJson } from './find-json.ts';
import { candidatesInYaml } from './find-yaml.ts';
import { looksLikeImage, mismatch, type RepositoryMatch } from './matching.ts';
import { OPT_OUT_MARKER, optedOut } from './opt-out.ts';

export interface DiscoverySpec {
  match: RepositoryMatch;
  /** Where the found targets live, and whether they write the image name too. */
  repository: string;
  branch: string;
  setName: boolean;
}

/** A reference to the repository: the target that writes it, and where it is. */
export interface FoundReference {
  file: string;
  location: string;
  /** The reference as the file holds it (`…/my-app:1.4.1`). */
  value: string;
  target: FileTarget;
}

/** An image-looking value that is not bumped, and why. */
export interface SkippedReference {
  file: string;
  location: string;
  value: string;
  reason: string;
}

export interface Discovery {
  found: FoundReference[];
  skipped: SkippedReference[];
}

/** What a file walker reports: one image-looking value and the targets that would write it. */
export interface Candidate {
  /** Where it is, for the skip list (the editor's own location is used for found references). */
  where: string;
  value: string;
  /** The image name to match; undefined when the value has none. */
  name: string | undefined;
  /** Offsets whose line (or the line above) may carry the opt-out marker. */
  markers: number[];
  /**
   * Targets that write the value, tried in order until one resolves (a Kubernetes container
   * first, the exact YAML path when the container name is ambiguous).
   */
  targets: FileTarget[];
  /** A plain string only counts when it is an image reference to the repository. */
  plain?: boolean;
  /** Why no target can write it, when so. */
  unwritable?: string;
}

/** The target fields discovery fills in for every reference. */
export type TargetBase = Pick<FileTarget, 'repository' | 'branch' | 'file' | 'setName'>;

/** Every reference to the repository in one file, and every image-looking value skipped. */
export function discoverInFile(text: string, file: string, spec: DiscoverySpec): Discovery {
  const out: Discovery = { found: [], skipped: [] };
  const base: TargetBase = {
    repository: spec.repository,
    branch: spec.branch,
    file,
    setName: spec.setName,
  };
  let candidates: Candidate[];
  try {
    if (/\.json$/i.test(file)) candidates = candidatesInJson(text, base);
    else if (/\.ya?ml$/i.test(file)) candidates = candidatesInYaml(text, base);
    else {
      out.skipped.push({ file, location: '', value: '', reason: 'not a YAML or JSON file' });
      return out;
    }
  } catch (error) {
    if (!(error instanceof ManifestError)) throw error;
    out.skipped.push({ file, location: error.location, value: '', reason: unprefixed(error) });
    return out;
  }
  const seen = new Set<string>();
  for (const candidate of candidates) {
    const skip = (reason: string) =>
      out.skipped.push({ file, location: candidate.where, value: candidate.value, reason });
    const ref = parseImageReference(candidate.value);
    if (candidate.name === undefined) {
      if (!candidate.plain) skip('holds no image name');
      continue;
    }
    const why = mismatch(candidate.name, spec.match);
    if (why !== undefined) {
      const imageLike = looksLikeImage(
        candidate.value,
        ref.tag !== undefined || ref.digest !== undefined,
        candidate.name,
      );
      if (!candidate.plain || imageLike) skip(why);
      continue;
    }
    if (candidate.plain && ref.tag === undefined && ref.digest === undefined) continue;
    if (optedOut(text, candidate.markers)) {
      skip(`opted out by ${OPT_OUT_MARKER}`);
      continue;
    }
    if (candidate.unwritable) {
      skip(candidate.unwritable);
      continue;
    }
    let resolved: { target: FileTarget; location: string } | undefined;
    let problem = 'no target reaches it';
    for (const target of candidate.targets) {
      try {
        resolved = { target, location: readTarget(text, target).location };
        break;
      } catch (error) {
        if (!(error instanceof ManifestError)) throw error;
        problem = unprefixed(error);
      }
    }
    if (!resolved) {
      skip(problem);
      continue;
    }
    if (seen.has(resolved.location)) continue;
    seen.add(resolved.location);
    out.found.push({ file, value: candidate.value, ...resolved });
  }
  return out;
}

/** Every reference in `files` (path → content), in path order. */
export function discoverInFiles(files: ReadonlyMap<string, string>, spec: DiscoverySpec): Discovery {
  const out: Discovery = { found: [], skipped: [] };
  for (const path of [...files.keys()].sort()) {
    const one = discoverInFile(files.get(path) ?? '', path, spec);
    out.found.push(...one.found);
    out.skipped.push(...one.skipped);
  }
  return out;
}

/** A ManifestError's detail without the `file at location: ` prefix. */
function unprefixed(error: ManifestError): string {
  const prefix = `${error.file}${error.location ? ` at ${error.location}` : ''}: `;
  return error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message;
}
