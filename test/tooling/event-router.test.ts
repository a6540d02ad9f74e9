import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fromRoot } from '../../cli/paths.ts';
import { routeEvent } from '../../tooling/event-router.ts';
import { listFunctions, loadTemplate } from '../../tooling/sam-template.ts';

const functions = listFunctions(loadTemplate());
const catalog = JSON.parse(readFileSync(fromRoot('events', 'catalog.json'), 'utf8')) as Record<
  string,
  { function: string; matchesRule: boolean }
>;
const sample = (file: string): unknown => JSON.parse(readFileSync(fromRoot('events', file), 'utf8'));
const routed = (event: unknown) => routeEvent(functions, event).map((fn) => fn.logicalId);

/** Pushes reach branch flow and mirror sync alike, as EventBridge delivers them to both. */
const SHARED_BY = new Set(['BranchFlowFunction', 'MirrorSyncFunction']);

describe('routeEvent', () => {
  const files = readdirSync(fromRoot('events')).filter((f) => f.endsWith('.json') && f !== 'catalog.json');

  it.each(files.filter((file) => catalog[file]?.matchesRule))(
    '%s reaches the function the catalog names',
    (file) => {
      const fns = routed(sample(file));
      expect(fns).toContain(catalog[file]?.function);
      if (fns.length > 1) expect(fns.every((fn) => SHARED_BY.has(fn))).toBe(true);
    },
  );

  it.each(files.filter((file) => catalog[file] && !catalog[file].matchesRule))(
    '%s, which no rule lets through, reaches no function',
    (file) => {
      expect(routed(sample(file))).toEqual([]);
    },
  );

  it('tells the two schedules apart by the rule their events name', () => {
    expect(routed(sample('scheduled-reconcile.json'))).toEqual(['ReconcileFunction']);
    expect(routed(sample('scheduled-drift-check.json'))).toEqual(['MirrorSyncFunction']);
    const anonymous = { ...(sample('scheduled-reconcile.json') as object), resources: [] };
    expect(routed(anonymous).sort()).toEqual(['MirrorSyncFunction', 'ReconcileFunction']);
  });

  it('routes an SQS batch of the image event queue by the event in its first message', () => {
    expect(routed(sample('sqs-image-events-batch.json'))).toEqual(['ImageBumpFunction']);
    const batch = sample('sqs-image-events-batch.json') as { Records: { body: string }[] };
    const foreign = { Records: batch.Records.map((r) => ({ ...r, body: JSON.stringify({ source: 'x' }) })) };
    expect(routed(foreign)).toEqual([]);
  });
});
