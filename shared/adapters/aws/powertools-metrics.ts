import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { MetricsSink } from '#app/ports/metrics-sink.ts';

/**
 * CloudWatch metrics as Embedded Metric Format lines on stdout (Powertools Metrics): Lambda's log
 * pipeline turns them into metrics, with no PutMetricData call and no extra permission. One
 * `Metrics` per sink (one per container); each recorded set is published as an EMF document of its
 * own, so its dimensions apply to its values only (the instance clears them after each publish).
 */
export function createPowertoolsMetrics(
  namespace = process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'Flowkeeper',
): MetricsSink {
  const metrics = new Metrics({ namespace, serviceName: 'flowkeeper' });
  const pending: { dimensions: Record<string, string>; values: Record<string, number> }[] = [];
  return {
    record(dimensions, values) {
      pending.push({ dimensions, values });
    },
    flush() {
      for (const { dimensions, values } of pending.splice(0)) {
        for (const [name, value] of Object.entries(dimensions)) metrics.addDimension(name, value);
        for (const [name, value] of Object.entries(values)) {
          metrics.addMetric(name, name.endsWith('Seconds') ? MetricUnit.Seconds : MetricUnit.Count, value);
        }
        metrics.publishStoredMetrics();
      }
    },
  };
}
