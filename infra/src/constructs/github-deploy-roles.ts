import { Construct } from 'constructs';
import { IamOpenidConnectProvider } from '@cdktf/provider-aws/lib/iam-openid-connect-provider';
import { IamPolicy } from '@cdktf/provider-aws/lib/iam-policy';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import type { DeployTarget } from '../deploy-targets';
import { deployRoleGrants, planRoleGrants } from '../deploy-role-grants';
import { leastPrivilegePolicy, type Grant } from './least-privilege-policy';

const GITHUB_ISSUER = 'token.actions.githubusercontent.com';
/** A managed policy holds at most 6,144 characters: grants are split into documents under it. */
export const MANAGED_POLICY_MAX_CHARACTERS = 6144;
const GRANTS_PER_POLICY = 5;

/**
 * GitHub Actions' way into this account without long-lived keys: the OIDC identity provider, and
 * per environment a deploy role (trusted only by this repository's workflow jobs that run in that
 * GitHub environment, so prod's approval rule guards it) and a read-only plan role (trusted by the
 * repository's pull requests).
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
    for (let part = 0; part * GRANTS_PER_POLICY < grants.length; part++) {
      const document = leastPrivilegePolicy(
        this,
        `${id}-document-${part + 1}`,
        grants.slice(part * GRANTS_PER_POLICY, (part + 1) * GRANTS_PER_POLICY),
      );
      const policy = new IamPolicy(this, `${id}-policy-${part + 1}`, { name: `${name}-${part + 1}`, policy: document.json });
      new IamRolePolicyAttachment(this, `${id}-attachment-${part + 1}`, { role: role.name, policyArn: policy.arn });
    }
    return role;
  }
}
