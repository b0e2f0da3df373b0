import { InvokeCommand, LambdaClient, ResourceNotFoundException } from '@aws-sdk/client-lambda';
import { startLambdaApi, type AsyncTarget } from './lambda-api';

/** Checked with the AWS SDK's own Lambda client, which builds and reads the wire format: not a client of ours. */
describe('the local Lambda API', () => {
  const received: unknown[] = [];
  const runner: AsyncTarget = {
    arn: 'arn:aws:lambda:us-east-1:123456789012:function:async-jobs-local-job-runner',
    invoke: (event) => void received.push(event),
  };
  let api: Awaited<ReturnType<typeof startLambdaApi>>;
  let lambda: LambdaClient;
  beforeAll(async () => {
    api = await startLambdaApi({ functions: [runner] });
    lambda = new LambdaClient({
      endpoint: api.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
      maxAttempts: 1,
    });
  });
  afterAll(async () => {
    lambda.destroy();
    await api.stop();
  });
  beforeEach(() => received.splice(0));

  it('queues an asynchronous invocation named by name, ARN or qualified ARN, and answers 202', async () => {
    for (const FunctionName of ['async-jobs-local-job-runner', runner.arn, `${runner.arn}:$LATEST`]) {
      const answer = await lambda.send(
        new InvokeCommand({ FunctionName, InvocationType: 'Event', Payload: Buffer.from(JSON.stringify({ n: 1 })) }),
      );
      expect(answer.StatusCode).toBe(202);
    }
    expect(received).toEqual([{ n: 1 }, { n: 1 }, { n: 1 }]);
  });

  it("answers Lambda's errors, which the SDK turns into its own exceptions, queuing nothing", async () => {
    await expect(
      lambda.send(new InvokeCommand({ FunctionName: 'nope', InvocationType: 'Event', Payload: Buffer.from('{}') })),
    ).rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(
      lambda.send(new InvokeCommand({ FunctionName: runner.arn, InvocationType: 'RequestResponse', Payload: Buffer.from('{}') })),
    ).rejects.toMatchObject({ name: 'InvalidParameterValueException' });
    const tooLarge = Buffer.from(JSON.stringify({ pad: 'x'.repeat(300 * 1024) }));
    await expect(
      lambda.send(new InvokeCommand({ FunctionName: runner.arn, InvocationType: 'Event', Payload: tooLarge })),
    ).rejects.toMatchObject({
      name: 'RequestTooLargeException',
    });
    expect(received).toEqual([]);
  });
});
