import { Construct } from 'constructs';
import { CloudwatchEventBus } from '@cdktf/provider-aws/lib/cloudwatch-event-bus';
import type { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { resourceNames, type DeploymentSettings } from '@async-jobs/platform';

/**
 * The job-events bus: every terminal transition of a consumer's entry and of a job, as `async-jobs` events
 * (docs/architecture.md, Job events). Encrypted with the project key: events carry the job's input. Subscribers add
 * rules of their own (to SQS, Lambda or an API destination); the stack adds none.
 */
export class JobEventsBus extends Construct {
  readonly bus: CloudwatchEventBus;

  constructor(scope: Construct, id: string, props: { settings: DeploymentSettings; key: KmsKey }) {
    super(scope, id);
    this.bus = new CloudwatchEventBus(this, 'bus', {
      name: resourceNames(props.settings.environment).jobEventsBus,
      description: 'Terminal transitions of async-jobs jobs and their consumers',
      kmsKeyIdentifier: props.key.arn,
    });
  }
}
