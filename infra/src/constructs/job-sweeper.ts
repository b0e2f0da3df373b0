import { Construct } from 'constructs';
import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule';
import { CloudwatchEventTarget } from '@cdktf/provider-aws/lib/cloudwatch-event-target';
import type { DynamodbTable } from '@cdktf/provider-aws/lib/dynamodb-table';
import type { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { LambdaFunctionEventInvokeConfig } from '@cdktf/provider-aws/lib/lambda-function-event-invoke-config';
import { LambdaPermission } from '@cdktf/provider-aws/lib/lambda-permission';
import { jobSweeperEnvironment, resourceNames, UNFINISHED_ENTRIES_INDEX, type DeploymentSettings } from '@async-jobs/platform';
import { JobsFunction } from './jobs-function';

/**
 * `rate(n minutes)` from the sweep interval. A schedule takes whole minutes only, so an interval
 * below a minute (the local environment's seconds, played by the local runtime) deploys as one minute.
 */
export function sweepSchedule(intervalSeconds: number): string {
  const minutes = Math.max(1, Math.ceil(intervalSeconds / 60));
  return `rate(${minutes} ${minutes === 1 ? 'minute' : 'minutes'})`;
}

/**
 * The stalled-entry sweeper: the job-sweeper function on an EventBridge schedule. It may query
 * each consumer's unfinished-entries index and read and write the jobs it judges, nothing else. A
 * failed sweep is not retried: the next tick sweeps again.
 */
export class JobSweeper extends Construct {
  readonly function: JobsFunction;
  readonly schedule: CloudwatchEventRule;

  constructor(
    scope: Construct,
    id: string,
    props: { settings: DeploymentSettings; bundleDir: string; table: DynamodbTable; key: KmsKey; emulated?: boolean },
  ) {
    super(scope, id);
    const { settings, table, key } = props;
    const names = resourceNames(settings.environment);
    this.function = new JobsFunction(this, 'sweeper', {
      name: names.sweeperFunction,
      bundleDir: props.bundleDir,
      settings: settings.functions.jobSweeper,
      environment: jobSweeperEnvironment(settings),
      logRetentionDays: settings.logRetentionDays,
      key,
      emulated: props.emulated,
      grants: [
        {
          sid: 'FindOverdueEntries',
          actions: ['dynamodb:Query'],
          resources: settings.consumers.map((c) => `${table.arn}/index/${UNFINISHED_ENTRIES_INDEX.name(c)}`),
        },
        // A strongly consistent read of each overdue job, and one conditional write of the verdict.
        { sid: 'JudgeAndEndStalledEntries', actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem'], resources: [table.arn] },
        { sid: 'UseTheDataKey', actions: ['kms:Decrypt', 'kms:GenerateDataKey'], resources: [key.arn] },
      ],
    });
    this.schedule = new CloudwatchEventRule(this, 'schedule', {
      name: names.sweeperSchedule,
      description: 'Ends job entries that nothing else will finish',
      scheduleExpression: sweepSchedule(settings.sweeper.intervalSeconds),
    });
    new CloudwatchEventTarget(this, 'target', { rule: this.schedule.name, arn: this.function.fn.arn, targetId: 'job-sweeper' });
    new LambdaPermission(this, 'schedule-may-invoke', {
      statementId: 'AllowSweepSchedule',
      action: 'lambda:InvokeFunction',
      functionName: this.function.fn.functionName,
      principal: 'events.amazonaws.com',
      sourceArn: this.schedule.arn,
    });
    new LambdaFunctionEventInvokeConfig(this, 'async', {
      functionName: this.function.fn.functionName,
      maximumRetryAttempts: 0,
      maximumEventAgeInSeconds: 60,
    });
  }
}
