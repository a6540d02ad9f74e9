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

describe('routeEvent', () => {
  const files = readdirSync(fromRoot('events')).filter((f) => f.endsWith('.json') && f !== 'catalog.json');

  it.each(files.filter((file) => catalog[file]?.matchesRule))(
    '%s reaches the function the catalog names',
    (file) => {
      // Several functions may take one event (a push reaches branch flow, mirror sync and previews).
      expect(routed(sample(file))).toContain(catalog[file]?.function);
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
    expect(routed(anonymous).sort()).toEqual(['MirrorSyncFunction', 'PreviewFunction', 'ReconcileFunction']);
  });

  it('routes an SQS batch of the image event queue by the event in its first message', () => {
    expect(routed(sample('sqs-image-events-batch.json'))).toEqual(['ImageBumpFunction']);
    const batch = sample('sqs-image-events-batch.json') as { Records: { body: string }[] };
    const foreign = { Records: batch.Records.map((r) => ({ ...r, body: JSON.stringify({ source: 'x' }) })) };
    expect(routed(foreign)).toEqual([]);
  });
});
