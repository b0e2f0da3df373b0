import type { Caller } from '../src';

const ACCOUNT = '123456789012';

/** A caller of the API by name: an IAM user of the test account, as API Gateway's IAM authorization names it. */
export function aCaller(name = 'alice', options: { operator?: boolean } = {}): Caller {
  const arn = `arn:aws:iam::${ACCOUNT}:user/${name}`;
  return { owner: { principal: arn, userArn: arn, accountId: ACCOUNT }, operator: options.operator ?? false };
}

/** A role session: the job belongs to the role, whichever session of it asked. */
function aRoleSession(role: string, session: string, operator: boolean): Caller {
  return {
    owner: {
      principal: `arn:aws:iam::${ACCOUNT}:role/${role}`,
      userArn: `arn:aws:sts::${ACCOUNT}:assumed-role/${role}/${session}`,
      accountId: ACCOUNT,
    },
    operator,
  };
}

/** Two callers who must not see each other's jobs (a user, and a role's session), and an operator who sees every job. */
export const alice: Caller = aCaller('alice');
export const bob: Caller = aRoleSession('bob', 'session-1', false);
export const operator: Caller = aRoleSession('ops', 'oncall', true);
