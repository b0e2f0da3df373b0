import { METRIC_CATALOG, METRICS_NAMESPACE, type MetricDimensions, type MetricName } from './metric-catalog';

/** Where metric lines go: stdout (Lambda ships it to CloudWatch Logs, which extracts EMF), or a test's capture. */
export interface MetricsDestination {
  write(line: string): unknown;
}

/** Searchable context on a metric line; never a dimension (dimensions multiply series and cost). */
export interface MetricContext {
  requestId?: string;
  jobId?: string;
  consumerId?: string;
}

/**
 * Emits the catalog's metrics as CloudWatch Embedded Metric Format lines: no SDK call, no added
 * latency. Each line declares every dimension set the catalog lists for the metric, so each series
 * an alarm or widget reads gets its datapoint. The lines are written straight to the destination,
 * not through the logger, so that LOG_LEVEL never drops a metric, and without a `level` key, which
 * Lambda's JSON log format reads as INFO.
 *
 * @example
 * metrics.emit('JobsFailed', { consumer: 'a', jobType: 'sleep' }, { requestId, jobId });
 */
export class Metrics {
  private readonly destination: MetricsDestination;
  private readonly now: () => number;

  constructor(private readonly settings: { service: string; destination?: MetricsDestination; now?: () => number }) {
    this.destination = settings.destination ?? process.stdout;
    this.now = settings.now ?? Date.now;
  }

  emit<N extends MetricName>(name: N, dimensions: MetricDimensions<N>, context: MetricContext & { value?: number } = {}): void {
    const { value = 1, ...searchable } = context;
    const definition = METRIC_CATALOG[name];
    const line = {
      _aws: {
        Timestamp: this.now(),
        CloudWatchMetrics: [
          { Namespace: METRICS_NAMESPACE, Dimensions: definition.dimensionSets, Metrics: [{ Name: name, Unit: definition.unit }] },
        ],
      },
      ...(dimensions as Record<string, string>),
      [name]: value,
      service: this.settings.service,
      ...definedOnly(searchable),
      message: `metric ${name}`,
    };
    this.destination.write(`${JSON.stringify(line)}\n`);
  }
}

function definedOnly(context: MetricContext): MetricContext {
  return Object.fromEntries(Object.entries(context).filter(([, v]) => v !== undefined));
}
