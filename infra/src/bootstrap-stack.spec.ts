import { rmSync } from 'node:fs';
import { Testing } from 'cdktf';
import { deploymentSettings } from '@async-jobs/platform';
import { BootstrapStack } from './bootstrap-stack';
import { deployRoleGrants, planRoleGrants } from './deploy-role-grants';
import { deployTarget, type DeployTargetsFile } from './deploy-targets';
import { JobsStack } from './jobs-stack';
import { bundleStandIns } from './testing/bundle-stand-ins';

type Json = Record<string, any>;
const FILE: DeployTargetsFile = {
  repository: 'example-org/async-jobs',
  stateRegion: 'eu-west-1',
  environments: {
    dev: { accountId: '111111111111', lambdaConcurrencyQuota: 1000 },
    staging: { accountId: '111111111111', lambdaConcurrencyQuota: 1000 },
    prod: { accountId: '333333333333', lambdaConcurrencyQuota: 1000 },
  },
};
const target = (env: 'dev' | 'staging' | 'prod') => deployTarget(FILE, env);

const synthBootstrap = (options: { firstRun?: boolean; targets?: ReturnType<typeof target>[] } = {}): Json => {
  const stack = new BootstrapStack(Testing.app(), 'jobs-bootstrap-111111111111', {
    accountId: '111111111111',
    stateRegion: 'eu-west-1',
    repository: 'example-org/async-jobs',
    targets: options.targets ?? [target('dev'), target('staging')],
    firstRun: options.firstRun,
  });
  return JSON.parse(Testing.synth(stack)) as Json;
};
const values = (json: Json, type: string): Json[] => Object.values(json['resource'][type] ?? {});

/** The policy IAM stores: what its size limit counts. */
const iamDocument = (grants: ReturnType<typeof deployRoleGrants>) =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: grants.map((g) => ({
      Sid: g.sid,
      Effect: 'Allow',
      Action: g.actions,
      Resource: g.resources,
      ...(g.conditions
        ? {
            Condition: Object.fromEntries(
              (g.conditions as { test: string; variable: string; values: string[] }[]).map((c) => [c.test, { [c.variable]: c.values }]),
            ),
          }
        : {}),
    })),
  });

