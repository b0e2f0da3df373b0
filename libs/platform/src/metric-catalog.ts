/** The CloudWatch namespace of every metric the product emits. */
export const METRICS_NAMESPACE = 'AsyncJobs';

export type MetricUnit = 'Count' | 'Milliseconds';

export interface MetricDefinition {
  unit: MetricUnit;
  /**
   * Every dimension set the metric is published under (EMF publishes one series per set). An
   * alarm or a dashboard widget may read only a series listed here; an empty set is the total.
   */
  dimensionSets: readonly (readonly string[])[];
  /** What one count means, for the dashboard and the docs. */
  description: string;
}

const perConsumer = [['consumer'], []] as const;

/**
 * Every metric the product emits, in one typed catalog: the emitters take their names, units and
 * dimension sets from here, and so do infra's alarms and dashboard (through the operations plan),
 * so that an alarm can only watch a series some code path emits.
 */
export const METRIC_CATALOG = {
  JobsSucceeded: {
    unit: 'Count',
    dimensionSets: [['consumer', 'jobType'], ...perConsumer],
    description: 'A consumer finished a job successfully',
  },
  JobsFailed: {
    unit: 'Count',
    dimensionSets: [['consumer', 'jobType'], ...perConsumer],
    description: 'A run failed for good and was sent to the error topic',
  },
  JobsRetry: {
    unit: 'Count',
    dimensionSets: [['consumer', 'jobType'], ...perConsumer],
    description: 'A run failed and was handed back for another attempt',
  },
  JobsSkipped: {
    unit: 'Count',
    dimensionSets: [['consumer', 'jobType'], ...perConsumer],
    description: 'A delivery had nothing to do (duplicate, cancelled, taken over)',
  },
  RunsDispatched: {
    unit: 'Count',
    dimensionSets: [['consumer', 'jobType'], ...perConsumer],
    description: 'A processor claimed a job and sent its run to the runner (a redelivery sending the same order again counts too)',
  },
  RunStartDelay: {
    unit: 'Milliseconds',
    dimensionSets: perConsumer,
    description: "How long a dispatched run waited in the runner's queue before a runner adopted it",
  },
  JobEventsPublished: {
    unit: 'Count',
    dimensionSets: [['detailType'], []],
    description: 'A job event (a consumer or the whole job finished) was put on the job-events bus',
  },
  JobEventsNotPublished: {
    unit: 'Count',
    dimensionSets: [[]],
    description: "The job-events bus refused or could not be reached: the write's record is delivered again",
  },
  WebhooksDelivered: {
    unit: 'Count',
    dimensionSets: [[]],
    description: "A finished job's webhook was answered 2xx",
  },
  WebhookAttemptsFailed: {
    unit: 'Count',
    dimensionSets: [[]],
    description: 'A webhook attempt got no answer or a non-2xx one: tried again with backoff',
  },
  WebhooksGivenUp: {
    unit: 'Count',
    dimensionSets: [[]],
    description: 'A webhook was not delivered within its hour (or its host left the allow-list): not tried again',
  },
  RecordsUnreadable: {
    unit: 'Count',
    dimensionSets: perConsumer,
    description: 'A stream record that is no job this code can read was skipped',
  },
  RecordsRetried: {
    unit: 'Count',
    dimensionSets: perConsumer,
    description: 'A stream record failed (store or network) and goes back to the event source',
  },
  FailuresRecorded: { unit: 'Count', dimensionSets: perConsumer, description: 'The error handler recorded a FAILED entry' },
  FailuresArchived: {
    unit: 'Count',
    dimensionSets: perConsumer,
    description: 'The error handler could not record a failure; it is in the archive for replay',
  },
  FailureMessagesUnrecognised: {
    unit: 'Count',
    dimensionSets: [[]],
    description: 'The error handler received a message it does not understand',
  },
  EntriesStalled: {
    unit: 'Count',
    dimensionSets: [['consumer', 'code'], ...perConsumer],
    description: 'The sweeper ended an entry that nothing else would finish',
  },
  ApiErrors: { unit: 'Count', dimensionSets: [['route'], []], description: 'The jobs API answered a request with a server error' },
} as const satisfies Record<string, MetricDefinition>;

export type MetricName = keyof typeof METRIC_CATALOG;

/** The dimensions a metric must be emitted with: every name any of its dimension sets uses. */
export type MetricDimensions<N extends MetricName> = { [K in (typeof METRIC_CATALOG)[N]['dimensionSets'][number][number]]: string };
