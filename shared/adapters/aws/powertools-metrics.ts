import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { MetricsSink } from '#app/ports/metrics-sink.ts';

/**
 * CloudWatch metrics as Embedded Metric Format lines on stdout (Powertools Metrics): Lambda's log
 * pipeline turns them into metrics, with no PutMetricData call and no extra permission.
 */
export function createPowertoolsMetrics(
  namespace = process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'Flowkeeper',
): MetricsSink {
  const pending: Metrics[] = [];
  return {
    record(dimensions, values) {
      const metrics = new Metrics({ namespace, serviceName: 'flowkeeper', defaultDimensions: dimensions });
      for (const [name, value] of Object.entries(values)) {
        metrics.addMetric(name, name.endsWith('Seconds') ? MetricUnit.Seconds : MetricUnit.Count, value);
      }
      pending.push(metrics);
    },
    flush() {
      for (const metrics of pending.splice(0)) metrics.publishStoredMetrics();
    },
  };
}
