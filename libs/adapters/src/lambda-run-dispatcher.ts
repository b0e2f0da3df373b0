import type { LambdaClient } from '@aws-sdk/client-lambda';
import type { RunDispatcher, RunOrder } from '@async-jobs/domain';
import { clientFrom, type ClientSource } from './lazy-client';

/**
 * Sends a run order to the runner function as an asynchronous invocation: Lambda answers 202 once the
 * event is in the function's queue, which holds it while the runner's reserved concurrency is in use,
 * retries a failed run and hands one that failed for good to the on-failure destination.
 */
export class LambdaRunDispatcher implements RunDispatcher {
  private readonly client: () => Promise<LambdaClient>;

  /** `client`: a client, or its loader (a processor that never meets a long job never loads it). */
  constructor(
    client: ClientSource<LambdaClient>,
    private readonly functionName: string,
  ) {
    this.client = clientFrom(client);
  }

  async dispatch(order: RunOrder): Promise<void> {
    const [client, { InvokeCommand }] = await Promise.all([this.client(), import('@aws-sdk/client-lambda')]);
    const answer = await client.send(
      new InvokeCommand({ FunctionName: this.functionName, InvocationType: 'Event', Payload: Buffer.from(JSON.stringify(order)) }),
    );
    // An asynchronous invocation is accepted with 202 and nothing else.
    if (answer.StatusCode !== 202)
      throw new Error(`the runner ${this.functionName} answered ${answer.StatusCode} to an asynchronous invocation`);
  }
}
