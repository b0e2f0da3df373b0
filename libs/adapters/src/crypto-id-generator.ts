import { randomUUID } from 'node:crypto';
import type { IdGenerator } from '@async-jobs/domain';

/** Random UUIDs: unguessable job ids and write tokens. */
export const cryptoIdGenerator: IdGenerator = {
  newJobId: () => randomUUID(),
  newToken: () => randomUUID(),
};
