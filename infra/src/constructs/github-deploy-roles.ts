import { Construct } from 'constructs';
import { IamOpenidConnectProvider } from '@cdktf/provider-aws/lib/iam-openid-connect-provider';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import type { DeployTarget } from '../deploy-targets';
import { deployRoleGrants, planRoleGrants } from '../deploy-role-grants';
import { leastPrivilegePolicy, type Grant } from './least-privilege-policy';

const GITHUB_ISSUER = 'token.actions.githubusercontent.com';
/** A role's inline policies hold at most 10,240 characters (whitespace aside) together. */
export const INLINE_POLICIES_MAX_CHARACTERS = 10_240;

/**
 * GitHub Actions' way into this account without long-lived keys: the OIDC identity provider, and
 * per environment a deploy role (trusted only by this repository's workflow jobs that run in that
 * GitHub environment, so prod's approval rule guards it) and, for the environments pull requests plan,
 * a read-only plan role trusted by the repository's pull requests.
 */
export class GithubDeployRoles extends Construct {
  readonly provider: IamOpenidConnectProvider;
  readonly deployRoles: Record<string, IamRole> = {};
  readonly planRoles: Record<string, IamRole> = {};

  constructor(scope: Construct, id: string, props: { accountId: string; repository: string; targets: DeployTarget[] }) {
    super(scope, id);
    this.provider = new IamOpenidConnectProvider(this, 'github', {
      url: `https://${GITHUB_ISSUER}`,
      clientIdList: ['sts.amazonaws.com'],
      // IAM trusts GitHub's issuer by its CA for this provider; the list is still required by older APIs.
      thumbprintList: ['6938fd4d98bab03faadb97b34396831e3780aea1', '1c58a3a8518e8759bf075b76b750d4f2df264fcd'],
    });
    for (const target of props.targets) {
      const env = target.environment;
      this.deployRoles[env] = this.role(
        `${env}-deploy`,
        target.deployRoleName,
        `repo:${props.repository}:environment:${env}`,
        deployRoleGrants(target),
        `Deploys async-jobs ${env} from ${props.repository}`,
      );
      if (target.planRoleName)
        this.planRoles[env] = this.role(
          `${env}-plan`,
          target.planRoleName,
          `repo:${props.repository}:pull_request`,
          planRoleGrants(target),
          `Plans async-jobs ${env} for pull requests of ${props.repository} (read-only)`,
        );
    }
  }

  private role(id: string, name: string, subject: string, grants: Grant[], description: string): IamRole {
    const role = new IamRole(this, id, {
      name,
      description,
      maxSessionDuration: 3600,
      assumeRolePolicy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Federated: this.provider.arn },
            Action: 'sts:AssumeRoleWithWebIdentity',
            Condition: { StringEquals: { [`${GITHUB_ISSUER}:aud`]: 'sts.amazonaws.com', [`${GITHUB_ISSUER}:sub`]: subject } },
          },
        ],
      }),
    });
    // Inline: PutRolePolicy replaces, so a retried call never collides with its own first attempt.
    const document = leastPrivilegePolicy(this, `${id}-document`, grants);
    new IamRolePolicy(this, `${id}-policy`, { name: 'deploy-async-jobs', role: role.id, policy: document.json });
    return role;
  }
}
