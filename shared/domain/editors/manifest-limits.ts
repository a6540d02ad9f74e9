/**
 * What a manifest may cost. ImageBumpFunction runs with 256 MB and 60 s (template.yaml), and
 * Lambda gives 256 MB about a seventh of a vCPU. `bench/manifest-limits.ts` measures a bump on
 * large manifests of each shape; the limits below keep the worst shape well inside that budget, and
 * a larger file is refused at once with a permanent error naming the file and the limit, instead of
 * exhausting the heap or the timeout and being retried.
 */

/** Largest YAML manifest edited, in bytes. A 1 MB list of small maps parses to about 80 MB of heap. */
export const YAML_SIZE_LIMIT = 750_000;
/** Largest JSON manifest edited, in bytes (JSON parses far leaner than YAML). */
export const JSON_SIZE_LIMIT = 3_000_000;
/** Deepest nesting of arrays and objects in a JSON manifest (task definitions nest about 6 deep). */
export const JSON_DEPTH_LIMIT = 512;

const megabytes = (bytes: number): string => `${(bytes / 1e6).toFixed(bytes < 1e6 ? 2 : 1)} MB`;

/** Bytes of `text` in UTF-8, counted without encoding it. */
function utf8Length(text: string): number {
  let bytes = text.length;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 0x80) bytes += code >= 0x800 && (code < 0xd800 || code > 0xdfff) ? 2 : 1;
  }
  return bytes;
}

/** Why `text` is too large to edit as a `format` manifest, or undefined. */
export function sizeProblem(text: string, limit: number, format: string): string | undefined {
  // Each UTF-16 unit is at most 3 bytes of UTF-8: only texts near the limit need counting.
  if (text.length * 3 <= limit) return undefined;
  const bytes = utf8Length(text);
  if (bytes <= limit) return undefined;
  return (
    `the file is ${megabytes(bytes)}, larger than the ${megabytes(limit)} Flowkeeper edits in a ${format} ` +
    'manifest (a limit sized so one bump fits the memory and time of its Lambda function); split the ' +
    'file, or move the image values into a smaller file of their own'
  );
}

/**
 * Parses kept for the next parse of the same text: weakly, so a warm container keeps no large
 * tree alive between events (the garbage collector drops them), at most a few at a time.
 */
export function rememberParsed<T extends { readonly text: string; readonly file: string }>(capacity = 4) {
  const entries: WeakRef<T>[] = [];
  return {
    get(text: string, file: string): T | undefined {
      for (const entry of entries) {
        const value = entry.deref();
        // Comparing the strings is cheap when they are the same string, the usual case.
        if (value !== undefined && value.file === file && value.text === text) return value;
      }
      return undefined;
    },
    set(value: T): void {
      entries.unshift(new WeakRef(value));
      entries.length = Math.min(entries.length, capacity);
    },
  };
}
