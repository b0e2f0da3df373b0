import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import {
  CreateQueueCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignatureV4 } from '@smithy/signature-v4';
import { NodeSha256 } from '@async-jobs/client';
import { JOB_EVENTS_SOURCE, sampleExportJobType, type JobEventDetail } from '@async-jobs/domain';
import { aRunContext } from '@async-jobs/testing';
import { jobLine, portClosed, RunningLocalSystem, sleep, waitUntil, type JobView } from '@async-jobs/local-services';

const bothConsumers = (status: string) => (job: JobView) => Object.values(job.consumers).every((c) => c.status === status);

describe('the local system (npm start), end to end over HTTP and the AWS SDK', () => {
  let system: RunningLocalSystem;
  /** A job consumer b never saw (its mapping was deleted while the job was new): only the sweeper ends it. */
  let unseenByB: string;

  beforeAll(async () => {
    system = await RunningLocalSystem.start(['--faults']);
    // Started first, checked last: the stream's record age (a minute locally) must pass before the sweeper may end it.
    await system.admin('faults', { deletedMappings: ['b'] });
    unseenByB = await system.submit({ type: 'noop', input: {} });
    await waitUntil(
      'consumer b dropped the job',
      async () =>
        ((await system.admin('stats', {})) as { droppedByDeletedMappings: Record<string, string[]> }).droppedByDeletedMappings[
          'b'
        ].includes(unseenByB),
      10_000,
    );
    await system.admin('faults', { deletedMappings: [] });
  });
  afterAll(async () => {
    await system?.stop();
    system?.cleanUp();
  });

  it('runs a job on both consumers to SUCCEEDED, answering the submit with 202 at once', async () => {
    // What the README's quick start does: curl -X POST localhost:3000/jobs -d '{"seconds":1}'
    const submitted = await system.request('POST', '/jobs', '{"seconds":1}', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(submitted.status).toBe(202);
    expect(submitted.headers.get('location')).toBe(`/jobs/${submitted.body.jobId}`);

    const job = await system.waitForJob(submitted.body.jobId, (j) => j.status === 'SUCCEEDED');

    expect(job.consumers).toEqual({
      a: expect.objectContaining({ status: 'SUCCEEDED', attempts: 1, result: { sleptSeconds: 1 } }),
      b: expect.objectContaining({ status: 'SUCCEEDED', attempts: 1, result: { sleptSeconds: 1 } }),
    });
    // Without --auth, every request is one anonymous caller's.
    expect(job.owner).toBe('anonymous');
    // The processors log their success after writing it: wait for both lines rather than race them.
    await system.waitForLines(jobLine(job.jobId, 'job succeeded'), 2);
    const story = system.logLines().filter((line) => line['jobId'] === job.jobId);
    expect(story.map((line) => `${line['service']}:${line['message']}`)).toEqual(
      expect.arrayContaining(['jobs-api:job submitted', 'stream-processor:job claimed', 'stream-processor:job succeeded']),
    );
    const listed = await system.request('GET', '/jobs?status=SUCCEEDED&type=sleep&limit=5');
    expect(listed.status).toBe(200);
    expect(listed.body.jobs.map((j: { jobId: string }) => j.jobId)).toContain(job.jobId);
  });

  it('runs a long job off the stream: a short job submitted after it finishes while the long one still runs', async () => {
    const long = await system.submit({ seconds: 8 });
    await system.waitForLines(jobLine(long, 'job dispatched to the runner'), 2);
    const short = await system.submit({ seconds: 1 });

    await system.waitForJob(short, (j) => j.status === 'SUCCEEDED', 15_000);

    // Inline, the short job's record would have waited behind the long run in its batch; here it did not.
    expect((await system.request('GET', `/jobs/${long}`)).body).toMatchObject({
      status: 'RUNNING',
      consumers: { a: { status: 'RUNNING', attempts: 1 }, b: { status: 'RUNNING', attempts: 1 } },
    });
    const job = await system.waitForJob(long, (j) => j.status === 'SUCCEEDED', 30_000);
    expect(Object.values(job.consumers).map((c) => c.attempts)).toEqual([1, 1]);
    // Its story: claimed and dispatched by each processor, adopted and finished by the runner.
    await system.waitForLines(jobLine(long, 'job succeeded'), 2);
    const story = system.logLines().filter((line) => line['jobId'] === long && !('_aws' in line));
    expect(story.map((line) => `${line['service']}:${line['message']}`).filter((l) => !l.startsWith('jobs-api'))).toEqual(
      expect.arrayContaining([
        'stream-processor:job claimed',
        'stream-processor:job dispatched to the runner',
        'job-runner:run adopted',
        'job-runner:job succeeded',
      ]),
    );
    expect(story.filter((l) => l['message'] === 'job succeeded').every((l) => l['service'] === 'job-runner')).toBe(true);
  });

  it('fails a run the runner gave up on, through its on-failure destination, the error topic and the error handler; a retry then runs it', async () => {
    await system.admin('faults', { runner: 'runner environment broken' });
    try {
      const jobId = await system.submit({ seconds: 3 });
      // Lambda tries the order three times (1 s and 2 s apart locally), then sends it to the error topic.
      const job = await system.waitForJob(jobId, (j) => j.status === 'FAILED', 30_000);
      for (const consumer of Object.values(job.consumers)) {
        expect(consumer).toMatchObject({ status: 'FAILED', attempts: 1, error: { code: 'RUN_RETRIES_EXHAUSTED' } });
        expect(consumer.error?.message).toContain('runner environment broken');
      }
      const recorded = await system.waitForLines(jobLine(jobId, 'failure recorded'), 2);
      expect(recorded.every((l) => l['service'] === 'error-handler')).toBe(true);

      // The fault cleared, a retry runs both consumers again: the retry's write passes the stream's filter once.
      await system.admin('faults', { runner: null });
      const retried = await system.request('POST', `/jobs/${jobId}/retry`);
      expect(retried.status).toBe(202);
      expect(retried.body.consumers.a).toMatchObject({ status: 'PENDING', attempts: 1, lastError: { code: 'RUN_RETRIES_EXHAUSTED' } });
      const done = await system.waitForJob(jobId, (j) => j.status === 'SUCCEEDED', 30_000);
      for (const consumer of Object.values(done.consumers))
        expect(consumer).toMatchObject({ status: 'SUCCEEDED', attempts: 2, result: { sleptSeconds: 3 } });
      // Claimed once more per consumer, from the retry's record only (no claim, renewal or completion came through again).
      const claims = await system.waitForLines(jobLine(jobId, 'job claimed'), 4);
      expect(claims.map((l) => `${l['consumerId']}:${l['attempt']}`).sort()).toEqual(['a:1', 'a:2', 'b:1', 'b:2']);
      expect((await system.request('POST', `/jobs/${jobId}/retry`)).body.error.code).toBe('NOTHING_TO_RETRY');
    } finally {
      await system.admin('faults', { runner: null });
    }
  });

  it('stores a 2 MiB result in the results bucket: GET links to it, and the link serves it byte for byte', async () => {
    const jobId = await system.submit({ type: 'sample-export', input: { kilobytes: 2048 } });
    const job = await system.waitForJob(jobId, (j) => j.status === 'SUCCEEDED', 60_000);
    const expected = Buffer.from(JSON.stringify(await sampleExportJobType.run({ kilobytes: 2048 }, aRunContext())), 'utf8');

    for (const consumerId of ['a', 'b']) {
      const consumer = job.consumers[consumerId];
      expect(consumer).toEqual(
        expect.objectContaining({ status: 'SUCCEEDED', resultBytes: expected.byteLength, resultContentType: 'application/json' }),
      );
      expect(consumer).not.toHaveProperty('result');
      // Node's fetch, no credentials: what curl or a browser does with the link.
      const answer = await fetch(consumer.resultUrl as string);
      expect(answer.status).toBe(200);
      expect(Buffer.from(await answer.arrayBuffer()).equals(expected)).toBe(true);
      expect(Date.parse(consumer.resultUrlExpiresAt as string) - Date.now()).toBeGreaterThan(14 * 60_000);
    }
    // The two consumers' runs wrote an object each, under their own claims.
    const keys = ['a', 'b'].map((c) => new URL(job.consumers[c].resultUrl as string).pathname);
    expect(keys[0]).toMatch(new RegExp(`/results/${jobId}/a/[^/]+\\.json$`));
    expect(keys[1]).toMatch(new RegExp(`/results/${jobId}/b/[^/]+\\.json$`));
  });

  it('publishes every terminal transition to the job-events bus, where a rule to an SQS queue receives it once per id', async () => {
    const config = {
      region: system.state.region,
      endpoint: system.state.motoEndpoint,
      credentials: { accessKeyId: 'l', secretAccessKey: 'l' },
    };
    const events = new EventBridgeClient(config);
    const sqs = new SQSClient(config);
    try {
      // What a subscriber does (docs/architecture.md, Job events): a queue, and a rule on the bus that targets it.
      const name = `subscriber-${randomUUID().slice(0, 8)}`;
      const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name }));
      const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
      await events.send(
        new PutRuleCommand({
          Name: name,
          EventBusName: system.state.resources.jobEventsBus,
          EventPattern: JSON.stringify({ source: [JOB_EVENTS_SOURCE], 'detail-type': ['Job Consumer Finished', 'Job Finished'] }),
        }),
      );
      await events.send(
        new PutTargetsCommand({
          Rule: name,
          EventBusName: system.state.resources.jobEventsBus,
          Targets: [{ Id: 'queue', Arn: Attributes?.QueueArn }],
        }),
      );

      const jobId = await system.submit({ type: 'sample-export', input: { kilobytes: 40 } });
      await system.waitForJob(jobId, (j) => j.status === 'SUCCEEDED');
      const received: { 'detail-type': string; detail: JobEventDetail }[] = [];
      await waitUntil(
        'three events of the job received',
        async () => {
          const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
          for (const message of Messages) {
            const event = JSON.parse(message.Body ?? '{}');
            if (event.detail?.jobId === jobId) received.push(event);
            await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: message.ReceiptHandle }));
          }
          return new Set(received.map((e) => e.detail.eventId)).size >= 3;
        },
        20_000,
      );

      // At least once: a repeat carries the same id, and the ids are the three transitions.
      const byId = new Map(received.map((e) => [e.detail.eventId, e]));
      expect([...byId.values()].map((e) => [e['detail-type'], e.detail.consumerId ?? 'job', e.detail.status]).sort()).toEqual([
        ['Job Consumer Finished', 'a', 'SUCCEEDED'],
        ['Job Consumer Finished', 'b', 'SUCCEEDED'],
        ['Job Finished', 'job', 'SUCCEEDED'],
      ]);
      const finished = [...byId.values()].find((e) => e['detail-type'] === 'Job Finished')?.detail;
      expect(finished?.job.status).toBe('SUCCEEDED');
      // The view without an inline body; a stored result by its reference.
      for (const consumer of Object.values(finished?.job.consumers ?? {})) {
        expect(consumer).not.toHaveProperty('result');
        expect(consumer.resultRef).toEqual(
          expect.objectContaining({ key: expect.stringMatching(new RegExp(`^results/${jobId}/`)), contentType: 'application/json' }),
        );
      }
      await system.waitForLines(jobLine(jobId, 'job event published'), 3);
    } finally {
      events.destroy();
      sqs.destroy();
    }
  });

  it("POSTs a finished job's view to its notify URL, signed (verified with openssl), retrying a refusal with backoff", async () => {
    const deliveries: { headers: IncomingHttpHeaders; body: string; at: number }[] = [];
    let refusals = 1;
    const server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk) => (body += chunk));
      request.on('end', () => {
        deliveries.push({ headers: request.headers, body, at: Date.now() });
        response.writeHead(refusals-- > 0 ? 503 : 204).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/jobs`;
      const submitted = await system.request('POST', '/jobs', JSON.stringify({ type: 'noop', input: {}, notify: { url } }));
      expect(submitted.status).toBe(202);
      const jobId = submitted.body.jobId as string;
      expect((await system.waitForJob(jobId, (j) => j.status === 'SUCCEEDED')).notify).toEqual({ url });
      await waitUntil('the webhook delivered after one refusal', () => deliveries.length >= 2, 30_000);

      const [refused, delivered] = deliveries;
      // The same event, signed anew for each attempt; the retry waited its backoff (2 s locally).
      expect(delivered.headers['x-async-jobs-event-id']).toBe(refused.headers['x-async-jobs-event-id']);
      expect(delivered.at - refused.at).toBeGreaterThanOrEqual(1900);
      const timestamp = String(delivered.headers['x-async-jobs-timestamp']);
      const signature = String(delivered.headers['x-async-jobs-signature']);
      const expected = execFileSync('openssl', ['dgst', '-sha256', '-hmac', system.state.webhookSecret, '-hex'], {
        input: `${timestamp}.${delivered.body}`,
      })
        .toString()
        .trim()
        .split(' ')
        .pop();
      expect(signature).toBe(`v1=${expected}`);
      expect(Math.abs(Date.now() / 1000 - Number(timestamp))).toBeLessThan(60);
      const payload = JSON.parse(delivered.body);
      expect(payload).toMatchObject({
        jobId,
        status: 'SUCCEEDED',
        eventId: `${jobId}/job/SUCCEEDED/${payload.occurredAt}`,
        job: { jobId, notify: { url } },
      });
      await system.waitForLines(jobLine(jobId, 'webhook delivered'), 1);
      expect(system.logLines().filter(jobLine(jobId, 'webhook attempt failed: tried again later'))).toHaveLength(1);

      // A message on the queue that is no job event (put there by hand) is dropped, counted as given up.
      const sqs = new SQSClient({
        region: system.state.region,
        endpoint: system.state.motoEndpoint,
        credentials: { accessKeyId: 'l', secretAccessKey: 'l' },
      });
      await sqs.send(new SendMessageCommand({ QueueUrl: system.state.resources.webhookQueueUrl, MessageBody: 'not an event' }));
      sqs.destroy();
      await system.waitForLines((l) => l['message'] === 'webhook message unreadable: dropped', 1);
    } finally {
      server.close();
    }
  });

  it('refuses a notify URL that is not https, not on the allow-list, or too long, naming the field, and stores nothing', async () => {
    const newest = async () => (await system.request('GET', '/jobs?type=noop&limit=1')).body.jobs[0]?.jobId;
    const before = await newest();
    for (const [url, code] of [
      ['http://example.com/hook', 'INVALID_FORMAT'],
      ['https://example.com/hook', 'INVALID_VALUE'],
      [`https://localhost/${'x'.repeat(2048)}`, undefined],
    ] as const) {
      const refused = await system.request('POST', '/jobs', JSON.stringify({ type: 'noop', input: {}, notify: { url } }));
      expect(refused.status).toBe(400);
      expect(refused.body.error.details).toEqual([expect.objectContaining({ field: '/notify/url', ...(code ? { code } : {}) })]);
    }
    expect(await newest()).toBe(before);
  });

  it("shows a run's progress mid-run, per consumer, as its lease renewals store it", async () => {
    const jobId = await system.submit({ seconds: 8 });

    const midway = await system.waitForJob(
      jobId,
      (j) => Object.values(j.consumers).some((c) => c.status === 'RUNNING' && (c.progress?.percent ?? 0) > 0),
      15_000,
    );

    const running = Object.values(midway.consumers).find((c) => c.progress && c.progress.percent > 0);
    expect(running?.progress).toEqual({
      percent: expect.any(Number),
      message: expect.stringMatching(/^slept [1-8] of 8 s$/),
      at: expect.any(String),
    });
    expect(running?.progress?.percent).toBeLessThan(100);
    await system.waitForJob(jobId, (j) => j.status === 'SUCCEEDED', 30_000);
  });

  it('refuses a body that does not fit the API model at the gateway, naming the field', async () => {
    const response = await system.request('POST', '/jobs', '{"seconds":0}');
    expect(response.status).toBe(400);
    // The handler would refuse it with the same code and field: the gateway's own message tells them apart.
    expect(response.body.error).toMatchObject({
      code: 'VALIDATION_FAILED',
      message: 'Invalid request body',
      details: [expect.objectContaining({ field: '/seconds', code: 'OUT_OF_RANGE' })],
    });
    // And jobs-api never saw it: a request that does reach it, sent after, is logged; the refused one is not.
    const refused = response.headers.get('x-amzn-requestid');
    const reached = (await system.request('GET', '/jobs?limit=1')).headers.get('x-amzn-requestid');
    await system.waitForLines((line) => line['requestId'] === reached && line['message'] === 'request handled', 1);
    expect(refused).toMatch(/^[0-9a-f-]{36}$/);
    expect(system.logLines().filter((line) => line['requestId'] === refused)).toEqual([]);
  });

  it('fails a sleep above the maximum through the error topic and the error handler, with the reason', async () => {
    const jobId = await system.submit({ seconds: 301 });

    const job = await system.waitForJob(jobId, (j) => j.status === 'FAILED');

    for (const consumer of Object.values(job.consumers)) {
      expect(consumer).toMatchObject({ status: 'FAILED', error: { code: 'SLEEP_TOO_LONG', message: expect.stringContaining('301s') } });
    }
    const recorded = await system.waitForLines(jobLine(jobId, 'failure recorded'), 2);
    expect(recorded.map((l) => l['consumerId']).sort()).toEqual(['a', 'b']);
  });

  it('takes every job of a crashing processor through retries and the on-failure record to FAILED', async () => {
    await system.admin('faults', { streamProcessor: 'Injected crash' });
    try {
      // With Idempotency-Keys, as a careful client sends them: the keys' records sit in the stream
      // between the jobs, inside every failed batch's range, and must not hide any job from the error handler.
      const jobIds = await Promise.all(
        Array.from({ length: 30 }, async (_, i) => {
          const response = await system.request('POST', '/jobs', '{"seconds":1}', { 'Idempotency-Key': `crash-${i}-${Date.now()}` });
          expect(response.status).toBe(202);
          return response.body.jobId as string;
        }),
      );

      const jobs = await Promise.all(jobIds.map((jobId) => system.waitForJob(jobId, (j) => j.status === 'FAILED', 60_000)));

      for (const job of jobs) {
        for (const consumer of Object.values(job.consumers)) {
          expect(consumer).toMatchObject({
            status: 'FAILED',
            attempts: 0,
            error: { code: 'RETRIES_EXHAUSTED', message: expect.stringMatching(/after \d+ invocations/) },
          });
        }
      }
    } finally {
      await system.admin('faults', { streamProcessor: null });
    }
  });

  it('archives the event of an error handler that keeps failing, and a replay records the failure', async () => {
    const before = await system.archivedEvents();
    const from = new Date(Date.now() - 1000);
    await system.admin('faults', { errorHandler: 'Injected error handler failure' });
    const jobId = await system.submit({ seconds: 301 });

    // Two consumers' notices, each tried three times (Lambda's async retries), then put on the bus.
    expect(await system.waitForArchived(before + 2)).toBeGreaterThanOrEqual(before + 2);
    const stuck = await system.waitForJob(jobId, () => true);
    expect(Object.values(stuck.consumers).map((c) => c.status)).toEqual(['RUNNING', 'RUNNING']);

    await system.admin('faults', { errorHandler: null });
    await system.replay(from, new Date());

    const job = await system.waitForJob(jobId, (j) => j.status === 'FAILED');
    for (const consumer of Object.values(job.consumers)) expect(consumer.error?.code).toBe('SLEEP_TOO_LONG');
  });

  it('cancels a running job: its runs stop at their next heartbeat and nothing of them is stored', async () => {
    const jobId = await system.submit({ seconds: 60 });
    // A 60 s sleep runs on the runner: cancel once both runs are under way there.
    await system.waitForLines(jobLine(jobId, 'run adopted'), 2);

    const cancelled = await system.request('POST', `/jobs/${jobId}/cancel`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('CANCELLED');

    // Each run learns of the cancel when it next renews its lease (every 2 s locally), long before its 60 s are up.
    const stopped = await system.waitForLines(jobLine(jobId, 'run lost its claim: result discarded'), 2);
    expect(stopped.map((l) => [l['consumerId'], (l['reason'] as { code: string }).code]).sort()).toEqual([
      ['a', 'CANCELLED'],
      ['b', 'CANCELLED'],
    ]);
    const after = await system.waitForJob(jobId, () => true);
    expect(after.status).toBe('CANCELLED');
    for (const consumer of Object.values(after.consumers)) expect(consumer).toMatchObject({ status: 'CANCELLED' });
    expect(Object.values(after.consumers).some((c) => c.result !== undefined)).toBe(false);
    expect((await system.request('POST', `/jobs/${jobId}/cancel`)).status).toBe(200);
    const finished = await system.submit({ type: 'noop', input: {} });
    await system.waitForJob(finished, (j) => j.status === 'SUCCEEDED');
    expect((await system.request('POST', `/jobs/${finished}/cancel`)).body.error.code).toBe('JOB_ALREADY_FINISHED');
  });

  it("runs a team's job type from its library, registered by the generator", async () => {
    const jobId = await system.submit({ type: 'word-count', input: { message: 'three little words' } });
    const job = await system.waitForJob(jobId, (j) => j.status === 'SUCCEEDED');
    expect(job.consumers['a'].result).toEqual({ words: 3 });
    const refused = await system.request('POST', '/jobs', JSON.stringify({ type: 'word-count', input: { message: '' } }));
    expect(refused.body.error.details[0]).toMatchObject({ field: '/input/message', code: 'OUT_OF_RANGE' });
  });

  it('submits at most once per Idempotency-Key, and the key never reaches a processor', async () => {
    const send = () => system.request('POST', '/jobs', '{"type":"noop","input":{}}', { 'Idempotency-Key': 'e2e-key-1' });
    const first = await send();
    const job = await system.waitForJob(first.body.jobId, (j) => j.status === 'SUCCEEDED');
    const again = await send();

    expect([first.status, again.status]).toEqual([202, 200]);
    expect(again.body).toMatchObject({ jobId: job.jobId, status: 'SUCCEEDED' });
    expect(system.logLines().filter((l) => l['message'] === 'record unreadable: skipped')).toEqual([]);
  });

  it('retries a job whose run fails for a passing reason, and counts the retry', async () => {
    const jobId = await system.submit({ type: 'flaky', input: { failures: 1 } });

    const job = await system.waitForJob(jobId, (j) => j.status === 'SUCCEEDED');

    for (const consumer of Object.values(job.consumers))
      expect(consumer).toMatchObject({ status: 'SUCCEEDED', attempts: 2, result: { attempts: 2 } });
    const retries = await system.waitForLines((l) => l['JobsRetry'] === 1 && l['jobId'] === jobId, 2);
    expect(retries.map((l) => l['consumer']).sort()).toEqual(['a', 'b']);
  });

  it('skips, loudly, a stream record that is no job this code wrote, and runs the rest', async () => {
    const dynamodb = new DynamoDBClient({
      region: system.state.region,
      endpoint: system.state.dynamodbEndpoint,
      credentials: { accessKeyId: 'l', secretAccessKey: 'l' },
    });
    const stranger = randomUUID();
    // Another writer's item with a type: it passes the mapping's filter, but its consumers are not entries.
    await dynamodb.send(
      new PutItemCommand({
        TableName: system.state.resources.tableName,
        Item: { id: { S: stranger }, type: { S: 'noop' }, consumers: { S: 'not a map' } },
      }),
    );
    const next = await system.submit({ type: 'noop', input: {} });

    await system.waitForJob(next, (j) => j.status === 'SUCCEEDED');
    const unreadable = await system.waitForLines((l) => l['RecordsUnreadable'] === 1 && l['jobId'] === stranger, 2);
    expect(unreadable.map((l) => l['consumer']).sort()).toEqual(['a', 'b']);
    dynamodb.destroy();
  });

  it('fails, then archives, a message the error handler does not understand, counting it', async () => {
    const sns = new SNSClient({
      region: system.state.region,
      endpoint: system.state.motoEndpoint,
      credentials: { accessKeyId: 'l', secretAccessKey: 'l' },
    });
    const marker = `not-a-failure-${randomUUID()}`;
    const gaveUp = () => system.output.split('error handler gave up after 3 attempts').length - 1;
    const before = gaveUp();
    const countedBefore = system.logLines().filter((l) => l['FailureMessagesUnrecognised'] === 1).length;
    await sns.send(new PublishCommand({ TopicArn: system.state.resources.errorTopicArn, Message: JSON.stringify({ hello: marker }) }));

    // Three attempts (Lambda's two async retries), each counted, then the on-failure destination keeps it.
    await system.waitForLines((l) => l['FailureMessagesUnrecognised'] === 1, countedBefore + 3, 20_000);
    await waitUntil('the event is on the failed-events bus', () => gaveUp() > before, 20_000);
    sns.destroy();
  });

  it('serves its OpenAPI document', async () => {
    const response = await system.request('GET', '/openapi.json');
    expect(response.status).toBe(200);
    expect(Object.keys(response.body.paths)).toEqual([
      '/jobs',
      '/jobs/{jobId}',
      '/jobs/{jobId}/cancel',
      '/jobs/{jobId}/retry',
      '/openapi.json',
    ]);
  });

  it('does not run a job twice when the stream delivers its record again', async () => {
    const jobId = await system.submit({ seconds: 1 });
    const done = await system.waitForJob(jobId, bothConsumers('SUCCEEDED'));

    expect(await system.admin('redeliver', { jobId })).toEqual({ redelivered: [true, true] });
    const skipped = await system.waitForLines(jobLine(jobId, 'delivery skipped'), 2);

    const after = await system.waitForJob(jobId, () => true);
    expect(after.version).toBe(done.version);
    expect(Object.values(after.consumers).map((c) => c.attempts)).toEqual([1, 1]);
    expect(skipped.map((l) => (l['reason'] as { code: string }).code)).toEqual(['ALREADY_FINISHED', 'ALREADY_FINISHED']);
  });

  it('ends, once the stream can no longer deliver it, the entry of a consumer whose mapping was deleted: FAILED NOT_STARTED, with a metric', async () => {
    const job = await system.waitForJob(unseenByB, (j) => j.consumers['b'].status === 'FAILED', 120_000);

    expect(job.consumers['a']).toMatchObject({ status: 'SUCCEEDED' });
    expect(job.consumers['b']).toMatchObject({
      status: 'FAILED',
      attempts: 0,
      error: { code: 'NOT_STARTED', message: expect.stringContaining('is its mapping enabled?') },
    });
    expect(job.status).toBe('FAILED');
    const [ended] = await system.waitForLines(jobLine(unseenByB, 'stalled entry ended'), 1);
    expect(ended).toMatchObject({ service: 'job-sweeper', consumerId: 'b', stall: 'NOT_STARTED', requestId: expect.any(String) });
    await system.waitForLines((line) => line['EntriesStalled'] === 1 && line['jobId'] === unseenByB && line['code'] === 'NOT_STARTED', 1);
  });
});

