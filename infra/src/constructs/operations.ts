import { Construct } from 'constructs';
import { CloudwatchDashboard } from '@cdktf/provider-aws/lib/cloudwatch-dashboard';
import { CloudwatchMetricAlarm, type CloudwatchMetricAlarmConfig } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import type { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { METRICS_NAMESPACE, resourceName, resourceNames, type DeploymentSettings } from '@async-jobs/platform';
import type { JobsFunction } from './jobs-function';

type AlarmSpec = Pick<CloudwatchMetricAlarmConfig, 'namespace' | 'metricName' | 'dimensions' | 'statistic' | 'extendedStatistic' | 'threshold' | 'comparisonOperator' | 'alarmDescription'>;

/**
 * What an operator watches: alarms to an encrypted alarm topic (function errors, stream iterator
 * age, failures put in the archive, API 5xx and p99 latency) and one dashboard.
 */
export class Operations extends Construct {
  readonly alarmTopic: SnsTopic;
  readonly alarms: CloudwatchMetricAlarm[] = [];

  constructor(
    scope: Construct,
    id: string,
    props: { settings: DeploymentSettings; key: KmsKey; functions: JobsFunction[]; consumers: { consumerId: string; fn: JobsFunction }[]; apiName: string; stageName: string; region: string },
  ) {
    super(scope, id);
    const { settings } = props;
    const names = resourceNames(settings.environment);
    this.alarmTopic = new SnsTopic(this, 'alarm-topic', { name: names.alarmTopic, kmsMasterKeyId: props.key.arn });
    const alarm = (name: string, spec: AlarmSpec) =>
      this.alarms.push(
        new CloudwatchMetricAlarm(this, name, {
          alarmName: resourceName(settings.environment, name),
          period: 60,
          evaluationPeriods: settings.alarms.evaluationPeriods,
          treatMissingData: 'notBreaching',
          alarmActions: [this.alarmTopic.arn],
          okActions: [this.alarmTopic.arn],
          ...spec,
        }),
      );

    for (const f of props.functions) {
      alarm(`${f.name.replace(`async-jobs-${settings.environment}-`, '')}-errors`, {
        namespace: 'AWS/Lambda',
        metricName: 'Errors',
        dimensions: { FunctionName: f.name },
        statistic: 'Sum',
        threshold: 0,
        comparisonOperator: 'GreaterThanThreshold',
        alarmDescription: `${f.name} invocations fail`,
      });
    }
    for (const { consumerId, fn } of props.consumers) {
      alarm(`consumer-${consumerId}-iterator-age`, {
        namespace: 'AWS/Lambda',
        metricName: 'IteratorAge',
        dimensions: { FunctionName: fn.name },
        statistic: 'Maximum',
        threshold: settings.alarms.iteratorAgeMs,
        comparisonOperator: 'GreaterThanThreshold',
        alarmDescription: `Consumer ${consumerId} falls behind the jobs stream`,
      });
    }
    for (const jobType of settings.alarms.perJobType) {
      for (const { consumerId } of props.consumers) {
        alarm(`${jobType}-failed-on-${consumerId}`, {
          namespace: METRICS_NAMESPACE,
          metricName: 'JobsFailed',
          dimensions: { consumer: consumerId, jobType },
          statistic: 'Sum',
          threshold: 0,
          comparisonOperator: 'GreaterThanThreshold',
          alarmDescription: `Jobs of type ${jobType} fail on consumer ${consumerId}`,
        });
      }
    }
    alarm('failures-archived', {
      namespace: METRICS_NAMESPACE,
      metricName: 'FailuresArchived',
      dimensions: {},
      statistic: 'Sum',
      threshold: 0,
      comparisonOperator: 'GreaterThanThreshold',
      alarmDescription: 'The error handler could not record failures: they are in the archive, replay them once the cause is fixed',
    });
    alarm('api-5xx', {
      namespace: 'AWS/ApiGateway',
      metricName: '5XXError',
      dimensions: { ApiName: props.apiName, Stage: props.stageName },
      statistic: 'Sum',
      threshold: 0,
      comparisonOperator: 'GreaterThanThreshold',
      alarmDescription: 'The jobs API answers with server errors',
    });
    alarm('api-latency-p99', {
      namespace: 'AWS/ApiGateway',
      metricName: 'Latency',
      dimensions: { ApiName: props.apiName, Stage: props.stageName },
      extendedStatistic: 'p99',
      threshold: settings.alarms.apiLatencyP99Ms,
      comparisonOperator: 'GreaterThanThreshold',
      alarmDescription: 'The jobs API is slow',
    });

    const metric = (namespace: string, name: string, dimensions: Record<string, string>, stat = 'Sum') => [namespace, name, ...Object.entries(dimensions).flat(), { stat }];
    new CloudwatchDashboard(this, 'dashboard', {
      dashboardName: resourceName(settings.environment, 'dashboard'),
      dashboardBody: JSON.stringify({
        widgets: [
          widget(0, 'API requests and errors', props.region, [
            metric('AWS/ApiGateway', 'Count', { ApiName: props.apiName, Stage: props.stageName }),
            metric('AWS/ApiGateway', '4XXError', { ApiName: props.apiName, Stage: props.stageName }),
            metric('AWS/ApiGateway', '5XXError', { ApiName: props.apiName, Stage: props.stageName }),
          ]),
          widget(1, 'Jobs', props.region, ['JobsSucceeded', 'JobsFailed', 'JobsRetry', 'JobsSkipped', 'FailuresRecorded', 'FailuresArchived'].map((m) => metric(METRICS_NAMESPACE, m, {}))),
          widget(2, 'Stream iterator age', props.region, props.consumers.map(({ fn }) => metric('AWS/Lambda', 'IteratorAge', { FunctionName: fn.name }, 'Maximum'))),
          widget(3, 'Function errors', props.region, props.functions.map((f) => metric('AWS/Lambda', 'Errors', { FunctionName: f.name }))),
        ],
      }),
    });
  }
}

function widget(index: number, title: string, region: string, metrics: unknown[]) {
  return { type: 'metric', x: (index % 2) * 12, y: Math.floor(index / 2) * 6, width: 12, height: 6, properties: { title, region, metrics, period: 60, view: 'timeSeries' } };
}
