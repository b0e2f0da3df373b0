import { resourceNames, type DeploymentSettings } from './deployment-settings';
import { METRIC_CATALOG, METRICS_NAMESPACE, type MetricName } from './metric-catalog';
import { consumerFunctionName, SERVICE_NAME } from './resource-names';

/** One series of CloudWatch: what an alarm watches or a widget draws. */
export interface SeriesPlan {
  namespace: string;
  metricName: string;
  dimensions: Record<string, string>;
  /** `Sum`, `Maximum`, … or a percentile such as `p99`. */
  stat: string;
}

export interface AlarmPlan {
  /** The alarm's name within the environment (`async-jobs-<env>-<id>`). */
  id: string;
  series: SeriesPlan;
  threshold: number;
  comparison: 'GreaterThanThreshold' | 'GreaterThanOrEqualToThreshold';
  periodSeconds: number;
  evaluationPeriods: number;
  datapointsToAlarm: number;
  /** What it means and what to do: the alarm's description, and the README's table. */
  description: string;
}

export interface WidgetPlan {
  title: string;
  series: (SeriesPlan & { label?: string })[];
}

export interface OperationsPlan {
  alarms: AlarmPlan[];
  widgets: WidgetPlan[];
}

/**
 * A series of the product's own namespace, checked against the metric catalog: it must name a
 * metric the code emits, with a dimension set the code publishes it under, or the plan does not build.
 */
export function productSeries(metricName: MetricName, dimensions: Record<string, string> = {}, stat = 'Sum'): SeriesPlan {
  const wanted = Object.keys(dimensions).sort().join(',');
  const published = METRIC_CATALOG[metricName].dimensionSets.map((set) => [...set].sort().join(','));
  if (!published.includes(wanted)) {
    throw new Error(
      `${metricName} is not published with the dimensions [${wanted}]; the catalog publishes ${published.map((p) => `[${p}]`).join(', ')}`,
    );
  }
  return { namespace: METRICS_NAMESPACE, metricName, dimensions, stat };
}

const aws = (namespace: string, metricName: string, dimensions: Record<string, string>, stat = 'Sum'): SeriesPlan => ({
  namespace,
  metricName,
  dimensions,
  stat,
});

/**
 * What an operator is told and shown, as data: every alarm and dashboard widget of an environment.
 * Infra builds the CloudWatch resources from it; the metrics contract test checks that every series
 * of our namespace here is one the running system emits. Counts of things that went wrong alarm on
 * a single datapoint (one archived failure is one too many); levels (iterator age, latency) must
 * stay high for `evaluationPeriods` minutes.
 */
