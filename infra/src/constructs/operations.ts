import { Construct } from 'constructs';
import { CloudwatchDashboard } from '@cdktf/provider-aws/lib/cloudwatch-dashboard';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import type { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { SnsTopicSubscription } from '@cdktf/provider-aws/lib/sns-topic-subscription';
import {
  operationsPlan,
  resourceName,
  resourceNames,
  type DeploymentSettings,
  type SeriesPlan,
  type WidgetPlan,
} from '@async-jobs/platform';

const PERCENTILE = /^p\d+(\.\d+)?$/;

/**
 * What an operator is told and shown: every alarm and widget of the environment's operations plan
 * (the same data the metrics contract test checks against what the running system emits), an
 * encrypted alarm topic, and its subscriptions from the settings (email and HTTPS endpoints).
 */
export class Operations extends Construct {
  readonly alarmTopic: SnsTopic;
  readonly alarms: CloudwatchMetricAlarm[];

  constructor(
    scope: Construct,
    id: string,
    props: { settings: DeploymentSettings; key: KmsKey; region: string; processorTimeoutSeconds: number },
  ) {
    super(scope, id);
    const { settings } = props;
    const names = resourceNames(settings.environment);
    const plan = operationsPlan(settings, { processorTimeoutSeconds: props.processorTimeoutSeconds });
    this.alarmTopic = new SnsTopic(this, 'alarm-topic', { name: names.alarmTopic, kmsMasterKeyId: props.key.arn });
    const subscribers = [
      ...settings.alarms.notify.email.map((endpoint) => ({ protocol: 'email', endpoint })),
      ...settings.alarms.notify.https.map((endpoint) => ({ protocol: 'https', endpoint })),
    ];
    for (const [index, { protocol, endpoint }] of subscribers.entries()) {
      // Both confirm out of band (a mail, a request to the endpoint): until then SNS holds them pending.
      new SnsTopicSubscription(this, `notify-${index}`, {
        topicArn: this.alarmTopic.arn,
        protocol,
        endpoint,
        ...(protocol === 'https' ? { endpointAutoConfirms: true } : {}),
      });
    }

    this.alarms = plan.alarms.map(
      (alarm) =>
        new CloudwatchMetricAlarm(this, alarm.id, {
          alarmName: resourceName(settings.environment, alarm.id),
          alarmDescription: alarm.description,
          namespace: alarm.series.namespace,
          metricName: alarm.series.metricName,
          dimensions: alarm.series.dimensions,
          ...(PERCENTILE.test(alarm.series.stat) ? { extendedStatistic: alarm.series.stat } : { statistic: alarm.series.stat }),
          threshold: alarm.threshold,
          comparisonOperator: alarm.comparison,
          period: alarm.periodSeconds,
          evaluationPeriods: alarm.evaluationPeriods,
          datapointsToAlarm: alarm.datapointsToAlarm,
          treatMissingData: 'notBreaching',
          alarmActions: [this.alarmTopic.arn],
          okActions: [this.alarmTopic.arn],
        }),
    );

    new CloudwatchDashboard(this, 'dashboard', {
      dashboardName: resourceName(settings.environment, 'dashboard'),
      dashboardBody: JSON.stringify({ widgets: plan.widgets.map((widget, index) => dashboardWidget(widget, index, props.region)) }),
    });
  }
}

/** A metric widget in CloudWatch's dashboard body format: each series `[namespace, name, dim, value, …, {stat, label}]`. */
function dashboardWidget(widget: WidgetPlan, index: number, region: string) {
  const metric = (series: SeriesPlan & { label?: string }) => [
    series.namespace,
    series.metricName,
    ...Object.entries(series.dimensions).flat(),
    { stat: series.stat, ...(series.label ? { label: series.label } : {}) },
  ];
  return {
    type: 'metric',
    x: (index % 2) * 12,
    y: Math.floor(index / 2) * 6,
    width: 12,
    height: 6,
    properties: { title: widget.title, region, metrics: widget.series.map(metric), period: 60, view: 'timeSeries' },
  };
}
