/** Where numeric observations go (CloudWatch through Powertools Metrics in AWS). */
export interface MetricsSink {
  /** One observation set sharing `dimensions`; counts unless the name ends in `Seconds`. */
  record(dimensions: Record<string, string>, values: Record<string, number>): void;
  /** Send what was recorded (one EMF document per dimension set). */
  flush(): void;
}
