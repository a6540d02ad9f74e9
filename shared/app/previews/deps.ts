import type { Config, PreviewSetConfig } from '#config/types.ts';
import type { GitHost } from '../ports/git-host.ts';
import type { ImageRegistry } from '../ports/image-registry.ts';
import type { PreviewSource } from '../ports/preview-source.ts';

/** What the preview service needs; the runtime (or the CLI) wires the adapters. */
export interface PreviewDeps {
  config: Config;
  hostFor(repository: string): GitHost;
  sourceFor(repository: string): PreviewSource;
  registry: ImageRegistry;
  now(): Date;
}

/** Where images are named when a set gives no `uri`: the account and region of the event. */
export interface RegistryPlace {
  account: string;
  region: string;
}

export type PreviewAction =
  | {
      type: 'open' | 'close' | 'update' | 'wait';
      set: string;
      slug: string;
      commitId: string;
      detail?: string;
    }
  | { type: 'skip'; set: string; slug?: string; reason: string };

export interface PreviewResult {
  eventId: string;
  actions: PreviewAction[];
}

/** The folder holding every preview of a set: `path` without its `/{slug}`. */
export const previewsRoot = (set: PreviewSetConfig): string =>
  set.path.replace(/\/+$/, '').replace(/\/\{slug\}$/, '');
export const previewDir = (set: PreviewSetConfig, slug: string): string => `${previewsRoot(set)}/${slug}`;
export const templateDir = (set: PreviewSetConfig): string => set.template.replace(/\/+$/, '');
export const previewUrl = (set: PreviewSetConfig, slug: string): string => set.url.replaceAll('{slug}', slug);
