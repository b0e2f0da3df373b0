import type { JobEventDetail } from '../job-events';
import { verifyWebhookSignature } from '../webhooks/webhook-signature';
import { deliverWebhook, type DeliverWebhookDeps } from './deliver-webhook';
import { FakeClock } from '../../testing';

const finishedAt = '2026-01-01T00:00:00.000Z';
const event = (url?: string): JobEventDetail => ({
  eventId: `j/job/SUCCEEDED/${finishedAt}`,
  jobId: 'j',
  status: 'SUCCEEDED',
  occurredAt: finishedAt,
  job: {
    jobId: 'j',
    id: 'j',
    type: 'noop',
    status: 'SUCCEEDED',
    input: {},
    consumers: {},
    version: 4,
    createdAt: finishedAt,
    updatedAt: finishedAt,
    ...(url ? { notify: { url } } : {}),
  },
});

describe('deliverWebhook', () => {
  const posts: { url: string; body: string; headers: Record<string, string> }[] = [];
  let answer: () => Promise<{ status: number }>;
  let clock: FakeClock;
  let deps: DeliverWebhookDeps;
  beforeEach(() => {
    posts.length = 0;
    answer = async () => ({ status: 204 });
    clock = new FakeClock(new Date(Date.parse(finishedAt) + 2000));
    deps = {
      sender: { post: async (url, body, headers) => (posts.push({ url, body, headers }), answer()) },
      secret: async () => 'the-secret',
      clock,
      policy: { allowedHosts: ['hooks.example.com'], allowLoopbackHttp: false },
      maxAgeSeconds: 3600,
    };
  });

  it('POSTs the event, signed with the timestamp, and a 2xx delivers it', async () => {
    expect(await deliverWebhook(deps, event('https://hooks.example.com/jobs'), 1)).toEqual({ kind: 'delivered', status: 204 });
    const [post] = posts;
    expect(post.url).toBe('https://hooks.example.com/jobs');
    expect(JSON.parse(post.body)).toEqual(event('https://hooks.example.com/jobs'));
    expect(post.headers).toMatchObject({
      'Content-Type': 'application/json',
      'X-Async-Jobs-Event-Id': `j/job/SUCCEEDED/${finishedAt}`,
      'X-Async-Jobs-Timestamp': String(Math.floor(clock.now().getTime() / 1000)),
    });
    const delivery = {
      timestamp: post.headers['X-Async-Jobs-Timestamp'],
      signature: post.headers['X-Async-Jobs-Signature'],
      body: post.body,
    };
    expect(verifyWebhookSignature('the-secret', delivery, Math.floor(clock.now().getTime() / 1000))).toBe(true);
  });

  it('delivers on any 2xx and treats a redirect as not delivered', async () => {
    answer = async () => ({ status: 200 });
    expect(await deliverWebhook(deps, event('https://hooks.example.com/jobs'), 1)).toEqual({ kind: 'delivered', status: 200 });
    answer = async () => ({ status: 302 });
    expect(await deliverWebhook(deps, event('https://hooks.example.com/jobs'), 1)).toMatchObject({ kind: 'retry', reason: 'answered 302' });
  });

  it('tries again after 30 s, doubling each attempt up to 15 minutes, for a refusal or no answer', async () => {
    answer = async () => ({ status: 503 });
    expect(await deliverWebhook(deps, event('https://hooks.example.com/jobs'), 1)).toEqual({
      kind: 'retry',
      delaySeconds: 30,
      reason: 'answered 503',
    });
    answer = async () => {
      throw new Error('connect ECONNREFUSED');
    };
    expect(await deliverWebhook(deps, event('https://hooks.example.com/jobs'), 3)).toEqual({
      kind: 'retry',
      delaySeconds: 120,
      reason: 'no answer: connect ECONNREFUSED',
    });
    expect((await deliverWebhook(deps, event('https://hooks.example.com/jobs'), 9)) as { delaySeconds: number }).toMatchObject({
      delaySeconds: 900,
    });
  });

  it('gives up once the next attempt would fall past an hour after the job finished', async () => {
    answer = async () => ({ status: 500 });
    clock.advance(3600_000 - 2000 - 29_000);
    expect(await deliverWebhook(deps, event('https://hooks.example.com/jobs'), 1)).toEqual({
      kind: 'gave-up',
      reason: 'answered 500; tried for 3571 s',
    });
  });

  it('gives up at once, sending nothing, on a URL the allow-list no longer has', async () => {
    expect(await deliverWebhook(deps, event('https://old.example.com/jobs'), 1)).toMatchObject({
      kind: 'gave-up',
      reason: expect.stringContaining('old.example.com is not on'),
    });
    expect(posts).toEqual([]);
  });
});
