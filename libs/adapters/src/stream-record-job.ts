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
  return jobFromItem(unmarshall(image as Record<string, AttributeValue>));
}

/** The job id from a record's keys, for logging a record whose image cannot be read. */
export function jobIdOfStreamRecord(record: StreamRecordLike): string | undefined {
  const keys = record.dynamodb?.Keys;
  if (!keys) return undefined;
  const id = unmarshall(keys as Record<string, AttributeValue>)['id'];
  return typeof id === 'string' ? id : undefined;
}