describe('the local system with --data-dir and --auth', () => {
  it('keeps jobs across a restart, requires SigV4, and leaves no process behind', async () => {
    const system = await RunningLocalSystem.start([]);
    const dataDir = `${system.stateFile}.data`;
    await system.stop();
    await system.launch(['--data-dir', dataDir, '--auth', '--cors-origin', 'http://localhost:5173']);
    try {
      // A browser's preflight is unsigned: it is answered, and only for the allowed origin.
      const preflight = await fetch(`${system.apiUrl}/jobs`, {
        method: 'OPTIONS',
        headers: { Origin: 'http://localhost:5173', 'Access-Control-Request-Method': 'POST' },
      });
      expect([preflight.status, preflight.headers.get('access-control-allow-origin')]).toEqual([204, 'http://localhost:5173']);
      const foreign = await fetch(`${system.apiUrl}/jobs`, { method: 'OPTIONS', headers: { Origin: 'https://evil.example.com' } });
      expect(foreign.headers.get('access-control-allow-origin')).toBeNull();

      const unsigned = await system.request('POST', '/jobs', '{"seconds":1}');
      expect(unsigned.status).toBe(403);
      expect(unsigned.body.error.code).toBe('MISSING_AUTHENTICATION');

      const alice = system.state.principals!.find((p) => p.name === 'alice')!;
      const credentials = { accessKeyId: alice.accessKeyId, secretAccessKey: alice.secretAccessKey };
      const body = '{"seconds":1}';
      const url = new URL(`${system.apiUrl}/jobs`);
      const signed = await new SignatureV4({ service: 'execute-api', region: system.state.region, credentials, sha256: NodeSha256 }).sign({
        method: 'POST',
        protocol: 'http:',
        hostname: url.hostname,
        port: Number(url.port),
        path: '/jobs',
        headers: { host: url.host, 'content-type': 'application/json' },
        body,
      });
      const submitted = await fetch(url, { method: 'POST', headers: signed.headers as Record<string, string>, body });
      expect(submitted.status).toBe(202);
      const { jobId } = (await submitted.json()) as { jobId: string };

      const tampered = await fetch(url, { method: 'POST', headers: signed.headers as Record<string, string>, body: '{"seconds":2}' });
      expect(tampered.status).toBe(403);

      const signedGet = async () => {
        const url = new URL(`${system.apiUrl}/jobs/${jobId}`); // the port changes on each launch
        // The keys change on each launch too.
        const alice = system.state.principals!.find((p) => p.name === 'alice')!;
        const request = await new SignatureV4({
          service: 'execute-api',
          region: system.state.region,
          credentials: alice,
          sha256: NodeSha256,
        }).sign({
          method: 'GET',
          protocol: 'http:',
          hostname: url.hostname,
          port: Number(url.port),
          path: `/jobs/${jobId}`,
          headers: { host: url.host },
        });
        return (await (
          await fetch(`${system.apiUrl}/jobs/${jobId}`, { headers: request.headers as Record<string, string> })
        ).json()) as JobView;
      };
      for (let i = 0; i < 100 && (await signedGet()).status !== 'SUCCEEDED'; i++) await sleep(200);
      expect((await signedGet()).status).toBe('SUCCEEDED');

      await system.stop();
      await system.launch(['--data-dir', dataDir, '--auth']);
      const afterRestart = await signedGet();
      expect(afterRestart).toMatchObject({ jobId, status: 'SUCCEEDED' });
    } finally {
      expect(await system.stop()).toBe(0);
      // A service that outlived its SIGTERM grace is SIGKILLed: give its socket a moment to close.
      for (const port of Object.values(system.ports)) await waitUntil(`port ${port} is closed`, () => portClosed(port), 10_000);
      system.cleanUp();
    }
  });
});
