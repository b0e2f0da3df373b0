import { Writable } from 'node:stream';
import { currentRequestId } from './invocation-context';
import { lambdaInvocation, wiredOnFirstUse } from './lambda-invocation';
import { createLogger } from './logger';
import { Metrics } from './metrics';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()));
      done();
    },
  });
  return { lines, logger: createLogger({ service: 'test', destination }), metrics: new Metrics({ service: 'test', destination }) };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('lambdaInvocation', () => {
  it("names Lambda's request id on every line and in the invocation's context", async () => {
    const { lines, logger, metrics } = capture();
    const handle = lambdaInvocation({ logger, metrics, fields: { consumerId: 'a' } }, async (event: string, invocation) => {
      invocation.logger.info({ event }, 'working');
      return { requestId: invocation.requestId, inContext: currentRequestId() };
    });

    await expect(handle('e-1', { awsRequestId: 'lambda-1' })).resolves.toEqual({ requestId: 'lambda-1', inContext: 'lambda-1' });
    await flush();
    expect(lines).toEqual([expect.objectContaining({ requestId: 'lambda-1', consumerId: 'a', event: 'e-1', message: 'working' })]);
    expect(lines[0]).not.toHaveProperty('awsRequestId');
    expect(currentRequestId()).toBeUndefined();
  });

  it("prefers the caller's request id from the event, and keeps Lambda's beside it", async () => {
    const { lines, logger, metrics } = capture();
    const handle = lambdaInvocation({ logger, metrics, requestIdOf: (event: { id?: string }) => event.id }, async (_event, invocation) => {
      invocation.logger.info('working');
      return currentRequestId();
    });

    await expect(handle({ id: 'api-7' }, { awsRequestId: 'lambda-7' })).resolves.toBe('api-7');
    await expect(handle({}, { awsRequestId: 'lambda-8' })).resolves.toBe('lambda-8');
    await flush();
    expect(lines.map((line) => [line['requestId'], line['awsRequestId']])).toEqual([
      ['api-7', 'lambda-7'],
      ['lambda-8', undefined],
    ]);
  });

  it("puts the invocation's request id on every metric it emits", async () => {
    const { lines, logger, metrics } = capture();
    const handle = lambdaInvocation({ logger, metrics }, async (_event: unknown, invocation) => {
      invocation.metric('JobsFailed', { consumer: 'a', jobType: 'sleep' }, { jobId: 'j-1', consumerId: 'a' });
    });

    await handle({}, { awsRequestId: 'lambda-3' });
    await flush();

    expect(lines).toEqual([
      expect.objectContaining({ JobsFailed: 1, consumer: 'a', jobType: 'sleep', jobId: 'j-1', requestId: 'lambda-3' }),
    ]);
  });

  it('keeps concurrent invocations apart', async () => {
    const { logger, metrics } = capture();
    const handle = lambdaInvocation({ logger, metrics }, async (delay: number) => {
      await new Promise((resolve) => setTimeout(resolve, delay));
      return currentRequestId();
    });
    await expect(Promise.all([handle(20, { awsRequestId: 'slow' }), handle(1, { awsRequestId: 'fast' })])).resolves.toEqual([
      'slow',
      'fast',
    ]);
  });
});

describe('wiredOnFirstUse', () => {
  it('wires on the first invocation, once, not at module load', async () => {
    const wire = jest.fn(() => async (event: number) => event * 2);
    const handler = wiredOnFirstUse(wire);
    expect(wire).not.toHaveBeenCalled();

    const context = { awsRequestId: 'r' } as Parameters<typeof handler>[1];
    await expect(handler(1, context)).resolves.toBe(2);
    await expect(handler(2, context)).resolves.toBe(4);
    expect(wire).toHaveBeenCalledTimes(1);
  });
});