describe('the bootstrap stack of an account', () => {
  const json = synthBootstrap();

  it('keeps every state in a versioned, encrypted, private, TLS-only bucket that Terraform never destroys', () => {
    const [bucket] = values(json, 'aws_s3_bucket');
    expect(bucket).toMatchObject({ bucket: 'async-jobs-tfstate-111111111111-eu-west-1', lifecycle: { prevent_destroy: true } });
    expect(
      values(json, 'aws_s3_bucket_versioning_v2' in json['resource'] ? 'aws_s3_bucket_versioning_v2' : 'aws_s3_bucket_versioning')[0],
    ).toMatchObject({
      versioning_configuration: { status: 'Enabled' },
    });
    expect(
      values(json, 'aws_s3_bucket_server_side_encryption_configuration')[0].rule[0].apply_server_side_encryption_by_default.sse_algorithm,
    ).toBe('AES256');
    expect(values(json, 'aws_s3_bucket_public_access_block')[0]).toMatchObject({
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
    const tlsOnly = Object.values(json['data'].aws_iam_policy_document as Json).find(
      (d: Json) => d.statement[0].sid === 'DenyPlainHttp',
    ) as Json;
    expect(tlsOnly.statement[0]).toMatchObject({
      effect: 'Deny',
      condition: [{ test: 'Bool', variable: 'aws:SecureTransport', values: ['false'] }],
    });
  });

  it('keeps its own state in that bucket, except on the first run, which has no bucket yet', () => {
    expect(json['terraform'].backend.s3).toEqual({
      bucket: 'async-jobs-tfstate-111111111111-eu-west-1',
      key: 'bootstrap.tfstate',
      region: 'eu-west-1',
      encrypt: true,
      use_lockfile: true,
    });
    expect(synthBootstrap({ firstRun: true })['terraform'].backend).toEqual({ local: { path: 'terraform.tfstate' } });
    expect(json['provider'].aws.every((p: Json) => JSON.stringify(p.allowed_account_ids) === '["111111111111"]')).toBe(true);
  });

  it("owns API Gateway's logging role once for the account, set in every region an environment of it uses", () => {
    const logging = values(json, 'aws_iam_role').filter((r) => r.name === 'async-jobs-apigateway-cloudwatch');
    expect(logging).toHaveLength(1);
    expect(JSON.parse(logging[0].assume_role_policy).Statement[0]).toMatchObject({
      Principal: { Service: 'apigateway.amazonaws.com' },
      Condition: { StringEquals: { 'aws:SourceAccount': '111111111111' } },
    });
    // dev and staging share eu-west-1: one setting.
    expect(values(json, 'aws_api_gateway_account')).toHaveLength(1);
    const elsewhere = { ...target('staging'), region: 'us-east-1' };
    const twoRegions = synthBootstrap({ targets: [target('dev'), elsewhere] });
    const accounts = values(twoRegions, 'aws_api_gateway_account');
    expect(accounts).toHaveLength(2);
    expect(accounts.map((a) => a.provider).sort()).toEqual(['aws', 'aws.us-east-1']);
    expect(twoRegions['provider'].aws.map((p: Json) => p.allowed_account_ids)).toEqual([['111111111111'], ['111111111111']]);
    expect(values(json, 'aws_iam_role_policy').map((p) => p.name)).toContain('push-api-gateway-logs');
    // No environment in the state region: the setting is made only where one is.
    const apart = new BootstrapStack(Testing.app(), 'jobs-bootstrap-111111111111', {
      accountId: '111111111111',
      stateRegion: 'us-east-2',
      repository: 'example-org/async-jobs',
      targets: [target('dev')],
    });
    const apartJson = JSON.parse(Testing.synth(apart)) as Json;
    expect(values(apartJson, 'aws_api_gateway_account').map((a) => a.provider)).toEqual([`aws.${target('dev').region}`]);
  });

  it('trusts GitHub by OIDC: each deploy role only in its GitHub environment of this repository, each plan role from its pull requests', () => {
    expect(values(json, 'aws_iam_openid_connect_provider')[0]).toMatchObject({
      url: 'https://token.actions.githubusercontent.com',
      client_id_list: ['sts.amazonaws.com'],
    });
    const trustOf = (name: string) =>
      JSON.parse(values(json, 'aws_iam_role').find((r) => r.name === name)?.assume_role_policy ?? '{}').Statement;
    for (const env of ['dev', 'staging']) {
      expect(trustOf(`async-jobs-${env}-deploy`)).toEqual([
        expect.objectContaining({
          Action: 'sts:AssumeRoleWithWebIdentity',
          Condition: {
            StringEquals: {
              'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com',
              'token.actions.githubusercontent.com:sub': `repo:example-org/async-jobs:environment:${env}`,
            },
          },
        }),
      ]);
      expect(trustOf(`async-jobs-${env}-plan`)).toEqual([
        {
          Effect: 'Allow',
          Principal: { Federated: expect.stringContaining('aws_iam_openid_connect_provider.') },
          Action: 'sts:AssumeRoleWithWebIdentity',
          Condition: {
            StringEquals: {
              'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com',
              'token.actions.githubusercontent.com:sub': 'repo:example-org/async-jobs:pull_request',
            },
          },
        },
      ]);
    }
    // prod lives in another account: not here.
    expect(values(json, 'aws_iam_role').map((r) => r.name)).not.toContain('async-jobs-prod-deploy');
  });

  it("attaches to each role its own environment's grants: the plan roles only reads", () => {
    const roleKey = (name: string) => Object.entries(json['resource'].aws_iam_role as Json).find(([, r]) => (r as Json).name === name)?.[0];
    const documentOf = (name: string) => {
      const policy = values(json, 'aws_iam_role_policy').find((p) => String(p.role).includes(`aws_iam_role.${roleKey(name)}.`));
      const documentKey = /data\.aws_iam_policy_document\.([^.]+)\.json/.exec(String(policy?.policy))?.[1] ?? '';
      return (json['data'].aws_iam_policy_document as Json)[documentKey] as Json;
    };
    for (const env of ['dev', 'staging']) {
      const plan = JSON.stringify(documentOf(`async-jobs-${env}-plan`));
      const actions = (documentOf(`async-jobs-${env}-plan`).statement as Json[]).flatMap((st) => st.actions as string[]);
      expect(actions.filter((a) => !/:(Get|Describe|List)|^apigateway:GET$|^kms:Decrypt$/.test(a))).toEqual([]);
      expect(plan).toContain(`async-jobs-${env}-`);
      const deploy = JSON.stringify(documentOf(`async-jobs-${env}-deploy`));
      expect(deploy).toContain('dynamodb:CreateTable');
      expect(deploy).toContain(`async-jobs-${env}-`);
      expect(deploy).not.toContain(`async-jobs-${env === 'dev' ? 'staging' : 'dev'}-`);
    }
  });

  it('refuses an environment of another account', () => {
    expect(() => synthBootstrap({ targets: [target('prod')] })).toThrow(/prod deploys to 333333333333, not 111111111111/);
  });

  it('gives each role its grants in one inline policy, within the size IAM allows, for the longest environment name', () => {
    const policies = values(json, 'aws_iam_role_policy').filter((p) => p.name === 'deploy-async-jobs');
    expect(policies).toHaveLength(4);
    // staging: the longest environment name, the longest ARNs.
    for (const grants of [deployRoleGrants(target('staging')), planRoleGrants(target('staging'))]) {
      expect(iamDocument(grants).length).toBeLessThan(10_240); // IAM's limit on a role's inline policies together;
    }
  });
});

describe("an environment's deploy role", () => {
  let bundlesDir: string;
  beforeAll(() => {
    bundlesDir = bundleStandIns();
  });
  afterAll(() => rmSync(bundlesDir, { recursive: true, force: true }));

  const grants = deployRoleGrants(target('prod'));
  const actions = grants.flatMap((g) => g.actions);

  it('names no wildcard action, and no "*" resource without a condition or a reason AWS gives', () => {
    expect(actions.filter((a) => a.includes('*'))).toEqual([]);
    const unbounded = grants.filter((g) => g.resources.includes('*') && !g.conditions).map((g) => g.sid);
    expect(unbounded).toEqual(['WhoAmI', 'FindTheKeyAlias']);
  });

  it('bounds every action AWS names no resource for by a condition on this environment', () => {
    const conditioned = Object.fromEntries(grants.filter((g) => g.conditions).map((g) => [g.sid, g.conditions]));
    expect(conditioned).toEqual({
      FindTheStateObject: [{ test: 'StringLike', variable: 's3:prefix', values: ['jobs-prod.tfstate*'] }],
      StreamMappingsOfTheseFunctions: [
        { test: 'ArnLike', variable: 'lambda:FunctionArn', values: ['arn:aws:lambda:eu-west-1:333333333333:function:async-jobs-prod-*'] },
      ],
      HandRolesToLambdaOnly: [{ test: 'StringEquals', variable: 'iam:PassedToService', values: ['lambda.amazonaws.com'] }],
      // Tagged at creation with this environment, and never re-tagging another environment's key into reach.
      CreateTheKeyTagged: [
        { test: 'StringEquals', variable: 'aws:RequestTag/environment', values: ['prod'] },
        { test: 'StringEqualsIfExists', variable: 'aws:ResourceTag/environment', values: ['prod'] },
      ],
      KeysTaggedWithThisEnvironment: [{ test: 'StringEquals', variable: 'aws:ResourceTag/environment', values: ['prod'] }],
      // REST APIs have no name in their ARNs; their children carry the API's tags for access control.
      CreateTheRestApiTagged: [{ test: 'StringEquals', variable: 'aws:RequestTag/environment', values: ['prod'] }],
      ChangeThisEnvironmentsRestApi: [{ test: 'StringEquals', variable: 'aws:ResourceTag/environment', values: ['prod'] }],
      AttachTheWebAclToTheStage: [{ test: 'StringEquals', variable: 'aws:ResourceTag/environment', values: ['prod'] }],
    });
    // Changing an API or tagging a key needs the condition: no unconditioned grant holds those actions.
    const unconditioned = grants.filter((g) => !g.conditions).flatMap((g) => g.actions);
    expect(unconditioned.filter((a) => /^apigateway:(POST|PUT|PATCH|DELETE)$|^kms:TagResource$/.test(a))).toEqual([]);
  });

  it('grants what creating each kind of resource takes', () => {
    expect(actions).toEqual(
      expect.arrayContaining([
        'dynamodb:CreateTable',
        'lambda:CreateFunction',
        'lambda:CreateEventSourceMapping',
        'iam:CreateRole',
        'iam:PutRolePolicy',
        'kms:CreateKey',
        'kms:PutKeyPolicy',
        's3:CreateBucket',
        's3:PutBucketPolicy',
        'sns:CreateTopic',
        'sqs:CreateQueue',
        'events:CreateEventBus',
        'events:CreateArchive',
        'logs:CreateLogGroup',
        'cloudwatch:PutMetricAlarm',
        'secretsmanager:CreateSecret',
        'apigateway:POST',
        'wafv2:CreateWebACL',
      ]),
    );
  });

  it("reaches only this environment's resources and its own state", () => {
    const foreign = grants
      .filter((g) => !['TerraformStateOfThisEnvironment', 'FindTheStateObject'].includes(g.sid))
      .flatMap((g) => g.resources.map((r) => [g.sid, r]))
      .filter(
        ([, r]) =>
          r !== '*' &&
          !r.includes('async-jobs-prod') &&
          !/:(key\/\*|event-source-mapping:\*|log-group:\*)$/.test(r) &&
          !/\/restapis|managedruleset|\/tags\//.test(r),
      );
    expect(foreign).toEqual([]);
    expect(grants.find((g) => g.sid === 'TerraformStateOfThisEnvironment')?.resources).toEqual([
      'arn:aws:s3:::async-jobs-tfstate-333333333333-eu-west-1/jobs-prod.tfstate',
      'arn:aws:s3:::async-jobs-tfstate-333333333333-eu-west-1/jobs-prod.tfstate.tflock',
    ]);
    expect(JSON.stringify(grants)).not.toMatch(/async-jobs-(dev|staging)-/);
  });

  it('covers every kind of resource the environment makes (a new kind must be granted here)', () => {
    const SERVICE_OF_TYPE: [RegExp, string][] = [
      [/^aws_dynamodb_/, 'dynamodb'],
      [/^aws_lambda_/, 'lambda'],
      [/^aws_iam_/, 'iam'],
      [/^aws_kms_/, 'kms'],
      [/^aws_s3_/, 's3'],
      [/^aws_sns_/, 'sns'],
      [/^aws_sqs_/, 'sqs'],
      [/^aws_cloudwatch_event_/, 'events'],
      [/^aws_cloudwatch_log_/, 'logs'],
      [/^aws_cloudwatch_(metric_alarm|dashboard)$/, 'cloudwatch'],
      [/^aws_api_gateway_/, 'apigateway'],
      [/^aws_secretsmanager_/, 'secretsmanager'],
      [/^aws_wafv2_/, 'wafv2'],
    ];
    const settings = deploymentSettings('prod');
    const stack = new JobsStack(Testing.app(), 'jobs-prod', {
      // The web ACL too, which prod may turn on.
      settings: { ...settings, access: { ...settings.access, waf: { ...settings.access.waf, enabled: true } } },
      bundlesDir,
      target: target('prod'),
    });
    const types = Object.keys((JSON.parse(Testing.synth(stack)) as Json)['resource']);
    const uncovered = types.filter((type) => {
      const service = SERVICE_OF_TYPE.find(([pattern]) => pattern.test(type))?.[1];
      return !service || !actions.some((a) => a.startsWith(`${service}:`));
    });
    expect(uncovered).toEqual([]);
  });

  it("names each of the environment's resources within the role's reach", () => {
    const settings = deploymentSettings('prod');
    const json = JSON.parse(
      Testing.synth(
        new JobsStack(Testing.app(), 'jobs-prod', {
          settings: { ...settings, access: { ...settings.access, waf: { ...settings.access.waf, enabled: true } } },
          bundlesDir,
          target: target('prod'),
        }),
      ),
    ) as Json;
    const named: [string, string][] = [
      ['aws_dynamodb_table', 'name'],
      ['aws_lambda_function', 'function_name'],
      ['aws_iam_role', 'name'],
      ['aws_sns_topic', 'name'],
      ['aws_sqs_queue', 'name'],
      ['aws_cloudwatch_event_bus', 'name'],
      ['aws_cloudwatch_event_rule', 'name'],
      ['aws_cloudwatch_event_archive', 'name'],
      ['aws_cloudwatch_metric_alarm', 'alarm_name'],
      ['aws_cloudwatch_dashboard', 'dashboard_name'],
      ['aws_secretsmanager_secret', 'name'],
      ['aws_kms_alias', 'name'],
      ['aws_wafv2_web_acl', 'name'],
    ];
    const outside = named.flatMap(([type, field]) =>
      values(json, type)
        .map((r) => String(r[field]).replace(/^alias\//, ''))
        .filter((name) => !name.startsWith('async-jobs-prod-'))
        .map((name) => `${type}: ${name}`),
    );
    const logGroups = values(json, 'aws_cloudwatch_log_group').map((g) => g.name as string);
    expect(outside).toEqual([]);
    expect(logGroups.filter((n) => !/^\/aws\/(lambda|apigateway)\/async-jobs-prod-/.test(n))).toEqual([]);
  });

  it('plans with reads only: no action that creates, changes or deletes', () => {
    const planActions = planRoleGrants(target('staging')).flatMap((g) => g.actions);
    expect(planActions.filter((a) => !/:(Get|Describe|List)|^apigateway:GET$|^kms:Decrypt$/.test(a))).toEqual([]);
    expect(planActions).toEqual(
      expect.arrayContaining(['s3:GetObject', 'dynamodb:DescribeTable', 'lambda:GetFunction', 'apigateway:GET', 'kms:Decrypt']),
    );
    expect(planRoleGrants(target('staging')).find((g) => g.sid === 'TerraformStateOfThisEnvironment')?.resources).toEqual([
      'arn:aws:s3:::async-jobs-tfstate-111111111111-eu-west-1/jobs-staging.tfstate',
    ]);
  });
});
