import { afterEach, describe, expect, it, vi } from 'vitest';
import { createPowertoolsMetrics } from '#adapters/aws/powertools-metrics.ts';

afterEach(() => vi.restoreAllMocks());

/** The EMF documents printed while `run` runs. */
function emfPrinted(run: () => void): Record<string, unknown>[] {
  const printed: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    printed.push(String(chunk));
    return true;
  });
  run();
  vi.restoreAllMocks();
  return printed
    .join('')
    .split('\n')
    .filter((line) => line.includes('"_aws"'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('createPowertoolsMetrics', () => {
  it('prints one EMF document per recorded set, each with its own dimensions, on flush', () => {
    const sink = createPowertoolsMetrics('Test');
    const lines = emfPrinted(() => {
      sink.record({ Mirror: 'a->b', Branch: 'main' }, { MirrorInSync: 1, MirrorLagSeconds: 0 });
      sink.record({ Mirror: 'c->d', Branch: 'release' }, { MirrorInSync: 0, MirrorLagSeconds: 120 });
      expect(process.stdout.write).not.toHaveBeenCalled();
      sink.flush();
    });
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({
      service: 'flowkeeper',
      Mirror: 'a->b',
      Branch: 'main',
      MirrorInSync: 1,
    });
    expect(lines[1]).toMatchObject({ Mirror: 'c->d', Branch: 'release', MirrorLagSeconds: 120 });
    expect(lines[1]).toMatchObject({
      _aws: {
        CloudWatchMetrics: [
          {
            Namespace: 'Test',
            Dimensions: [['service', 'Mirror', 'Branch']],
            Metrics: [
              { Name: 'MirrorInSync', Unit: 'Count' },
              { Name: 'MirrorLagSeconds', Unit: 'Seconds' },
            ],
          },
        ],
      },
    });
    expect(emfPrinted(() => sink.flush())).toEqual([]);
  });
});
