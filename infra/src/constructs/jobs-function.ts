import { resolve } from 'node:path';
import { Construct } from 'constructs';
import { AssetType, TerraformAsset } from 'cdktf';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import type { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
import type { FunctionSettings } from '@async-jobs/platform';
import { leastPrivilegePolicy, type Grant } from './least-privilege-policy';

export interface JobsFunctionProps {
  name: string;
  /** The app's `nx build` output folder, zipped as it is. */
  bundleDir: string;
  settings: FunctionSettings;
  environment: Record<string, string>;
  logRetentionDays: number;
  key: KmsKey;
  /** What the function may do beyond writing its own logs and traces. */
  grants: Grant[];
  /** Deployed to an AWS emulator (the rehearsal's moto), which does not report some attributes back. */
  emulated?: boolean;
}

/**
 * One Lambda function from its bundle: Node 22 on arm64, JSON logs to its own encrypted log group
 * with retention, X-Ray active tracing, and a role that may do exactly what `grants` say.
 */
export class JobsFunction extends Construct {
  readonly fn: LambdaFunction;
  readonly role: IamRole;
  readonly logGroup: CloudwatchLogGroup;
  /** The function's name as a plain string (attributes of `fn` are Terraform references). */
  readonly name: string;

  constructor(scope: Construct, id: string, props: JobsFunctionProps) {
    super(scope, id);
    this.name = props.name;
    const bundle = new TerraformAsset(this, 'bundle', { path: resolve(props.bundleDir), type: AssetType.ARCHIVE });
    this.logGroup = new CloudwatchLogGroup(this, 'logs', {
      name: `/aws/lambda/${props.name}`,
      retentionInDays: props.logRetentionDays,
      kmsKeyId: props.key.arn,
    });
    this.role = new IamRole(this, 'role', {
      name: `${props.name}-role`,
      assumeRolePolicy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
      }),
    });
    const policy = leastPrivilegePolicy(this, 'policy', [
      { sid: 'WriteOwnLogs', actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [`${this.logGroup.arn}:*`] },
      // X-Ray's trace APIs have no resource-level permissions: AWS requires "*" here.
      { sid: 'SendTraces', actions: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], resources: ['*'] },
      ...props.grants,
    ]);
    new IamRolePolicy(this, 'role-policy', { name: 'least-privilege', role: this.role.id, policy: policy.json });
    this.fn = new LambdaFunction(this, 'function', {
      functionName: props.name,
      role: this.role.arn,
      filename: bundle.path,
      sourceCodeHash: bundle.assetHash,
      handler: 'main.handler',
      runtime: 'nodejs22.x',
      architectures: ['arm64'],
      memorySize: props.settings.memoryMb,
      timeout: props.settings.timeoutSeconds,
      reservedConcurrentExecutions: props.settings.reservedConcurrency,
      environment: { variables: { ...props.environment, NODE_OPTIONS: '--enable-source-maps' } },
      tracingConfig: { mode: 'Active' },
      // JSON format; levels are filtered by the app's LOG_LEVEL (pino), not by Lambda.
      loggingConfig: { logFormat: 'JSON', logGroup: this.logGroup.name },
      dependsOn: [this.logGroup],
      // moto 5 stores no logging_config, so every re-plan would show it as a change; AWS does store it.
      ...(props.emulated ? { lifecycle: { ignoreChanges: ['logging_config'] } } : {}),
    });
  }
}
