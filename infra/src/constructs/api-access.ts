import { Construct } from 'constructs';
import { ApiGatewayRestApiPolicy } from '@cdktf/provider-aws/lib/api-gateway-rest-api-policy';
import type { ApiGatewayRestApi } from '@cdktf/provider-aws/lib/api-gateway-rest-api';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { invokeRoleName, type DeploymentSettings } from '@async-jobs/platform';
import { leastPrivilegePolicy } from './least-privilege-policy';

/** Every HTTP method API Gateway serves but OPTIONS (CORS preflights, which are unsigned). */
const SIGNED_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD'] as const;

/**
 * Who may call the API: an invoke role per group of the settings, allowed exactly the product's
 * methods of this stage and assumable by this account's principals (all of them through their own
 * IAM policies, or only the ARNs the group names); and a resource policy that refuses every other
 * account's principals whatever their own policies say. The resource policy allows nothing by
 * itself, so that within the account only IAM policies grant the call.
 */
export class ApiAccess extends Construct {
  readonly roles: Record<string, IamRole> = {};
  /**
   * Absent in the rehearsal: moto returns a REST API's policy as plain JSON where AWS returns it
   * escaped, and the AWS provider cannot read it back (`invalid character … after top-level value`).
   */
  readonly resourcePolicy?: ApiGatewayRestApiPolicy;

  /** The resource policy with placeholders for the API and account: what the deployment's fingerprint hashes, so that a changed policy is redeployed. */
  readonly policyShape: string;

  constructor(
    scope: Construct,
    id: string,
    props: {
      settings: DeploymentSettings;
      api: ApiGatewayRestApi;
      stageName: string;
      accountId: string;
      partition: string;
      emulated?: boolean;
    },
  ) {
    super(scope, id);
    const { settings, api, stageName, accountId, partition } = props;
    const methods = (resource: string) => `${api.executionArn}/${stageName}/${resource}`;
    const invoke = leastPrivilegePolicy(this, 'invoke-policy', [
      {
        sid: 'CallTheJobsApi',
        actions: ['execute-api:Invoke'],
        resources: [
          methods('POST/jobs'),
          methods('GET/jobs'),
          methods('GET/jobs/*'),
          methods('POST/jobs/*/cancel'),
          methods('POST/jobs/*/retry'),
          methods('GET/openapi.json'),
        ],
      },
    ]);
    for (const [group, { operator, assumableBy }] of Object.entries(settings.access.groups)) {
      const role = new IamRole(this, `${group}-role`, {
        name: invokeRoleName(settings.environment, group),
        description: operator
          ? 'Assume to operate the async-jobs API: every job (SigV4)'
          : "Assume to call the async-jobs API: this group's own jobs (SigV4)",
        maxSessionDuration: 3600,
        assumeRolePolicy: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Principal: { AWS: assumableBy.length ? assumableBy : `arn:${partition}:iam::${accountId}:root` },
              Action: 'sts:AssumeRole',
            },
          ],
        }),
      });
      new IamRolePolicy(this, `${group}-role-policy`, { name: 'invoke-jobs-api', role: role.id, policy: invoke.json });
      this.roles[group] = role;
    }

    const corsPreflights = settings.api.corsAllowedOrigins.length > 0;
    this.policyShape = resourcePolicy('<api>', '<account>', stageName, corsPreflights);
    if (props.emulated) return;
    this.resourcePolicy = new ApiGatewayRestApiPolicy(this, 'resource-policy', {
      restApiId: api.id,
      policy: resourcePolicy(api.executionArn, accountId, stageName, corsPreflights),
    });
  }
}

/**
 * Refuses every other account's principals on every signed method, whatever their own policies
 * allow; allows nothing itself but, with CORS on, the browsers' unsigned preflights (with a resource
 * policy, an unauthenticated method needs its explicit allow).
 */
function resourcePolicy(executionArn: string, accountId: string, stageName: string, corsPreflights: boolean): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'OnlyThisAccount',
        Effect: 'Deny',
        Principal: '*',
        Action: 'execute-api:Invoke',
        Resource: SIGNED_METHODS.map((method) => `${executionArn}/*/${method}/*`),
        Condition: { StringNotEquals: { 'aws:PrincipalAccount': accountId } },
      },
      ...(corsPreflights
        ? [
            {
              Sid: 'CorsPreflights',
              Effect: 'Allow',
              Principal: '*',
              Action: 'execute-api:Invoke',
              Resource: `${executionArn}/${stageName}/OPTIONS/*`,
            },
          ]
        : []),
    ],
  });
}
