import type { WebhookPolicy } from '@async-jobs/domain';
import { ConfigurationError, deadlinePolicyFrom, EnvironmentSettings, webhookPolicyFrom } from '@async-jobs/platform';
import { OPERATOR_ARN, principalOf, type CallerPolicy } from './caller-identity';

export interface JobsApiConfig {
  tableName: string;
  /** Every consumer that runs each job; must match the deployed stream processors. */
  consumers: string[];
  retentionDays: number;
  /** Request bodies above this are refused with 413 (API Gateway's own limit is 10 MB). */
  maxBodyBytes: number;
  sleepMaxSeconds: number;
  logLevel: string;
  /** Browser origins allowed to call the API; empty: CORS off. */
  corsAllowedOrigins: string[];
  /** When the sweeper looks at an entry no run claims. */
  deadlines: { pickupMs: number; marginMs: number; handOverMs: number };
  /** How callers are known, and who operates. */
  callers: CallerPolicy;
  /** The results bucket, and how long a link to a result in it works. */
  results: { bucket: string; urlExpirySeconds: number };
  /** Which notify URLs a submit may give. */
  webhooks: WebhookPolicy;
}

export function loadJobsApiConfig(env: Record<string, string | undefined>): JobsApiConfig {
  const settings = new EnvironmentSettings(env);
  return {
    tableName: settings.string('JOBS_TABLE_NAME'),
    consumers: settings.idList('CONSUMERS'),
    retentionDays: settings.integer('JOB_RETENTION_DAYS', 30, { min: 1, max: 3650 }),
    maxBodyBytes: settings.integer('MAX_BODY_BYTES', 16 * 1024, { min: 256, max: 1024 * 1024 }),
    sleepMaxSeconds: settings.integer('SLEEP_MAX_SECONDS', 300, { min: 1, max: 900 }),
    logLevel: settings.string('LOG_LEVEL', 'info'),
    corsAllowedOrigins: corsOrigins(env['CORS_ALLOWED_ORIGINS']),
    deadlines: deadlinePolicyFrom(settings),
    callers: { identity: callerIdentity(env['CALLER_IDENTITY']), operators: operatorPrincipals(env['OPERATOR_PRINCIPALS']) },
    // Links are short-lived: a GET is cheap, and a leaked link should not outlive the caller's need for it.
    results: {
      bucket: settings.string('RESULTS_BUCKET'),
      urlExpirySeconds: settings.integer('RESULT_URL_EXPIRY_SECONDS', 900, { min: 60, max: 43_200 }),
    },
    webhooks: webhookPolicyFrom(env),
  };
}

/** IAM unless told otherwise: a deployment that forgot the variable must not serve everyone as one owner. */
function callerIdentity(raw: string | undefined): CallerPolicy['identity'] {
  const value = raw ?? 'iam';
  if (value !== 'iam' && value !== 'anonymous')
    throw new ConfigurationError(`Environment variable CALLER_IDENTITY: expected iam or anonymous, got "${value}"`);
  return value;
}

/**
 * `arn:aws:iam::123456789012:role/ops,arn:aws:iam::123456789012:user/alice`: IAM users and roles
 * (any path). A role session's ARN is refused: its owner is the whole role, so naming one session
 * would make every session of that role an operator.
 */
function operatorPrincipals(raw: string | undefined): string[] {
  const arns = (raw ?? '')
    .split(',')
    .map((a) => a.trim())
    .filter(Boolean);
  const bad = arns.find((a) => !OPERATOR_ARN.test(a));
  if (bad)
    throw new ConfigurationError(
      `Environment variable OPERATOR_PRINCIPALS: "${bad}" is not the ARN of an IAM user or role (role sessions are not accepted: they stand for their whole role)`,
    );
  return arns.map(principalOf);
}

/** `https://app.example.com,http://localhost:5173`, or `*` for any origin. */
function corsOrigins(raw: string | undefined): string[] {
  const origins = (raw ?? '')
    .split(',')
    .map((o) => o.trim())
    .filter(Boolean);
  const bad = origins.find((o) => o !== '*' && !/^https?:\/\/[a-z0-9.-]+(:\d{1,5})?$/i.test(o));
  if (bad)
    throw new ConfigurationError(`Environment variable CORS_ALLOWED_ORIGINS: "${bad}" is not an origin such as https://app.example.com`);
  return origins;
}
