import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { JOB_EVENT_TYPES, JOB_EVENTS_SOURCE, type JobEventDetail } from '@async-jobs/domain';
import { createLogger, Metrics, WEBHOOK_EVENTS_PATTERN } from '@async-jobs/platform';
import { aLambdaContext, CapturedLogs, FakeClock } from '@async-jobs/testing';
import { createWebhookSenderHandler, type WebhookSenderDeps } from './webhook-sender-handler';

const finishedAt = new Date(Date.now() - 5000).toISOString();
const detail: JobEventDetail = {
  eventId: `j1/job/SUCCEEDED/${finishedAt}`,
  jobId: 'j1',
  status: 'SUCCEEDED',
  occurredAt: finishedAt,
  job: {
    jobId: 'j1',
    id: 'j1',
    type: 'noop',
    status: 'SUCCEEDED',
    input: {},
    consumers: {},
    version: 4,
    createdAt: finishedAt,
    updatedAt: finishedAt,
    notify: { url: 'https://hooks.example.com/jobs' },
  },
};

const aRecord = (body: string, receiveCount = 1): SQSRecord =>
  ({
    messageId: `m-${receiveCount}-${body.length}`,
    receiptHandle: `rh-${receiveCount}`,
    body,
    attributes: { ApproximateReceiveCount: String(receiveCount), SentTimestamp: String(Date.now()) },
  }) as unknown as SQSRecord;

describe('webhook sender handler', () => {
  let logs: CapturedLogs;
  let statuses: number[];
  let retried: [string, number][];
  let handle: ReturnType<typeof createWebhookSenderHandler>;
  let deps: WebhookSenderDeps;
  beforeEach(() => {
    logs = new CapturedLogs();
    statuses = [];
    retried = [];
    deps = {
      logger: createLogger({ service: 'webhook-sender', destination: logs }),
      metrics: new Metrics({ service: 'webhook-sender', destination: logs }),
      sender: { post: async () => ({ status: statuses.shift() ?? 204 }) },
      secret: async () => 's',
      clock: new FakeClock(new Date()),
      policy: { allowedHosts: ['hooks.example.com'], allowLoopbackHttp: false },
      maxAgeSeconds: 3600,
      retries: { retryAfter: async (handle, delay) => void retried.push([handle, delay]) },
    };
    handle = createWebhookSenderHandler(deps);
  });
  const event = (...records: SQSRecord[]): SQSEvent => ({ Records: records });
  const eventBridgeEvent = JSON.stringify({ source: JOB_EVENTS_SOURCE, 'detail-type': JOB_EVENT_TYPES.jobFinished, detail });

  it('acknowledges a delivered webhook, logging it with the job', async () => {
    expect(await handle(event(aRecord(eventBridgeEvent)), aLambdaContext())).toEqual({ batchItemFailures: [] });
    expect(logs.find('webhook delivered')).toEqual([expect.objectContaining({ jobId: 'j1', status: 204, attempt: 1 })]);
    expect(logs.metric('WebhooksDelivered')).toHaveLength(1);
  });

  it('hands a failed attempt back with its backoff as the visibility, counting it', async () => {
    statuses = [503];
    const record = aRecord(eventBridgeEvent, 2);
    expect(await handle(event(record), aLambdaContext())).toEqual({ batchItemFailures: [{ itemIdentifier: record.messageId }] });
    expect(retried).toEqual([['rh-2', 60]]);
    expect(logs.metric('WebhookAttemptsFailed')).toHaveLength(1);
  });

  it('acknowledges a webhook it gives up on (a host the allow-list no longer has), sending nothing and counting it', async () => {
    const offList = JSON.stringify({ detail: { ...detail, job: { ...detail.job, notify: { url: 'https://old.example.com/x' } } } });
    expect(await handle(event(aRecord(offList)), aLambdaContext())).toEqual({ batchItemFailures: [] });
    expect(retried).toEqual([]);
    expect(logs.metric('WebhooksGivenUp')).toHaveLength(1);
    expect(logs.find('webhook given up')).toEqual([
      expect.objectContaining({ jobId: 'j1', reason: expect.stringContaining('old.example.com') }),
    ]);
  });

  it('hands back, without a visibility of its own, a message it could not even try (the secret unreachable)', async () => {
    handle = createWebhookSenderHandler({ ...deps, secret: async () => Promise.reject(new Error('Secrets Manager unreachable')) });
    const record = aRecord(eventBridgeEvent);
    expect(await handle(event(record), aLambdaContext())).toEqual({ batchItemFailures: [{ itemIdentifier: record.messageId }] });
    expect(retried).toEqual([]);
    expect(logs.metric('WebhookAttemptsFailed')).toHaveLength(1);
  });

  it('drops, counting it as given up, a message that is no job event', async () => {
    expect(await handle(event(aRecord('not json')), aLambdaContext())).toEqual({ batchItemFailures: [] });
    expect(logs.metric('WebhooksGivenUp')).toHaveLength(1);
  });

  it("is fed by a rule whose pattern names the domain's source and detail-type", () => {
    expect(WEBHOOK_EVENTS_PATTERN).toEqual({
      source: [JOB_EVENTS_SOURCE],
      'detail-type': [JOB_EVENT_TYPES.jobFinished],
      detail: { job: { notify: { url: [{ exists: true }] } } },
    });
  });
});
