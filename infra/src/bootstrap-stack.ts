import { Construct } from 'constructs';
import { TerraformOutput, TerraformStack } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { ApiGatewayLoggingRole } from './constructs/api-gateway-logging-role';
import { GithubDeployRoles } from './constructs/github-deploy-roles';
import { StateBucket } from './constructs/state-bucket';
import { stateBucketName, type DeployTarget } from './deploy-targets';
import { configureStateBackend } from './state-backend';
import { emulatedProviderSettings } from './emulated-provider';

export interface BootstrapStackOptions {
  accountId: string;
  /** Where the state bucket lives (`stateRegion` of deploy-targets.json). */
  stateRegion: string;
  repository: string;
  /** The environments deployed to this account. */
  targets: DeployTarget[];
  /**
   * The first apply, before the bucket exists: local state, to be moved into the bucket with
   * `terraform init -migrate-state` (docs/deploy.md). Afterwards the stack keeps its state there.
   */
  firstRun?: boolean;
  /** Point every AWS API at one endpoint (moto, for the rehearsal) with dummy credentials. */
  awsEndpoint?: string;
}

/**
 * `jobs-bootstrap-<account>`: what an account needs once, before any environment deploys to it and
 * owned by no environment: the state bucket, API Gateway's account logging role, and GitHub's OIDC
 * provider with each environment's deploy and plan roles.
 */
export class BootstrapStack extends TerraformStack {
  readonly state: StateBucket;
  readonly deployRoles: GithubDeployRoles;

  constructor(scope: Construct, id: string, options: BootstrapStackOptions) {
    super(scope, id);
    const { accountId, stateRegion, targets } = options;
    const wrong = targets.find((t) => t.accountId !== accountId);
    if (wrong) throw new Error(`${id}: ${wrong.environment} deploys to ${wrong.accountId}, not ${accountId}`);
    const bucketName = stateBucketName(accountId, stateRegion);
    configureStateBackend(
      this,
      options.firstRun
        ? { backend: 'local', path: 'terraform.tfstate' }
        : { backend: 's3', target: { bucket: bucketName, key: 'bootstrap.tfstate', region: stateRegion } },
    );
    const providerFor = (region: string, alias?: string) =>
      new AwsProvider(this, alias ? `aws-${region}` : 'aws', {
        region,
        ...(alias ? { alias } : {}),
        allowedAccountIds: [accountId],
        defaultTags: [{ tags: { service: 'async-jobs', component: 'bootstrap', 'managed-by': 'cdktf' } }],
        ...(options.awsEndpoint ? emulatedProviderSettings(options.awsEndpoint, { checksAccount: true }) : {}),
      });
    const home = providerFor(stateRegion);
    const regions = [...new Set([stateRegion, ...targets.map((t) => t.region)])].map((region) => ({
      region,
      provider: region === stateRegion ? home : providerFor(region, region),
    }));

    this.state = new StateBucket(this, 'state', { name: bucketName, emulated: options.awsEndpoint !== undefined });
    new ApiGatewayLoggingRole(this, 'api-gateway-logging', {
      accountId,
      regions: regions.filter((r) => targets.some((t) => t.region === r.region)),
    });
    this.deployRoles = new GithubDeployRoles(this, 'github', { accountId, repository: options.repository, targets });

    new TerraformOutput(this, 'state_bucket', { value: this.state.bucket.bucket });
    new TerraformOutput(this, 'deploy_role_arns', {
      value: Object.fromEntries(Object.entries(this.deployRoles.deployRoles).map(([env, role]) => [env, role.arn])),
    });
    new TerraformOutput(this, 'plan_role_arns', {
      value: Object.fromEntries(Object.entries(this.deployRoles.planRoles).map(([env, role]) => [env, role.arn])),
    });
  }
}