export function operationsPlan(settings: DeploymentSettings, catalog: { processorTimeoutSeconds: number }): OperationsPlan {
  const names = resourceNames(settings.environment);
  const env = settings.environment;
  const processors = settings.consumers.map((consumerId) => ({ consumerId, functionName: consumerFunctionName(env, consumerId) }));
  const functions = [
    names.jobsApiFunction,
    names.errorHandlerFunction,
    names.sweeperFunction,
    names.runnerFunction,
    names.webhookSenderFunction,
    ...processors.map((p) => p.functionName),
  ];
  // Alarm ids are names within the environment: the function's name without its `async-jobs-<env>-` prefix.
  const short = (functionName: string) => functionName.slice(`${SERVICE_NAME}-${env}-`.length);
  const api = { ApiName: names.api, Stage: env };

  const onAnyCount = (id: string, series: SeriesPlan, description: string, threshold = 0): AlarmPlan => ({
    id,
    series,
    threshold,
    comparison: 'GreaterThanThreshold',
    periodSeconds: 60,
    evaluationPeriods: 1,
    datapointsToAlarm: 1,
    description,
  });
  const whileHigh = (id: string, series: SeriesPlan, threshold: number, description: string): AlarmPlan => ({
    id,
    series,
    threshold,
    comparison: 'GreaterThanThreshold',
    periodSeconds: 60,
    evaluationPeriods: settings.alarms.evaluationPeriods,
    datapointsToAlarm: settings.alarms.evaluationPeriods,
    description,
  });

  const alarms: AlarmPlan[] = [
    ...functions.map((functionName) =>
      onAnyCount(
        `${short(functionName)}-errors`,
        aws('AWS/Lambda', 'Errors', { FunctionName: functionName }),
        `${functionName} invocations fail: read its log group /aws/lambda/${functionName}`,
      ),
    ),
    // The runner is throttled by design whenever its reserved concurrency is in use (orders wait in its queue): its
    // waiting alarms on how long runs wait instead (runs-waiting).
    ...functions
      .filter((functionName) => functionName !== names.runnerFunction)
      .map((functionName) =>
        onAnyCount(
          `${short(functionName)}-throttles`,
          aws('AWS/Lambda', 'Throttles', { FunctionName: functionName }),
          `${functionName} is throttled: raise the account's concurrency or the function's reserved concurrency`,
        ),
      ),
    whileHigh(
      'runs-waiting',
      productSeries('RunStartDelay', {}, 'Maximum'),
      settings.alarms.runStartDelayMs,
      "Dispatched runs wait long in the runner's queue: raise runner.reservedConcurrency (and the account's concurrency), or look for runs that do not end",
    ),
    onAnyCount(
      'job-runner-destination-failures',
      aws('AWS/Lambda', 'DestinationDeliveryFailures', { FunctionName: names.runnerFunction }),
      'The runner could not hand an order it gave up on to the error topic: that job ends only by the sweeper; check the topic and its key',
    ),
    onAnyCount(
      'job-runner-events-dropped',
      aws('AWS/Lambda', 'AsyncEventsDropped', { FunctionName: names.runnerFunction }),
      "Lambda dropped run orders: check the runner's async settings and destination",
    ),
    ...processors.flatMap(({ consumerId, functionName }) => [
      whileHigh(
        `consumer-${consumerId}-iterator-age`,
        aws('AWS/Lambda', 'IteratorAge', { FunctionName: functionName }, 'Maximum'),
        iteratorAgeThresholdMs(settings, catalog.processorTimeoutSeconds),
        `Consumer ${consumerId} falls behind the jobs stream: check its errors and throttles`,
      ),
      onAnyCount(
        `consumer-${consumerId}-destination-failures`,
        aws('AWS/Lambda', 'DestinationDeliveryFailures', { FunctionName: functionName }),
        `Consumer ${consumerId}'s event source could not hand a failed batch to the error topic: those jobs end only by the sweeper; check the topic and its key`,
      ),
    ]),
    onAnyCount(
      'error-handler-destination-failures',
      aws('AWS/Lambda', 'DestinationDeliveryFailures', { FunctionName: names.errorHandlerFunction }),
      'The error handler could not put a failed invocation on the failed-events bus: that failure is lost to replay; the sweeper ends its job',
    ),
    onAnyCount(
      'error-handler-events-dropped',
      aws('AWS/Lambda', 'AsyncEventsDropped', { FunctionName: names.errorHandlerFunction }),
      'Lambda dropped events for the error handler: check its async settings and destination',
    ),
    onAnyCount(
      'error-topic-delivery-failures',
      aws('AWS/SNS', 'NumberOfNotificationsFailed', { TopicName: names.errorTopic }),
      'The error topic could not deliver to the error handler: check the subscription and the function',
    ),
    onAnyCount(
      'table-read-throttles',
      aws('AWS/DynamoDB', 'ReadThrottleEvents', { TableName: names.table }),
      'The jobs table throttles reads: the API answers 503 and processors wait; check the table and its indexes',
    ),
    onAnyCount(
      'table-write-throttles',
      aws('AWS/DynamoDB', 'WriteThrottleEvents', { TableName: names.table }),
      'The jobs table throttles writes: the API answers 503 and processors wait; check the table and its indexes',
    ),
    onAnyCount(
      'failures-archived',
      productSeries('FailuresArchived'),
      'The error handler could not record failures: they are in the archive; fix the cause, then replay',
    ),
    onAnyCount(
      'entries-stalled',
      productSeries('EntriesStalled'),
      'The sweeper ended job entries that nothing else would finish: look for a disabled mapping, lost failures, or crashes (the code dimension says which)',
    ),
    onAnyCount(
      'records-unreadable',
      productSeries('RecordsUnreadable'),
      'A processor skipped stream records it cannot read: a writer other than jobs-api is writing to the table',
    ),
    onAnyCount(
      'failure-messages-unrecognised',
      productSeries('FailureMessagesUnrecognised'),
      'The error handler got messages it does not understand: they are retried, then archived',
    ),
    onAnyCount(
      'records-retried',
      productSeries('RecordsRetried'),
      'Processors hand records back to the event source (the store or the topic is unreachable beyond their patience)',
      settings.alarms.recordsRetriedPerMinute,
    ),
    onAnyCount(
      'webhooks-given-up',
      productSeries('WebhooksGivenUp'),
      "Webhooks went undelivered for their whole hour (or their host left the allow-list): check the receivers' answers in the webhook sender's logs",
    ),
    onAnyCount(
      'webhook-dead-letters',
      aws('AWS/SQS', 'ApproximateNumberOfMessagesVisible', { QueueName: names.webhookDeadLetters }, 'Maximum'),
      "Webhook orders the sender could not handle 20 times wait in the dead-letter queue: read the sender's errors, then redrive them",
    ),
    onAnyCount(
      'api-5xx',
      aws('AWS/ApiGateway', '5XXError', api),
      'The jobs API answers with server errors: read the jobs-api logs and the table throttling',
    ),
    whileHigh('api-latency-p99', aws('AWS/ApiGateway', 'Latency', api, 'p99'), settings.alarms.apiLatencyP99Ms, 'The jobs API is slow'),
    ...settings.alarms.perJobType.flatMap((jobType) =>
      processors.map(({ consumerId }) =>
        onAnyCount(
          `${jobType}-failed-on-${consumerId}`,
          productSeries('JobsFailed', { consumer: consumerId, jobType }),
          `Jobs of type ${jobType} fail on consumer ${consumerId}`,
        ),
      ),
    ),
  ];

  const outcomes: MetricName[] = [
    'JobsSucceeded',
    'JobsFailed',
    'JobsRetry',
    'JobsSkipped',
    'FailuresRecorded',
    'FailuresArchived',
    'EntriesStalled',
  ];
  const widgets: WidgetPlan[] = [
    { title: 'API requests and errors', series: ['Count', '4XXError', '5XXError'].map((metric) => aws('AWS/ApiGateway', metric, api)) },
    { title: 'Job outcomes (all consumers)', series: outcomes.map((metric) => ({ ...productSeries(metric), label: metric })) },
    {
      title: 'Outcomes per consumer',
      series: processors.flatMap(({ consumerId }) =>
        (['JobsSucceeded', 'JobsFailed'] as const).map((metric) => ({
          ...productSeries(metric, { consumer: consumerId }),
          label: `${metric} ${consumerId}`,
        })),
      ),
    },
    {
      title: 'Stream iterator age',
      series: processors.map(({ functionName }) => aws('AWS/Lambda', 'IteratorAge', { FunctionName: functionName }, 'Maximum')),
    },
    {
      title: 'Runner: runs in flight, and how long dispatched runs wait',
      series: [
        { ...aws('AWS/Lambda', 'ConcurrentExecutions', { FunctionName: names.runnerFunction }, 'Maximum'), label: 'runs in flight' },
        { ...aws('AWS/Lambda', 'AsyncEventAge', { FunctionName: names.runnerFunction }, 'Maximum'), label: 'oldest order waiting (ms)' },
        { ...productSeries('RunStartDelay', {}, 'Maximum'), label: 'wait before adoption (ms)' },
        { ...productSeries('RunsDispatched'), label: 'runs dispatched' },
      ],
    },
    { title: 'Function errors', series: functions.map((functionName) => aws('AWS/Lambda', 'Errors', { FunctionName: functionName })) },
    {
      title: 'Table throttles',
      series: ['ReadThrottleEvents', 'WriteThrottleEvents'].map((metric) => aws('AWS/DynamoDB', metric, { TableName: names.table })),
    },
  ];
  return { alarms, widgets };
}

/**
 * Records wait behind a batch while its jobs run inline: up to the processor's timeout (the longest
 * declared run and what surrounds it) plus the batching window, in normal operation. The alarm starts
 * above that, or at `alarms.iteratorAgeMs` if that is higher, so that it means "falling behind", not
 * "a long job ran".
 */
export function iteratorAgeThresholdMs(settings: Pick<DeploymentSettings, 'alarms' | 'stream'>, processorTimeoutSeconds: number): number {
  return Math.max(settings.alarms.iteratorAgeMs, (processorTimeoutSeconds + settings.stream.maximumBatchingWindowSeconds) * 1000);
}
