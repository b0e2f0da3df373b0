import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import type { RunDispatcher, RunOrder } from '@async-jobs/domain';

/**
 * Sends a run order to the runner function as an asynchronous invocation: Lambda answers 202 once the
 * event is in the function's queue, which holds it while the runner's reserved concurrency is in use,
 * retries a failed run and hands one that failed for good to the on-failure destination.
 */
export class LambdaRunDispatcher implements RunDispatcher {
  constructor(
    private readonly client: LambdaClient,
    private readonly functionName: string,
  ) {}

  async dispatch(order: RunOrder): Promise<void> {
    const answer = await this.client.send(
      new InvokeCommand({ FunctionName: this.functionName, InvocationType: 'Event', Payload: Buffer.from(JSON.stringify(order)) }),
    );
    // An asynchronous invocation is accepted with 202 and nothing else.
    if (answer.StatusCode !== 202)
      throw new Error(`the runner ${this.functionName} answered ${answer.StatusCode} to an asynchronous invocation`);
  }
}
