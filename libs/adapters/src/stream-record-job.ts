import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { CorruptJobError, type Job } from '@async-jobs/domain';
import { jobFromItem } from './job-item';

/** The parts of a stream record (Lambda event or GetRecords result) this code reads. */
export interface StreamRecordLike {
  eventName?: string;
  dynamodb?: {
    NewImage?: Record<string, unknown>;
    Keys?: Record<string, unknown>;
    SequenceNumber?: string;
  };
}

/** The job an INSERT record carries, read with the SDK's own unmarshaller. */
export function jobFromStreamRecord(record: StreamRecordLike): Job {
  const image = record.dynamodb?.NewImage;
  if (!image) throw new CorruptJobError('the stream record has no new image (is the stream view NEW_IMAGE?)');
  return jobFromItem(unmarshall(restoreEmptyMaps(image) as Record<string, AttributeValue>));
}

/**
 * Restores empty maps that arrive as `{}` instead of `{"M": {}}`: the SDK's DynamoDB Streams client
 * returns them so (seen against DynamoDB Local), and an attribute value with no type at all can
 * only have been an empty map. Lambda's own events carry `{"M": {}}` and pass through unchanged.
 */
export function restoreEmptyMaps<T extends Record<string, unknown>>(image: T): T {
  const repair = (value: unknown): unknown => {
    if (typeof value !== 'object' || value === null) return value;
    const attribute = value as Record<string, unknown>;
    if (Object.keys(attribute).length === 0) return { M: {} };
    if (attribute['M'] && typeof attribute['M'] === 'object') return { M: restoreEmptyMaps(attribute['M'] as Record<string, unknown>) };
    if (Array.isArray(attribute['L'])) return { L: attribute['L'].map(repair) };
    return attribute;
  };
  return Object.fromEntries(Object.entries(image).map(([name, value]) => [name, repair(value)])) as T;
}

/** The job id from a record's keys, for logging a record whose image cannot be read. */
export function jobIdOfStreamRecord(record: StreamRecordLike): string | undefined {
  const keys = record.dynamodb?.Keys;
  if (!keys) return undefined;
  const id = unmarshall(keys as Record<string, AttributeValue>)['id'];
  return typeof id === 'string' ? id : undefined;
}
