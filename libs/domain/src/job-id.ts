import { InvalidJobIdError } from './errors';

const JOB_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

export function isJobId(value: string): boolean {
  return JOB_ID.test(value);
}

/** @throws InvalidJobIdError for anything but a lower-case UUID. */
export function assertJobId(value: string): string {
  if (!isJobId(value)) throw new InvalidJobIdError();
  return value;
}
