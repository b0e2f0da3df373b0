import type { APIGatewayProxyEvent } from 'aws-lambda';
import { ANONYMOUS_PRINCIPAL, type Caller } from '@async-jobs/domain';
import { HttpRequestError } from './http-request-error';

/**
 * How the API knows its callers: `iam`, from the identity API Gateway's IAM authorization passes
 * on (the deployed API, and the local one with `--auth`); `anonymous`, one owner for every request
 * (the local system without `--auth`).
 */
export interface CallerPolicy {
  identity: 'iam' | 'anonymous';
  /** Principals (see `principalOf`) that may read, list and cancel every job. */
  operators: readonly string[];
}

/** What may operate: an IAM user or role of any partition and path; never a role session. */
export const OPERATOR_ARN = /^arn:[\w-]+:iam::\d{12}:(user|role)\/\S+$/;

const ASSUMED_ROLE = /^arn:([\w-]+):sts::(\d{12}):assumed-role\/([^/]+)\/.+$/;
const ROLE = /^arn:([\w-]+):iam::(\d{12}):role\/(?:.+\/)?([^/]+)$/;

/**
 * The principal that owns what a request does: for a role session the role (as API Gateway names
 * it, `arn:aws:sts::…:assumed-role/<role>/<session>`, becoming `arn:aws:iam::…:role/<role>`), so
 * that a service's jobs outlive its sessions; any other identity (a user, a federated user, the
 * account) is its own. Role paths are dropped, as session ARNs carry none.
 */
export function principalOf(arn: string): string {
  const session = ASSUMED_ROLE.exec(arn);
  if (session) return `arn:${session[1]}:iam::${session[2]}:role/${session[3]}`;
  const role = ROLE.exec(arn);
  if (role) return `arn:${role[1]}:iam::${role[2]}:role/${role[3]}`;
  return arn;
}

/**
 * Who sent the request. Under IAM authorization a request without a user ARN never reached us
 * through API Gateway's check (a method left open, a direct invoke): it is refused, not served as
 * nobody's.
 * @throws HttpRequestError 403 FORBIDDEN when IAM identity is required and absent.
 */
export function callerOf(event: Pick<APIGatewayProxyEvent, 'requestContext'>, policy: CallerPolicy): Caller {
  if (policy.identity === 'anonymous') return { owner: { principal: ANONYMOUS_PRINCIPAL }, operator: false };
  const identity = event.requestContext?.identity;
  const userArn = identity?.userArn;
  if (!userArn)
    throw new HttpRequestError(403, 'FORBIDDEN', 'The request carries no caller identity: this API requires IAM (SigV4) authorization');
  const principal = principalOf(userArn);
  return {
    owner: {
      principal,
      userArn,
      ...(identity.caller ? { caller: identity.caller } : {}),
      ...(identity.accountId ? { accountId: identity.accountId } : {}),
    },
    operator: policy.operators.includes(principal),
  };
}
