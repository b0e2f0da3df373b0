import { AsyncInvoker, type DestinationEnvelope } from './async-invoker';
import type { InvokeResult, LocalFunction } from './local-function';

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** A function double: each invocation waits for the test to answer it, so runs in flight can be counted. */
function aFunction() {
  const pending: { event: unknown; answer: (result: InvokeResult) => void }[] = [];
  const fn = {
    name: 'runner',
    arn: 'arn:aws:lambda:us-east-1:123456789012:function:runner',
    invoke: (event: unknown) => new Promise<InvokeResult>((answer) => pending.push({ event, answer })),
  } as unknown as LocalFunction;
  return { fn, pending };
}
const ok: InvokeResult = { ok: true, result: null, requestId: 'r' };
const crash: InvokeResult = { ok: false, errorType: 'Runtime.ExitError', errorMessage: 'gone', requestId: 'r-9' };
const tick = () => new Promise((resolve) => setImmediate(resolve));

describe("the local runtime's asynchronous invocation (Lambda's queue for a function)", () => {
  it('runs at most its concurrency at once; the other events wait in the queue and run as slots free up', async () => {
    const { fn, pending } = aFunction();
    const invoker = new AsyncInvoker(
      fn,
      { maximumRetryAttempts: 2, retryDelaysMs: [1], maximumEventAgeSeconds: 60, concurrency: 2 },
      async () => undefined,
      quiet,
    );
    for (const n of [1, 2, 3, 4, 5]) invoker.invoke({ n });
    await tick();

    expect([invoker.inFlight, invoker.waiting, pending.length]).toEqual([2, 3, 2]);
    pending[0].answer(ok);
    await tick();
    expect([invoker.inFlight, invoker.waiting, pending.length]).toEqual([2, 2, 3]);
    expect(pending.map((p) => p.event)).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
    for (const p of pending.slice(1)) p.answer(ok);
    await tick();
    for (const p of pending.slice(3)) p.answer(ok);
    await invoker.idle();
    expect([invoker.maxInFlight, invoker.accepted, pending.length]).toEqual([2, 5, 5]);
  });

  it("retries a failed event maximumRetryAttempts times, then hands Lambda's envelope to the destination", async () => {
    const { fn, pending } = aFunction();
    const sent: DestinationEnvelope[] = [];
    const invoker = new AsyncInvoker(
      fn,
      { maximumRetryAttempts: 2, retryDelaysMs: [1, 1], maximumEventAgeSeconds: 60 },
      async (e) => void sent.push(e),
      quiet,
    );
    invoker.invoke({ n: 1 });
    for (let attempt = 1; attempt <= 3; attempt++) {
      while (pending.length < attempt) await new Promise((resolve) => setTimeout(resolve, 2));
      pending[attempt - 1].answer(crash);
    }
    await invoker.idle();

    expect(pending).toHaveLength(3); // the first try and two retries
    expect(sent).toEqual([
      expect.objectContaining({
        requestContext: expect.objectContaining({ condition: 'RetriesExhausted', approximateInvokeCount: 3, requestId: 'r-9' }),
        requestPayload: { n: 1 },
        responsePayload: { errorType: 'Runtime.ExitError', errorMessage: 'gone' },
      }),
    ]);
  });

  it('sends an event that waited longer than its maximum age to the destination without running it', async () => {
    const { fn, pending } = aFunction();
    const sent: DestinationEnvelope[] = [];
    const invoker = new AsyncInvoker(
      fn,
      { maximumRetryAttempts: 2, retryDelaysMs: [1], maximumEventAgeSeconds: 0.05, concurrency: 1 },
      async (e) => void sent.push(e),
      quiet,
    );
    invoker.invoke({ n: 1 });
    invoker.invoke({ n: 2 }); // waits behind the first, longer than its 50 ms
    await new Promise((resolve) => setTimeout(resolve, 80));
    pending[0].answer(ok);
    await invoker.idle();
    await tick();

    expect(pending.map((p) => p.event)).toEqual([{ n: 1 }]);
    expect(sent).toEqual([
      expect.objectContaining({
        requestContext: expect.objectContaining({ condition: 'EventAgeExceeded', approximateInvokeCount: 0 }),
        requestPayload: { n: 2 },
      }),
    ]);
  });
});
