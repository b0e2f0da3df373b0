import { DynamoDBClient, type ConsumedCapacity } from '@aws-sdk/client-dynamodb';

export const READS = ['GetItemCommand', 'QueryCommand', 'ScanCommand', 'BatchGetItemCommand'];
export const WRITES = ['PutItemCommand', 'UpdateItemCommand', 'DeleteItemCommand', 'BatchWriteItemCommand', 'TransactWriteItemsCommand'];

/** Capacity units DynamoDB reports having consumed, for the table itself and for each index. */
export interface CapacityTally {
  table: number;
  indexes: Record<string, number>;
}

/**
 * A DynamoDB client that counts the requests it sends, by command, through the SDK's middleware
 * stack, and asks every write for the capacity it consumed, indexes included (DynamoDB Local
 * reports it as DynamoDB does: an index write whose key changes costs a delete and a put).
 */
export function countingDynamoDbClient(endpoint: string): {
  client: DynamoDBClient;
  counts: Record<string, number>;
  capacity: CapacityTally;
  reset(): void;
} {
  const client = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' } });
  const counts: Record<string, number> = {};
  const capacity: CapacityTally = { table: 0, indexes: {} };
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const command = context.commandName ?? 'unknown';
      counts[command] = (counts[command] ?? 0) + 1;
      if (WRITES.includes(command)) (args.input as { ReturnConsumedCapacity?: string }).ReturnConsumedCapacity = 'INDEXES';
      const result = await next(args);
      const consumed = (result.output as { ConsumedCapacity?: ConsumedCapacity | ConsumedCapacity[] }).ConsumedCapacity;
      for (const units of [consumed ?? []].flat()) {
        capacity.table += units.Table?.CapacityUnits ?? 0;
        for (const [index, used] of Object.entries(units.GlobalSecondaryIndexes ?? {}))
          capacity.indexes[index] = (capacity.indexes[index] ?? 0) + (used.CapacityUnits ?? 0);
      }
      return result;
    },
    { step: 'initialize', name: 'countRequests' },
  );
  const reset = () => {
    Object.keys(counts).forEach((key) => delete counts[key]);
    capacity.table = 0;
    capacity.indexes = {};
  };
  return { client, counts, capacity, reset };
}

export function sumOf(counts: Record<string, number>, commands: string[]): number {
  return commands.reduce((sum, command) => sum + (counts[command] ?? 0), 0);
}
