import { randomBytes } from 'node:crypto';
import type { LocalPrincipal } from '@async-jobs/local-services';
import { invokeRoleName } from '@async-jobs/platform';

const id = (prefix: string, bytes = 8) => `${prefix}${randomBytes(bytes).toString('hex').toUpperCase()}`;
const secret = () => randomBytes(30).toString('base64');

/**
 * The principals of a local run with `--auth`, fresh keys each run: two callers who must not see
 * each other's jobs — an IAM user with long-term keys (alice) and a session of the callers' invoke
 * role with temporary credentials (bob) — and a session of the operators' invoke role (ops). The
 * identities are shaped as API Gateway passes them for such principals.
 */
export function localPrincipals(accountId: string): LocalPrincipal[] {
  const roleSession = (group: 'callers' | 'operators', session: string, operator: boolean): LocalPrincipal => ({
    name: session,
    accessKeyId: id('ASIA'),
    secretAccessKey: secret(),
    sessionToken: randomBytes(48).toString('base64'),
    userArn: `arn:aws:sts::${accountId}:assumed-role/${invokeRoleName('local', group)}/${session}`,
    accountId,
    caller: `${id('AROA', 6)}:${session}`,
    operator,
  });
  return [
    {
      name: 'alice',
      accessKeyId: id('AKIA'),
      secretAccessKey: secret(),
      userArn: `arn:aws:iam::${accountId}:user/alice`,
      accountId,
      caller: id('AIDA', 6),
      operator: false,
    },
    roleSession('callers', 'bob', false),
    roleSession('operators', 'ops', true),
  ];
}
