import { Construct } from 'constructs';
import type { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { resourceNames } from '@async-jobs/platform';
import { leastPrivilegePolicy } from './least-privilege-policy';

/**
 * What the console needs of an operator beyond calling the API: to read the failed-events archive and replay a window
 * of it. Replays are named by the console (`async-jobs-<env>-console-<ms>-<hex>`), so the grant names them by that prefix:
 * no `*` resource, and listing the account's replays (which takes one) is left out: the console shows its own.
 */
export class OperatorReplayGrant extends Construct {
  constructor(
    scope: Construct,
    id: string,
    props: {
      environment: string;
      roles: Record<string, IamRole>;
      archiveArn: string;
      region: string;
      accountId: string;
      partition: string;
    },
  ) {
    super(scope, id);
    const replays = `arn:${props.partition}:events:${props.region}:${props.accountId}:replay/${resourceNames(props.environment).consoleReplayPrefix}*`;
    const policy = leastPrivilegePolicy(this, 'policy', [
      { sid: 'ReadTheFailedEventsArchive', actions: ['events:DescribeArchive'], resources: [props.archiveArn] },
      { sid: 'ReplayAWindowOfIt', actions: ['events:StartReplay'], resources: [props.archiveArn, replays] },
      { sid: 'FollowTheReplay', actions: ['events:DescribeReplay'], resources: [replays] },
    ]);
    // Keyed by group, so that adding or removing a group moves no other role's policy.
    for (const [group, role] of Object.entries(props.roles)) {
      new IamRolePolicy(this, `${group}-role-policy`, { name: 'replay-failed-events', role: role.id, policy: policy.json });
    }
  }
}
