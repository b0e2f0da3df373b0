import { Construct } from 'constructs';
import { ApiGatewayAccount } from '@cdktf/provider-aws/lib/api-gateway-account';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import type { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { SERVICE_NAME } from '@async-jobs/platform';
import { leastPrivilegePolicy } from './least-privilege-policy';

/**
 * API Gateway writes every REST API's access logs in a region with one account-wide role. It
 * belongs to the account, not to an environment: owned here, once, so that two environments never
 * overwrite each other's setting and destroying one never leaves the account pointing at a deleted
 * role. One role; the setting made in each region an environment of this account uses.
 */
export class ApiGatewayLoggingRole extends Construct {
  readonly role: IamRole;

  constructor(scope: Construct, id: string, props: { accountId: string; regions: { region: string; provider: AwsProvider }[] }) {
    super(scope, id);
    this.role = new IamRole(this, 'role', {
      name: `${SERVICE_NAME}-apigateway-cloudwatch`,
      description: "API Gateway's account-wide role for writing access logs (async-jobs bootstrap)",
      assumeRolePolicy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Service: 'apigateway.amazonaws.com' },
            Action: 'sts:AssumeRole',
            Condition: { StringEquals: { 'aws:SourceAccount': props.accountId } },
          },
        ],
      }),
    });
    // What AWS's AmazonAPIGatewayPushToCloudWatchLogs grants, limited to this account's log groups in these regions.
    const policy = leastPrivilegePolicy(this, 'policy', [
      {
        sid: 'WriteApiGatewayLogs',
        actions: [
          'logs:CreateLogGroup',
          'logs:CreateLogStream',
          'logs:DescribeLogGroups',
          'logs:DescribeLogStreams',
          'logs:PutLogEvents',
          'logs:GetLogEvents',
          'logs:FilterLogEvents',
        ],
        resources: props.regions.map(({ region }) => `arn:aws:logs:${region}:${props.accountId}:log-group:*`),
      },
    ]);
    const rolePolicy = new IamRolePolicy(this, 'role-policy', { name: 'push-api-gateway-logs', role: this.role.id, policy: policy.json });
    for (const { region, provider } of props.regions) {
      new ApiGatewayAccount(this, `account-${region}`, { provider, cloudwatchRoleArn: this.role.arn, dependsOn: [rolePolicy] });
    }
  }
}
