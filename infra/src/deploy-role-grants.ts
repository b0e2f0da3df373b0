import { resourceNames, resultsBucketName, SERVICE_NAME } from '@async-jobs/platform';
import type { Grant } from './constructs/least-privilege-policy';
import type { DeployTarget } from './deploy-targets';

/**
 * What deploying one environment takes: create, change and delete that environment's resources
 * (all named `async-jobs-<env>-…`), read and write its own state object and lock file, nothing else.
 * Where AWS names no resource for an action (CreateKey, the API Gateway REST paths, …) a condition
 * or the narrowest path AWS offers bounds it. The plan role gets the reading half (planRoleGrants).
 *
 * Written from the AWS provider's calls for the resources this stack makes; a provider upgrade that
 * reads something new fails the plan with AccessDenied naming the action: add it here (docs/deploy.md).
 */
export function deployRoleGrants(target: DeployTarget): Grant[] {
  const { environment: env, accountId: account, region } = target;
  const prefix = `${SERVICE_NAME}-${env}-`;
  const names = resourceNames(env);
  const arn = (service: string, resource: string) => `arn:aws:${service}:${region}:${account}:${resource}`;
  const results = resultsBucketName(env, account, region);
  const stateObject = `arn:aws:s3:::${target.state.bucket}/${target.state.key}`;
  const tagged = { test: 'StringEquals', variable: 'aws:ResourceTag/environment', values: [env] };
  return [
    {
      sid: 'TerraformStateOfThisEnvironment',
      actions: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'],
      resources: [stateObject, `${stateObject}.tflock`],
    },
    {
      sid: 'FindTheStateObject',
      actions: ['s3:ListBucket'],
      resources: [`arn:aws:s3:::${target.state.bucket}`],
      conditions: [{ test: 'StringLike', variable: 's3:prefix', values: [`${target.state.key}*`] }],
    },
    // The provider checks the account it runs in (allowed_account_ids): AWS names no resource for it.
    { sid: 'WhoAmI', actions: ['sts:GetCallerIdentity'], resources: ['*'] },
    {
      sid: 'JobsTable',
      actions: [
        'dynamodb:CreateTable',
        'dynamodb:UpdateTable',
        'dynamodb:DeleteTable',
        'dynamodb:DescribeTable',
        'dynamodb:DescribeContinuousBackups',
        'dynamodb:UpdateContinuousBackups',
        'dynamodb:DescribeTimeToLive',
        'dynamodb:UpdateTimeToLive',
        'dynamodb:ListTagsOfResource',
        'dynamodb:TagResource',
        'dynamodb:UntagResource',
        'dynamodb:DescribeStream',
      ],
      resources: [arn('dynamodb', `table/${prefix}*`)],
    },
    {
      sid: 'Functions',
      actions: [
        'lambda:CreateFunction',
        'lambda:DeleteFunction',
        'lambda:GetFunction',
        'lambda:GetFunctionConfiguration',
        'lambda:GetFunctionCodeSigningConfig',
        'lambda:ListVersionsByFunction',
        'lambda:UpdateFunctionCode',
        'lambda:UpdateFunctionConfiguration',
        'lambda:PutFunctionConcurrency',
        'lambda:DeleteFunctionConcurrency',
        'lambda:GetFunctionConcurrency',
        'lambda:AddPermission',
        'lambda:RemovePermission',
        'lambda:GetPolicy',
        'lambda:PutFunctionEventInvokeConfig',
        'lambda:UpdateFunctionEventInvokeConfig',
        'lambda:GetFunctionEventInvokeConfig',
        'lambda:DeleteFunctionEventInvokeConfig',
        'lambda:ListTags',
        'lambda:TagResource',
        'lambda:UntagResource',
      ],
      resources: [arn('lambda', `function:${prefix}*`)],
    },
    {
      sid: 'StreamMappingsOfTheseFunctions',
      actions: ['lambda:CreateEventSourceMapping', 'lambda:UpdateEventSourceMapping', 'lambda:DeleteEventSourceMapping'],
      // A mapping has no name to scope by: the function it feeds bounds it.
      resources: ['*'],
      conditions: [{ test: 'ArnLike', variable: 'lambda:FunctionArn', values: [arn('lambda', `function:${prefix}*`)] }],
    },
    { sid: 'ReadStreamMappings', actions: ['lambda:GetEventSourceMapping'], resources: [arn('lambda', 'event-source-mapping:*')] },
    {
      sid: 'RolesOfThisEnvironment',
      actions: [
        'iam:CreateRole',
        'iam:DeleteRole',
        'iam:GetRole',
        'iam:UpdateRole',
        'iam:UpdateAssumeRolePolicy',
        'iam:TagRole',
        'iam:UntagRole',
        'iam:ListRolePolicies',
        'iam:ListAttachedRolePolicies',
        'iam:ListInstanceProfilesForRole',
        'iam:PutRolePolicy',
        'iam:GetRolePolicy',
        'iam:DeleteRolePolicy',
      ],
      resources: [`arn:aws:iam::${account}:role/${prefix}*`],
    },
    {
      sid: 'HandRolesToLambdaOnly',
      actions: ['iam:PassRole'],
      resources: [`arn:aws:iam::${account}:role/${prefix}*`],
      conditions: [{ test: 'StringEquals', variable: 'iam:PassedToService', values: ['lambda.amazonaws.com'] }],
    },
    {
      sid: 'CreateTheKeyTagged',
      actions: ['kms:CreateKey', 'kms:TagResource'],
      resources: ['*'],
      // Tags may be set only to this environment's, and only on a key that has none yet or is already this
      // environment's: no re-tagging another environment's key into reach.
      conditions: [
        { test: 'StringEquals', variable: 'aws:RequestTag/environment', values: [env] },
        { test: 'StringEqualsIfExists', variable: 'aws:ResourceTag/environment', values: [env] },
      ],
    },
    {
      sid: 'KeysTaggedWithThisEnvironment',
      actions: [
        'kms:DescribeKey',
        'kms:GetKeyPolicy',
        'kms:PutKeyPolicy',
        'kms:GetKeyRotationStatus',
        'kms:EnableKeyRotation',
        'kms:ListResourceTags',
        'kms:UntagResource',
        'kms:ScheduleKeyDeletion',
        'kms:CreateAlias',
        'kms:DeleteAlias',
        'kms:UpdateAlias',
        // The secret's first value is written and read back through the key.
        'kms:Encrypt',
        'kms:Decrypt',
        'kms:GenerateDataKey',
      ],
      resources: [arn('kms', 'key/*')],
      conditions: [tagged],
    },
    { sid: 'TheKeyAlias', actions: ['kms:CreateAlias', 'kms:DeleteAlias', 'kms:UpdateAlias'], resources: [arn('kms', `alias/${prefix}*`)] },
    // ListAliases has no resource of its own.
    { sid: 'FindTheKeyAlias', actions: ['kms:ListAliases'], resources: ['*'] },
    {
      sid: 'ResultsBucket',
      actions: [
        's3:CreateBucket',
        's3:DeleteBucket',
        's3:ListBucket',
        's3:ListBucketVersions',
        's3:GetBucketAcl',
        's3:GetBucketCORS',
        's3:GetBucketWebsite',
        's3:GetBucketVersioning',
        's3:GetAccelerateConfiguration',
        's3:GetBucketRequestPayment',
        's3:GetBucketLogging',
        's3:GetReplicationConfiguration',
        's3:GetBucketObjectLockConfiguration',
        's3:GetBucketTagging',
        's3:PutBucketTagging',
        's3:GetBucketPolicy',
        's3:PutBucketPolicy',
        's3:DeleteBucketPolicy',
        's3:GetEncryptionConfiguration',
        's3:PutEncryptionConfiguration',
        's3:GetLifecycleConfiguration',
        's3:PutLifecycleConfiguration',
        's3:GetBucketPublicAccessBlock',
        's3:PutBucketPublicAccessBlock',
        's3:GetBucketOwnershipControls',
        's3:PutBucketOwnershipControls',
      ],
      resources: [`arn:aws:s3:::${results}`],
    },
    // Dev's bucket is emptied when it is destroyed (force_destroy); protected environments never do it.
    { sid: 'EmptyTheResultsBucket', actions: ['s3:DeleteObject', 's3:DeleteObjectVersion'], resources: [`arn:aws:s3:::${results}/*`] },
    {
      sid: 'Topics',
      actions: [
        'sns:CreateTopic',
        'sns:DeleteTopic',
        'sns:GetTopicAttributes',
        'sns:SetTopicAttributes',
        'sns:Subscribe',
        'sns:Unsubscribe',
        'sns:GetSubscriptionAttributes',
        'sns:SetSubscriptionAttributes',
        'sns:ListTagsForResource',
        'sns:TagResource',
        'sns:UntagResource',
      ],
      resources: [arn('sns', `${prefix}*`)],
    },
    {
      sid: 'Queues',
      actions: [
        'sqs:CreateQueue',
        'sqs:DeleteQueue',
        'sqs:GetQueueAttributes',
        'sqs:SetQueueAttributes',
        'sqs:GetQueueUrl',
        'sqs:ListQueueTags',
        'sqs:TagQueue',
        'sqs:UntagQueue',
      ],
      resources: [arn('sqs', `${prefix}*`)],
    },
    {
      sid: 'BusesRulesAndArchive',
      actions: [
        'events:CreateEventBus',
        'events:DeleteEventBus',
        'events:DescribeEventBus',
        'events:PutRule',
        'events:DeleteRule',
        'events:DescribeRule',
        'events:EnableRule',
        'events:DisableRule',
        'events:PutTargets',
        'events:RemoveTargets',
        'events:ListTargetsByRule',
        'events:CreateArchive',
        'events:UpdateArchive',
        'events:DeleteArchive',
        'events:DescribeArchive',
        'events:ListTagsForResource',
        'events:TagResource',
        'events:UntagResource',
      ],
      resources: [
        arn('events', `event-bus/${prefix}*`),
        // The sweeper's schedule is on the default bus; the others on this environment's buses.
        arn('events', `rule/${prefix}*`),
        arn('events', `rule/${prefix}*/${prefix}*`),
        arn('events', `archive/${prefix}*`),
      ],
    },
    {
      sid: 'LogGroups',
      actions: [
        'logs:CreateLogGroup',
        'logs:DeleteLogGroup',
        'logs:PutRetentionPolicy',
        'logs:DeleteRetentionPolicy',
        'logs:AssociateKmsKey',
        'logs:DisassociateKmsKey',
        'logs:ListTagsForResource',
        'logs:ListTagsLogGroup',
        'logs:TagResource',
        'logs:UntagResource',
      ],
      resources: [
        arn('logs', `log-group:/aws/lambda/${prefix}*`),
        arn('logs', `log-group:/aws/apigateway/${names.api}`),
        arn('logs', `log-group:/aws/apigateway/${names.api}:*`),
        arn('logs', `log-group:/aws/lambda/${prefix}*:*`),
      ],
    },
    // The provider reads a log group back by listing: DescribeLogGroups has no narrower resource.
    { sid: 'FindLogGroups', actions: ['logs:DescribeLogGroups'], resources: [arn('logs', 'log-group:*')] },
    {
      sid: 'AlarmsAndDashboard',
      actions: [
        'cloudwatch:PutMetricAlarm',
        'cloudwatch:DeleteAlarms',
        'cloudwatch:DescribeAlarms',
        'cloudwatch:ListTagsForResource',
        'cloudwatch:TagResource',
        'cloudwatch:UntagResource',
        'cloudwatch:PutDashboard',
        'cloudwatch:GetDashboard',
        'cloudwatch:DeleteDashboards',
      ],
      resources: [arn('cloudwatch', `alarm:${prefix}*`), `arn:aws:cloudwatch::${account}:dashboard/${prefix}*`],
    },
    {
      sid: 'WebhookSecret',
      actions: [
        'secretsmanager:CreateSecret',
        'secretsmanager:DeleteSecret',
        'secretsmanager:DescribeSecret',
        'secretsmanager:GetSecretValue',
        'secretsmanager:PutSecretValue',
        'secretsmanager:UpdateSecret',
        'secretsmanager:GetResourcePolicy',
        'secretsmanager:TagResource',
        'secretsmanager:UntagResource',
      ],
      resources: [arn('secretsmanager', `secret:${prefix}*`)],
    },
    // API Gateway's IAM actions are HTTP verbs on its REST paths. Its REST APIs have no name in their ARNs, but
    // their children (resources, methods, integrations, models, stages, deployments …) carry the API's tags for
    // access control: the API is created with this environment's tag, and only such APIs may be changed.
    {
      sid: 'CreateTheRestApiTagged',
      actions: ['apigateway:POST'],
      resources: [`arn:aws:apigateway:${region}::/restapis`],
      conditions: [{ test: 'StringEquals', variable: 'aws:RequestTag/environment', values: [env] }],
    },
    {
      sid: 'ChangeThisEnvironmentsRestApi',
      actions: ['apigateway:POST', 'apigateway:PUT', 'apigateway:PATCH', 'apigateway:DELETE'],
      resources: [`arn:aws:apigateway:${region}::/restapis/*`, `arn:aws:apigateway:${region}::/tags/*`],
      conditions: [{ test: 'StringEquals', variable: 'aws:ResourceTag/environment', values: [env] }],
    },
    {
      sid: 'ReadRestApis',
      actions: ['apigateway:GET'],
      resources: [
        `arn:aws:apigateway:${region}::/restapis`,
        `arn:aws:apigateway:${region}::/restapis/*`,
        `arn:aws:apigateway:${region}::/tags/*`,
      ],
    },
    {
      sid: 'WebAcl',
      actions: [
        'wafv2:CreateWebACL',
        'wafv2:UpdateWebACL',
        'wafv2:DeleteWebACL',
        'wafv2:GetWebACL',
        'wafv2:GetWebACLForResource',
        'wafv2:AssociateWebACL',
        'wafv2:DisassociateWebACL',
        'wafv2:ListTagsForResource',
        'wafv2:TagResource',
        'wafv2:UntagResource',
      ],
      resources: [
        arn('wafv2', `regional/webacl/${prefix}*/*`),
        arn('wafv2', 'regional/managedruleset/*/*'),
        `arn:aws:apigateway:${region}::/restapis/*/stages/${env}`,
      ],
    },
    {
      sid: 'AttachTheWebAclToTheStage',
      actions: ['apigateway:SetWebACL'],
      resources: [`arn:aws:apigateway:${region}::/restapis/*/stages/${env}`],
      conditions: [{ test: 'StringEquals', variable: 'aws:ResourceTag/environment', values: [env] }],
    },
  ];
}

/** Reading actions: what `terraform plan` needs to refresh state and compare. */
const READS = /^[a-z0-9-]+:(Get|Describe|List)[A-Za-z]*$|^apigateway:GET$/;

/**
 * The plan role's grants: the reading half of the deploy role's, the state object read-only (plans
 * on pull requests run with -lock=false), and the key's Decrypt to read the secret's value back.
 */
export function planRoleGrants(target: DeployTarget): Grant[] {
  return deployRoleGrants(target)
    .map((grant) => {
      const actions = grant.actions.filter(
        (action) => READS.test(action) || (grant.sid === 'KeysTaggedWithThisEnvironment' && action === 'kms:Decrypt'),
      );
      if (grant.sid === 'TerraformStateOfThisEnvironment') return { ...grant, actions: ['s3:GetObject'], resources: [grant.resources[0]] };
      return { ...grant, actions };
    })
    .filter((grant) => grant.actions.length > 0);
}
