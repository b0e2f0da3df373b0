import { DynamoDBClient } from '@aws-sdk/client-dynamodb';

/** A DynamoDB client that counts the requests it sends, by command, through the SDK's middleware stack. */
export function countingDynamoDbClient(endpoint: string): { client: DynamoDBClient; counts: Record<string, number>; reset(): void } {
  const client = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' } });
  const counts: Record<string, number> = {};
  client.middlewareStack.add(
    (next, context) => async (args) => {
      counts[context.commandName ?? 'unknown'] = (counts[context.commandName ?? 'unknown'] ?? 0) + 1;
      return next(args);
    },
    { step: 'initialize', name: 'countRequests' },
  );
  return { client, counts, reset: () => Object.keys(counts).forEach((key) => delete counts[key]) };
}

export const READS = ['GetItemCommand', 'QueryCommand', 'ScanCommand', 'BatchGetItemCommand'];
export const WRITES = ['PutItemCommand', 'UpdateItemCommand', 'DeleteItemCommand', 'BatchWriteItemCommand', 'TransactWriteItemsCommand'];

export function sumOf(counts: Record<string, number>, commands: string[]): number {
  return commands.reduce((sum, command) => sum + (counts[command] ?? 0), 0);
}
