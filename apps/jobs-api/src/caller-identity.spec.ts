import { anApiRequest } from '@async-jobs/testing';
import { callerOf, principalOf } from './caller-identity';

describe('principalOf', () => {
  it.each([
    ['arn:aws:sts::123456789012:assumed-role/payments-callers/bob', 'arn:aws:iam::123456789012:role/payments-callers'],
    ['arn:aws:sts::123456789012:assumed-role/payments-callers/i-0abc123', 'arn:aws:iam::123456789012:role/payments-callers'],
    ['arn:aws-us-gov:sts::123456789012:assumed-role/ops/carol@example.com', 'arn:aws-us-gov:iam::123456789012:role/ops'],
    ['arn:aws:iam::123456789012:role/team/payments/ops', 'arn:aws:iam::123456789012:role/ops'],
    ['arn:aws:iam::123456789012:user/alice', 'arn:aws:iam::123456789012:user/alice'],
    ['arn:aws:iam::123456789012:user/division/alice', 'arn:aws:iam::123456789012:user/division/alice'],
    ['arn:aws:sts::123456789012:federated-user/dana', 'arn:aws:sts::123456789012:federated-user/dana'],
    ['arn:aws:iam::123456789012:root', 'arn:aws:iam::123456789012:root'],
  ])('%s is owned as %s', (arn, principal) => {
    expect(principalOf(arn)).toBe(principal);
  });
});

describe('callerOf', () => {
  const policy = { identity: 'iam' as const, operators: ['arn:aws:iam::123456789012:role/ops'] };

  it('takes the identity IAM authorization passed, and knows an operator by its role', () => {
    expect(
      callerOf(anApiRequest({ method: 'GET', path: '/jobs', signedBy: 'arn:aws:sts::123456789012:assumed-role/ops/carol' }), policy),
    ).toMatchObject({
      owner: {
        principal: 'arn:aws:iam::123456789012:role/ops',
        userArn: 'arn:aws:sts::123456789012:assumed-role/ops/carol',
        accountId: '123456789012',
      },
      operator: true,
    });
    expect(callerOf(anApiRequest({ method: 'GET', path: '/jobs' }), policy)).toMatchObject({
      owner: { principal: 'arn:aws:iam::123456789012:user/alice' },
      operator: false,
    });
  });

  it('refuses a request without an identity under IAM, and serves everyone as one owner when anonymous', () => {
    const unsigned = anApiRequest({ method: 'GET', path: '/jobs', signedBy: null });
    expect(() => callerOf(unsigned, policy)).toThrow(expect.objectContaining({ statusCode: 403, code: 'FORBIDDEN' }));
    expect(callerOf(unsigned, { identity: 'anonymous', operators: [] })).toEqual({ owner: { principal: 'anonymous' }, operator: false });
  });
});
