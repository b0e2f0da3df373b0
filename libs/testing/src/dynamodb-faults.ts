import {
  DynamoDBClient,
  ProvisionedThroughputExceededException,
  TransactionCanceledException,
  TransactionInProgressException,
  type DynamoDBClientConfig,
} from '@aws-sdk/client-dynamodb';

/**
 * What real DynamoDB does that DynamoDB Local never shows, played on one request:
 * - `lose-answer`: the request reaches the table and lands, but its answer is lost (a timeout, a
 *   dropped connection); the SDK retries it as it would.
 * - `throttle`: refused before it reaches the table (ProvisionedThroughputExceededException).
 * - `transaction-in-progress`: TransactWriteItems refused because its client token is in use.
 * - `transaction-throttled`: TransactWriteItems cancelled with a ThrottlingError reason per item.
 * - `unprocessed-keys`: BatchGetItem answers only the first `answered` keys asked for and returns
 *   the rest unprocessed.
 */
export type DynamoDbFault =
  | { kind: 'lose-answer' }
  | { kind: 'throttle' }
  | { kind: 'transaction-in-progress' }
  | { kind: 'transaction-throttled' }
  | { kind: 'unprocessed-keys'; answered: number };

export interface DynamoDbCall {
  /** The SDK command's name, e.g. `UpdateItemCommand`. */
  command: string;
  input: Record<string, unknown>;
  /** 1 for the first request of this command on this client, counting the SDK's retries. */
  nth: number;
}

type Input = Record<string, unknown>;

/**
 * A DynamoDB client (for DynamoDB Local) with an SDK middleware that plays `faultFor`'s answer on
 * each request, inside the SDK's retry loop, so that the SDK and our code see exactly what they
 * would see from the service. Every request is recorded with the fault it got.
 */
export function dynamoDbClientWithFaults(faultFor: (call: DynamoDbCall) => DynamoDbFault | undefined, config: DynamoDBClientConfig = {}) {
  const client = new DynamoDBClient(config);
  const counts = new Map<string, number>();
  const calls: (DynamoDbCall & { fault?: DynamoDbFault['kind'] })[] = [];
  const metadata = { httpStatusCode: 400, requestId: 'injected', attempts: 1, totalRetryDelay: 0 };
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const command = context.commandName as string;
      const nth = (counts.get(command) ?? 0) + 1;
      counts.set(command, nth);
      const input = args.input as Input;
      const fault = faultFor({ command, input, nth });
      calls.push({ command, input, nth, fault: fault?.kind });
      switch (fault?.kind) {
        case undefined:
          return next(args);
        case 'lose-answer': {
          await next(args);
          throw Object.assign(new Error('the answer was lost'), { name: 'TimeoutError', $metadata: {} });
        }
        case 'throttle':
          throw new ProvisionedThroughputExceededException({
            message: 'The level of configured provisioned throughput for the table was exceeded',
            $metadata: metadata,
          });
        case 'transaction-in-progress':
          throw new TransactionInProgressException({ message: 'Transaction is ongoing for the idempotency token', $metadata: metadata });
        case 'transaction-throttled':
          throw new TransactionCanceledException({
            message: 'Transaction cancelled, please refer cancellation reasons for specific reasons [ThrottlingError, ThrottlingError]',
            $metadata: metadata,
            CancellationReasons: (input['TransactItems'] as unknown[]).map(() => ({
              Code: 'ThrottlingError',
              Message: 'Throughput exceeds the current capacity for one or more global secondary indexes.',
            })),
          });
        case 'unprocessed-keys': {
          // The request is already serialized at this step, so the table answers every key; the
          // caller is told that all but `answered` of them were left unprocessed, as a busy table says.
          const [table, request] = Object.entries(input['RequestItems'] as Record<string, { Keys: Input[] }>)[0];
          const result = await next(args);
          const output = result.output as unknown as { Responses?: Record<string, Input[]> };
          // In the order the keys were asked for, so that a test knows which ones were left.
          const order = request.Keys.map((k) => JSON.stringify(k['id']));
          const items = [...(output.Responses?.[table] ?? [])].sort(
            (x, y) => order.indexOf(JSON.stringify(x['id'])) - order.indexOf(JSON.stringify(y['id'])),
          );
          const left = items.slice(fault.answered).map((item) => ({ id: item['id'] }));
          return {
            ...result,
            output: {
              ...output,
              Responses: { [table]: items.slice(0, fault.answered) },
              UnprocessedKeys: left.length ? { [table]: { ...request, Keys: left } } : {},
            },
          } as unknown as typeof result;
        }
      }
    },
    // Outside the deserializer (high priority), inside the SDK's retry loop (an earlier step).
    { step: 'deserialize', name: 'injectDynamoDbFaults', priority: 'high' },
  );
  return { client, calls };
}
