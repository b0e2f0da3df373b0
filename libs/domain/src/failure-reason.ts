import { JobsError } from './errors';
import type { FailureReason } from './job';

const MAX_MESSAGE_LENGTH = 500;

/** The code and a bounded message of anything thrown; never a stack or a payload. */
export function failureReasonOf(error: unknown): FailureReason {
  if (error instanceof JobsError) return { code: error.code, message: error.message.slice(0, MAX_MESSAGE_LENGTH) };
  const message = (error as { message?: unknown } | null)?.message;
  if (typeof message === 'string') return { code: 'JOB_RUN_ERROR', message: message.slice(0, MAX_MESSAGE_LENGTH) };
  return { code: 'JOB_RUN_ERROR', message: String(error).slice(0, MAX_MESSAGE_LENGTH) };
}
