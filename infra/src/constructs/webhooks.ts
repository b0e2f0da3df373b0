import { randomBytes } from 'node:crypto';
import { Construct } from 'constructs';
import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule';
import { CloudwatchEventTarget } from '@cdktf/provider-aws/lib/cloudwatch-event-target';
import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import type { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { LambdaEventSourceMapping } from '@cdktf/provider-aws/lib/lambda-event-source-mapping';
import { SecretsmanagerSecret } from '@cdktf/provider-aws/lib/secretsmanager-secret';
import { SecretsmanagerSecretVersion } from '@cdktf/provider-aws/lib/secretsmanager-secret-version';
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { SqsQueuePolicy } from '@cdktf/provider-aws/lib/sqs-queue-policy';
import { resourceNames, WEBHOOK_EVENTS_PATTERN, webhookSenderEnvironment, type DeploymentSettings } from '@async-jobs/platform';
import { JobsFunction } from './jobs-function';

/**
 * Webhooks: the job-events bus's rule puts every finished job that asked to be notified on an encrypted queue; the
 * sender POSTs it, signed with the environment's secret, and schedules each retry as the message's visibility, for an
 * hour. A message received too often (a sender that keeps crashing on it) goes to the dead-letter queue.
 */
export class Webhooks extends Construct {
  readonly queue: SqsQueue;
  readonly deadLetters: SqsQueue;
  readonly secret: SecretsmanagerSecret;
  readonly sender: JobsFunction;
  readonly rule: CloudwatchEventRule;

  constructor(
    scope: Construct,
    id: string,
    props: { settings: DeploymentSettings; bundleDir: string; jobEventsBusName: string; key: KmsKey; emulated?: boolean },
  ) {
    super(scope, id);
    const { settings, key } = props;
    const names = resourceNames(settings.environment);
    const timeoutSeconds = settings.functions.webhookSender.timeoutSeconds;

    this.secret = new SecretsmanagerSecret(this, 'secret', {
      name: names.webhookSecret,
      description: 'Signs the webhooks of async-jobs (HMAC-SHA256); rotate with put-secret-value',
      kmsKeyId: key.arn,
      recoveryWindowInDays: settings.deletionProtection ? 30 : 0,
    });
    // The first value is made at synth and kept from then on (a rotation is a put-secret-value, not a deploy).
    new SecretsmanagerSecretVersion(this, 'first-value', {
      secretId: this.secret.id,
      secretString: randomBytes(32).toString('hex'),
      lifecycle: { ignoreChanges: ['secret_string'] },
    });

    this.deadLetters = new SqsQueue(this, 'dead-letters', {
      name: names.webhookDeadLetters,
      kmsMasterKeyId: key.arn,
      messageRetentionSeconds: 14 * 86_400,
    });
    this.queue = new SqsQueue(this, 'queue', {
      name: names.webhookQueue,
      kmsMasterKeyId: key.arn,
      // Six times the sender's timeout, as Lambda advises for a queue it reads; retries set their own visibility.
      visibilityTimeoutSeconds: timeoutSeconds * 6,
      // A day: the hour of retries and room for an outage of the sender.
      messageRetentionSeconds: 86_400,
      redrivePolicy: JSON.stringify({ deadLetterTargetArn: this.deadLetters.arn, maxReceiveCount: 20 }),
      // moto hands the policy back re-spaced, which the provider reads as a change on every plan; AWS does not.
      ...(props.emulated ? { lifecycle: { ignoreChanges: ['redrive_policy'] } } : {}),
    });
    this.rule = new CloudwatchEventRule(this, 'rule', {
      name: names.webhookRule,
      eventBusName: props.jobEventsBusName,
      description: 'Finished jobs that asked to be notified, to the webhook queue',
      eventPattern: JSON.stringify(WEBHOOK_EVENTS_PATTERN),
    });
    new CloudwatchEventTarget(this, 'target', {
      rule: this.rule.name,
      eventBusName: props.jobEventsBusName,
      arn: this.queue.arn,
      targetId: 'webhook-queue',
    });
    const mayEnqueue = new DataAwsIamPolicyDocument(this, 'rule-may-enqueue', {
      statement: [
        {
          sid: 'TheWebhookRuleEnqueues',
          effect: 'Allow',
          principals: [{ type: 'Service', identifiers: ['events.amazonaws.com'] }],
          actions: ['sqs:SendMessage'],
          resources: [this.queue.arn],
          condition: [{ test: 'ArnEquals', variable: 'aws:SourceArn', values: [this.rule.arn] }],
        },
      ],
    });
    new SqsQueuePolicy(this, 'queue-policy', { queueUrl: this.queue.url, policy: mayEnqueue.json });

    this.sender = new JobsFunction(this, 'sender', {
      name: names.webhookSenderFunction,
      bundleDir: props.bundleDir,
      settings: settings.functions.webhookSender,
      environment: webhookSenderEnvironment(settings, this.queue.url),
      logRetentionDays: settings.logRetentionDays,
      key,
      emulated: props.emulated,
      grants: [
        // Lambda's mapping reads and deletes with this role; a retry is a visibility change.
        {
          sid: 'ConsumeTheWebhookQueue',
          actions: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:ChangeMessageVisibility'],
          resources: [this.queue.arn],
        },
        { sid: 'ReadTheSigningSecret', actions: ['secretsmanager:GetSecretValue'], resources: [this.secret.arn] },
        { sid: 'UseTheDataKey', actions: ['kms:Decrypt'], resources: [key.arn] },
      ],
    });
    new LambdaEventSourceMapping(this, 'mapping', {
      eventSourceArn: this.queue.arn,
      functionName: this.sender.fn.arn,
      batchSize: 10,
      functionResponseTypes: ['ReportBatchItemFailures'],
    });
  }
}
