import type { Caller } from '../../src';

/** Two callers who must not see each other's jobs, and an operator who sees every job. */
export const alice: Caller = {
  owner: { principal: 'arn:aws:iam::123456789012:user/alice', userArn: 'arn:aws:iam::123456789012:user/alice' },
  operator: false,
};
export const bob: Caller = {
  owner: { principal: 'arn:aws:iam::123456789012:role/bob', userArn: 'arn:aws:sts::123456789012:assumed-role/bob/session-1' },
  operator: false,
};
export const operator: Caller = {
  owner: { principal: 'arn:aws:iam::123456789012:role/ops', userArn: 'arn:aws:sts::123456789012:assumed-role/ops/oncall' },
  operator: true,
};
