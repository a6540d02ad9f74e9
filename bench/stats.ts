/** Order statistics for benchmark samples (milliseconds). */
export function percentile(samples: number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] ?? Number.NaN;
}

export const median = (samples: number[]) => percentile(samples, 50);

export const ms = (value: number) => `${value.toFixed(1)} ms`;

/** `5 (4 GetFile, 1 CreateCommit)`: how many calls, and how many of each name, in first-seen order. */
export function countedNames(names: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const name of names) counts.set(name, (counts.get(name) ?? 0) + 1);
  return `${names.length} (${[...counts].map(([name, n]) => `${n} ${name}`).join(', ')})`;
}
