import { announcementOf, type EntryExpectation, type JobChange } from '@async-jobs/domain';
import { UNFINISHED_ENTRIES_INDEX } from '@async-jobs/platform';

export interface UpdateParts {
  UpdateExpression: string;
  ConditionExpression: string;
  ExpressionAttributeNames: Record<string, string>;
  /** Plain values; the repository marshals them with the SDK's own marshaller. */
  values: Record<string, unknown>;
}

/**
 * Translates a domain change into one conditional UpdateItem: the expectation becomes the
 * condition, the entry patches become SET/REMOVE on `consumers.<id>.<field>`, and every change
 * increments `version`. Consumers only touch their own entry, so two consumers never conflict.
 */
export function jobChangeExpression(change: JobChange): UpdateParts {
  const names: Record<string, string> = { '#id': 'id', '#version': 'version', '#updatedAt': 'updatedAt' };
  const values: Record<string, unknown> = { ':one': 1, ':updatedAt': change.updatedAt };
  const name = (field: string) => {
    const key = `#${field}`;
    names[key] = field;
    return key;
  };
  const consumerIds = new Map<string, string>();
  const consumerPath = (consumerId: string) => {
    names['#consumers'] = 'consumers';
    if (!consumerIds.has(consumerId)) {
      const key = `#c${consumerIds.size}`;
      names[key] = consumerId;
      consumerIds.set(consumerId, key);
    }
    return `#consumers.${consumerIds.get(consumerId)}`;
  };
  let valueCount = 0;
  const value = (v: unknown) => {
    const key = `:v${valueCount++}`;
    values[key] = v;
    return key;
  };

  const set = ['#version = #version + :one', '#updatedAt = :updatedAt'];
  const remove: string[] = [];
  if (change.cancelledAt) set.push(`${name('cancelledAt')} = ${value(change.cancelledAt)}`);
  if (change.cancelledBy) set.push(`${name('cancelledBy')} = ${value(change.cancelledBy)}`);
  if (change.retryRequestedAt) set.push(`${name('retryRequestedAt')} = ${value(change.retryRequestedAt)}`);
  if (change.retryRequestedAt === null) remove.push(name('retryRequestedAt'));
  // The stream record of a write that ends entries carries what it ended; any other write's record carries nothing.
  const announce = announcementOf(change);
  if (announce) set.push(`${name('announce')} = ${value(announce)}`);
  else remove.push(name('announce'));
  for (const [consumerId, patch] of Object.entries(change.entries)) {
    const path = consumerPath(consumerId);
    // The deadline lives at the top level, where it keys the consumer's unfinished-entries index.
    const fieldPath = (field: string) =>
      field === 'deadline' ? name(UNFINISHED_ENTRIES_INDEX.sortKey(consumerId)) : `${path}.${name(field)}`;
    for (const [field, fieldValue] of Object.entries(patch.set)) {
      if (fieldValue !== undefined) set.push(`${fieldPath(field)} = ${value(fieldValue)}`);
    }
    if (patch.incrementAttempts) set.push(`${path}.${name('attempts')} = ${path}.${name('attempts')} + :one`);
    if (patch.decrementAttempts) set.push(`${path}.${name('attempts')} = ${path}.${name('attempts')} - :one`);
    for (const field of patch.remove ?? []) remove.push(fieldPath(field));
  }

  const conditions = ['attribute_exists(#id)'];
  if (change.expect.version !== undefined) conditions.push(`#version = ${value(change.expect.version)}`);
  if (change.expect.notCancelled) conditions.push(`attribute_not_exists(${name('cancelledAt')})`);
  for (const [consumerId, expectation] of Object.entries(change.expect.entries)) {
    conditions.push(entryCondition(consumerPath(consumerId), expectation, name, value));
  }

  return {
    UpdateExpression: `SET ${set.join(', ')}${remove.length ? ` REMOVE ${remove.join(', ')}` : ''}`,
    ConditionExpression: conditions.join(' AND '),
    ExpressionAttributeNames: names,
    values,
  };
}

function entryCondition(path: string, expectation: EntryExpectation, name: (f: string) => string, value: (v: unknown) => string): string {
  const status = `${path}.${name('status')}`;
  switch (expectation.kind) {
    case 'status-in':
      return `${status} IN (${expectation.statuses.map(value).join(', ')})`;
    case 'claimable':
      return `(${status} = ${value('PENDING')} OR (${status} = ${value('RUNNING')} AND ${path}.${name('leaseExpiresAt')} < ${value(expectation.now)}))`;
    case 'held-by': {
      const held = `${status} = ${value('RUNNING')} AND ${path}.${name('claimToken')} = ${value(expectation.claimToken)}`;
      if (expectation.leaseExpiredBefore === undefined) return `(${held})`;
      return `(${held} AND ${leaseLapsed(path, expectation.leaseExpiredBefore, name, value)})`;
    }
    case 'not-live':
      return `(${status} = ${value('PENDING')} OR (${status} = ${value('RUNNING')} AND ${leaseLapsed(path, expectation.now, name, value)}))`;
    case 'dispatched':
      return `(${status} = ${value('RUNNING')} AND ${path}.${name('claimToken')} = ${value(expectation.claimToken)} AND attribute_exists(${path}.${name('dispatchedAt')}))`;
  }
}

/** No run renews the lease any more: it ran out before `instant`, or it was handed over (removed). */
function leaseLapsed(path: string, instant: number, name: (f: string) => string, value: (v: unknown) => string): string {
  const lease = `${path}.${name('leaseExpiresAt')}`;
  return `(attribute_not_exists(${lease}) OR ${lease} < ${value(instant)})`;
}
