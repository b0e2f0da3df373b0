import { APIGatewayClient, GetAccountCommand } from '@aws-sdk/client-api-gateway';
import { GetRoleCommand, IAMClient, ListRolePoliciesCommand, ListOpenIDConnectProvidersCommand } from '@aws-sdk/client-iam';
import { GetBucketEncryptionCommand, GetBucketVersioningCommand, GetPublicAccessBlockCommand, S3Client } from '@aws-sdk/client-s3';
import { deploymentSettings } from '@async-jobs/platform';

/**
 * What the applied bootstrap stack must be, read back through the AWS APIs (moto's): the state
 * bucket's guards, API Gateway's logging role set in each environment's region, and GitHub's OIDC
 * provider with each environment's deploy and plan roles trusting exactly its subject.
 */
export async function verifyBootstrapStack(
  endpoint: string,
  expected: { account: string; stateRegion: string; environments: string[] },
): Promise<string[]> {
  const client = { endpoint, credentials: { accessKeyId: 'rehearsal', secretAccessKey: 'rehearsal' } };
  const s3 = new S3Client({ ...client, region: expected.stateRegion, forcePathStyle: true });
  const iam = new IAMClient({ ...client, region: 'us-east-1' });
  const passed: string[] = [];
  const check = (what: string, ok: boolean, found: unknown) => {
    if (!ok) throw new Error(`${what}: found ${JSON.stringify(found)}`);
    passed.push(what);
  };

  const Bucket = `async-jobs-tfstate-${expected.account}-${expected.stateRegion}`;
  const versioning = await s3.send(new GetBucketVersioningCommand({ Bucket }));
  check('the state bucket is versioned', versioning.Status === 'Enabled', versioning.Status);
  const encryption = await s3.send(new GetBucketEncryptionCommand({ Bucket }));
  const algorithm = encryption.ServerSideEncryptionConfiguration?.Rules?.[0]?.ApplyServerSideEncryptionByDefault?.SSEAlgorithm;
  check('the state bucket encrypts at rest', algorithm === 'AES256', algorithm);
  const { PublicAccessBlockConfiguration: block } = await s3.send(new GetPublicAccessBlockCommand({ Bucket }));
  check(
    'the state bucket blocks every kind of public access',
    Boolean(block?.BlockPublicAcls && block.BlockPublicPolicy && block.IgnorePublicAcls && block.RestrictPublicBuckets),
    block,
  );
  const regions = [...new Set(expected.environments.map((env) => deploymentSettings(env).region))];
  for (const region of regions) {
    const account = await new APIGatewayClient({ ...client, region }).send(new GetAccountCommand({}));
    check(
      `API Gateway in ${region} logs with the account's role`,
      account.cloudwatchRoleArn === `arn:aws:iam::${expected.account}:role/async-jobs-apigateway-cloudwatch`,
      account.cloudwatchRoleArn,
    );
  }

  const { OpenIDConnectProviderList = [] } = await iam.send(new ListOpenIDConnectProvidersCommand({}));
  check(
    "GitHub's OIDC provider is trusted",
    OpenIDConnectProviderList.some((p) => p.Arn?.endsWith(':oidc-provider/token.actions.githubusercontent.com')),
    OpenIDConnectProviderList,
  );
  for (const env of expected.environments) {
    for (const [kind, subject] of [
      ['deploy', `repo:example-org/async-jobs:environment:${env}`],
      ['plan', 'repo:example-org/async-jobs:pull_request'],
    ] as const) {
      const RoleName = `async-jobs-${env}-${kind}`;
      const { Role } = await iam.send(new GetRoleCommand({ RoleName }));
      const trust = JSON.parse(decodeURIComponent(Role?.AssumeRolePolicyDocument ?? '{}')) as {
        Statement: { Condition?: { StringEquals?: Record<string, string> } }[];
      };
      const trusted = trust.Statement.map((s) => s.Condition?.StringEquals?.['token.actions.githubusercontent.com:sub']);
      check(`${RoleName} trusts only ${subject}`, trusted.length === 1 && trusted[0] === subject, trusted);
      const { PolicyNames = [] } = await iam.send(new ListRolePoliciesCommand({ RoleName }));
      check(`${RoleName} has its policy`, PolicyNames.includes('deploy-async-jobs'), PolicyNames);
    }
  }
  return passed;
}
