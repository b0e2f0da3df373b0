import type { Logger } from 'pino';

export const METRICS_NAMESPACE = 'AsyncJobs';

export type MetricUnit = 'Count' | 'Milliseconds';

/**
 * Emits a CloudWatch metric as an Embedded Metric Format log line: no SDK call, no extra latency,
 * and the line is searchable with the rest of the job's story.
 */
export function emitMetric(
  logger: Logger,
  metric: { name: string; value: number; unit?: MetricUnit; dimensions?: Record<string, string> },
): void {
  const dimensions = metric.dimensions ?? {};
  logger.info(
    {
      _aws: {
        Timestamp: Date.now(),
        CloudWatchMetrics: [
          {
            Namespace: METRICS_NAMESPACE,
            Dimensions: [Object.keys(dimensions)],
            Metrics: [{ Name: metric.name, Unit: metric.unit ?? 'Count' }],
          },
        ],
      },
      ...dimensions,
      [metric.name]: metric.value,
    },
    `metric ${metric.name}`,
  );
}
