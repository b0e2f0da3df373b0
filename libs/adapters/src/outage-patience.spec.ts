import { StoreUnavailableError, type FailureNoticePublisher, type JobRepository } from '@async-jobs/domain';
import { rideOutOutage, type OutagePatience } from './outage-patience';
import { PatientFailureNoticePublisher } from './patient-failure-notice-publisher';
import { PatientJobRepository } from './patient-job-repository';
import { isTransientAwsError } from './transient-aws-error';

/**
 * Patience whose waits take no time but are counted, on a clock that moves only by those waits: the
 * time spent running the test never counts against the patience, so a boundary can be asserted exactly.
 */
function setUp(patienceMs: number) {
  const waits: { operation: string; delayMs: number }[] = [];
  let elapsed = 0;
  const start = Date.now();
  jest.spyOn(Date, 'now').mockImplementation(() => start + elapsed);
  const patience: OutagePatience = {
    patienceMs,
    baseDelayMs: 100,
    maxDelayMs: 1000,
    sleep: async (ms) => void (elapsed += ms),
    onWait: ({ operation, delayMs }) => waits.push({ operation, delayMs }),
  };
  return { patience, waits };
}
const failingTimes = <T>(failures: number, error: () => unknown, value: T) => {
  let calls = 0;
  const action = jest.fn(async () => {
    calls += 1;
    if (calls <= failures) throw error();
    return value;
  });
  return action;
};
const networkError = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8000'), { code: 'ECONNREFUSED', $metadata: {} });

afterEach(() => jest.restoreAllMocks());

describe('rideOutOutage', () => {
  it('tries again with doubling waits while the failure is transient, and returns the eventual answer', async () => {
    const { patience, waits } = setUp(10_000);
    const action = failingTimes(5, networkError, 'done');

    await expect(rideOutOutage('op', action, () => true, patience)).resolves.toBe('done');

    expect(waits.map((w) => w.delayMs)).toEqual([100, 200, 400, 800, 1000]);
  });

  it('gives up with the last error once its patience is spent', async () => {
    // 100 + 200 + 400 + 800 spends the 1500 ms exactly; the next wait (capped at 1000) would overrun it.
    const { patience, waits } = setUp(1500);
    const action = failingTimes(100, networkError, 'never');

    await expect(rideOutOutage('op', action, () => true, patience)).rejects.toThrow('ECONNREFUSED');

    expect(waits.map((w) => w.delayMs)).toEqual([100, 200, 400, 800]);
    expect(action).toHaveBeenCalledTimes(5);
  });

  it('does not retry an error that is not transient', async () => {
    const { patience, waits } = setUp(10_000);
    const action = failingTimes(1, () => new TypeError('a bug'), 'never');

    await expect(rideOutOutage('op', action, (e) => !(e instanceof TypeError), patience)).rejects.toThrow('a bug');
    expect(waits).toEqual([]);
  });
});

describe('the patient repository and publisher', () => {
  it('rides out StoreUnavailableError only', async () => {
    const { patience, waits } = setUp(10_000);
    const get = failingTimes(2, () => new StoreUnavailableError('down'), undefined);
    const inner = { get } as unknown as JobRepository;

    await expect(new PatientJobRepository(inner, patience).get('job-1')).resolves.toBeUndefined();
    expect(waits.map((w) => w.operation)).toEqual(['get', 'get']);

    const conflicting = { get: failingTimes(1, () => new Error('ConditionalCheckFailed'), undefined) } as unknown as JobRepository;
    await expect(new PatientJobRepository(conflicting, patience).get('job-1')).rejects.toThrow('ConditionalCheckFailed');
  });

  it('tells an outage from a refusal in what the SDK throws', () => {
    const sdkError = (name: string, fields: object) => Object.assign(new Error(name), { name, ...fields });
    expect(isTransientAwsError(sdkError('TimeoutError', { code: 'ETIMEDOUT', $metadata: {} }))).toBe(true);
    expect(isTransientAwsError(sdkError('Error', { code: 'ECONNREFUSED', $metadata: {} }))).toBe(true);
    expect(isTransientAwsError(sdkError('ThrottlingException', { $fault: 'client', $metadata: { httpStatusCode: 400 } }))).toBe(true);
    expect(isTransientAwsError(sdkError('InternalServerError', { $fault: 'server', $metadata: { httpStatusCode: 500 } }))).toBe(true);
    expect(isTransientAwsError(sdkError('ConditionalCheckFailedException', { $fault: 'client', $metadata: { httpStatusCode: 400 } }))).toBe(
      false,
    );
    expect(isTransientAwsError(sdkError('ValidationException', { $fault: 'client', $metadata: { httpStatusCode: 400 } }))).toBe(false);
    expect(isTransientAwsError(sdkError('CredentialsProviderError', { $metadata: {} }))).toBe(false);
    expect(isTransientAwsError(new TypeError('a bug'))).toBe(false);
    // The SDK stamps $metadata on whatever its middleware stack throws, bugs included: a bug is not an outage.
    expect(isTransientAwsError(Object.assign(new TypeError('a bug in a middleware'), { $metadata: { attempts: 1 } }))).toBe(false);
  });

  it('rides out a topic that cannot be reached or answers 5xx, not one that refuses the request', async () => {
    const { patience, waits } = setUp(10_000);
    const serverError = () => Object.assign(new Error('InternalError'), { $fault: 'server', $metadata: { httpStatusCode: 500 } });
    const flaky: FailureNoticePublisher = { publishFailure: failingTimes(2, serverError, undefined) };
    const notice = {
      kind: 'JobFailed' as const,
      jobId: 'j',
      consumerId: 'a',
      claimToken: 'run-1',
      attempt: 1,
      reason: { code: 'X', message: 'x' },
      occurredAt: '2026-01-01T00:00:00.000Z',
    };

    await new PatientFailureNoticePublisher(flaky, patience).publishFailure(notice);
    expect(waits).toHaveLength(2);

    const notFound = () => Object.assign(new Error('NotFound'), { $fault: 'client', $metadata: { httpStatusCode: 404 } });
    const refusing: FailureNoticePublisher = { publishFailure: failingTimes(1, notFound, undefined) };
    await expect(new PatientFailureNoticePublisher(refusing, patience).publishFailure(notice)).rejects.toThrow('NotFound');
    expect(waits).toHaveLength(2);
  });
});
