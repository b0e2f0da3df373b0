import type { LambdaClient } from '@aws-sdk/client-lambda';
import type * as Lambda from '@aws-sdk/client-lambda';
import type { RunDispatcher, RunOrder } from '@async-jobs/domain';
import { clientFrom, type ClientSource, type SdkClient } from './lazy-client';

/**
 * Sends a run order to the runner function as an asynchronous invocation: Lambda answers 202 once the
 * event is in the function's queue, which holds it while the runner's reserved concurrency is in use,
 * retries a failed run and hands one that failed for good to the on-failure destination.
 */
export class LambdaRunDispatcher implements RunDispatcher {
  private readonly lambda: () => Promise<SdkClient<typeof Lambda, LambdaClient>>;

  /** `lambda`: the client and its module, or their loader (a processor that never meets a long job never loads it). */
  constructor(
    lambda: ClientSource<SdkClient<typeof Lambda, LambdaClient>>,
    private readonly functionName: string,
  ) {
    this.lambda = clientFrom(lambda);
  }

  async dispatch(order: RunOrder): Promise<void> {
    const { client, module } = await this.lambda();
    const answer = await client.send(
      new module.InvokeCommand({ FunctionName: this.functionName, InvocationType: 'Event', Payload: Buffer.from(JSON.stringify(order)) }),
    );
    // An asynchronous invocation is accepted with 202 and nothing else.
    if (answer.StatusCode !== 202)
      throw new Error(`the runner ${this.functionName} answered ${answer.StatusCode} to an asynchronous invocation`);
  }
}
