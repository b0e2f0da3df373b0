import { randomUUID } from 'node:crypto';
import type { IdGenerator } from '@async-jobs/domain';

/** Random UUIDs: unguessable job ids and claim tokens. */
export const cryptoIdGenerator: IdGenerator = {
  newJobId: () => randomUUID(),
  newClaimToken: () => randomUUID(),
};
