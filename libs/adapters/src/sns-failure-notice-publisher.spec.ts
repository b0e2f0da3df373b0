import * as Sns from '@aws-sdk/client-sns';
import { createTopicCapture, type TopicCapture } from '@async-jobs/testing';
import type { JobFailureNotice } from '@async-jobs/domain';
import { SnsFailureNoticePublisher } from './sns-failure-notice-publisher';

describe('SnsFailureNoticePublisher against moto', () => {
  let capture: TopicCapture;
  beforeAll(async () => (capture = await createTopicCapture()));
  afterAll(() => capture.close());

  it('publishes the notice as JSON with its kind and ids as message attributes', async () => {
    const notice: JobFailureNotice = {
      kind: 'JobFailed',
      jobId: '3f1c2e9a-5b7d-4c1e-9f2a-0b6d8e4c7a21',
      consumerId: 'b',
      claimToken: 'run-1',
      reason: { code: 'SLEEP_TOO_LONG', message: 'too long' },
      attempt: 1,
      occurredAt: '2026-01-01T00:00:00.000Z',
    };

    await new SnsFailureNoticePublisher({ module: Sns, client: capture.sns }, capture.topicArn).publishFailure(notice);

    const [delivered] = await capture.received();
    expect(JSON.parse(delivered.Message)).toEqual(notice);
    expect(delivered.MessageAttributes).toMatchObject({
      kind: { Value: 'JobFailed' },
      jobId: { Value: notice.jobId },
      consumerId: { Value: 'b' },
    });
  });

  it('fails loudly when the topic does not exist', async () => {
    const publisher = new SnsFailureNoticePublisher(
      { module: Sns, client: capture.sns },
      'arn:aws:sns:us-east-1:123456789012:no-such-topic',
    );
    await expect(
      publisher.publishFailure({
        kind: 'JobFailed',
        jobId: 'j',
        consumerId: 'a',
        claimToken: 'run-1',
        reason: { code: 'X', message: 'x' },
        attempt: 1,
        occurredAt: '',
      }),
    ).rejects.toThrow();
  });
});
