import pino, { type Logger, type LoggerOptions } from 'pino';

export type { Logger } from 'pino';

export interface LoggerSettings {
  /** The app writing the lines, e.g. "jobs-api". */
  service: string;
  level?: string;
  /** Where lines go; stdout (Lambda ships it to CloudWatch) unless a test captures them. */
  destination?: pino.DestinationStream;
}

/** Keys that must never reach a log line whatever an object carries. */
const REDACTED = [
  'authorization',
  'headers.authorization',
  'headers.Authorization',
  'headers["x-amz-security-token"]',
  'headers["X-Amz-Security-Token"]',
  'multiValueHeaders.authorization',
  'multiValueHeaders.Authorization',
  'multiValueHeaders["x-amz-security-token"]',
  'multiValueHeaders["X-Amz-Security-Token"]',
  'credentials',
  'secretAccessKey',
  'sessionToken',
  'body',
];

/**
 * The process's one logger: JSON lines with an ISO time, the level as a word, `message` as the
 * text key (what CloudWatch's JSON log format shows), and redaction of secrets and bodies.
 * Handlers derive a child per invocation carrying the request id, and per job the job id.
 */
export function createLogger(settings: LoggerSettings): Logger {
  const options: LoggerOptions = {
    level: settings.level ?? 'info',
    base: { service: settings.service },
    messageKey: 'message',
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    redact: { paths: REDACTED, censor: '[redacted]' },
  };
  return settings.destination ? pino(options, settings.destination) : pino(options);
}
