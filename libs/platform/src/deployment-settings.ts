import { resourceName } from './resource-names';

export const ENVIRONMENTS = ['local', 'dev', 'staging', 'prod', 'rehearsal'] as const;
export type Environment = (typeof ENVIRONMENTS)[number];

export interface FunctionSettings {
  memoryMb: number;
  timeoutSeconds: number;
  /** Unset: the account's unreserved pool. */
  reservedConcurrency?: number;
}

/**
 * Everything that differs between environments, in one typed object per environment: infra builds
 * its stack from it and the local runtime plays AWS's glue with the same numbers.
 */
export interface DeploymentSettings {
  environment: Environment;
  region: string;
  /** One stream processor deployment (and event source mapping) per consumer; DynamoDB Streams allows two readers per shard. */
  consumers: string[];
  logLevel: 'debug' | 'info' | 'warn';
  jobs: {
    retentionDays: number;
    /** The longest `sleep` one run may take; the processor's timeout leaves a margin above it. */
    sleepMaxSeconds: number;
    maxBodyBytes: number;
    /**
     * How long a claim holds without its run's heartbeat (renewed every third of it): the longest a
     * crashed run keeps its job from the next delivery. Shorter means faster takeover and more writes
     * (one per consumer per renewal, for jobs longer than a third of it).
     */
    leaseSeconds: number;
    /**
     * How long a processor keeps trying a store or topic that is down before it hands the record
     * back to the event source: the mapping's few retries are then not spent in one second.
     */
    outagePatienceSeconds: number;
  };
  /** Results too large for the job item (over 32 KiB): kept in the results bucket as long as their jobs. */
  results: {
    /** How long a result link (a presigned GET) works: GET the job again for a fresh one. */
    urlExpirySeconds: number;
  };
  /**
   * Webhooks (a submit's notify): the hosts they may go to (exact names, or `*.example.com`), plain http to loopback
   * (locally only), and how long after a job finished its delivery is tried.
   */
  webhooks: { allowedHosts: string[]; allowLoopbackHttp: boolean; maxAgeSeconds: number; firstRetrySeconds: number };
  /** The event source mapping of each consumer. */
  stream: {
    batchSize: number;
    maximumBatchingWindowSeconds: number;
    parallelizationFactor: number;
    maximumRetryAttempts: number;
    maximumRecordAgeSeconds: number;
    bisectBatchOnFunctionError: boolean;
  };
  /**
   * The stalled-entry sweeper: how often it runs (AWS: a schedule of whole minutes), the slack on
   * every deadline (at least a lease, so that a live run always renews within it), and how long the
   * error handler may take to record a failure handed to it (its asynchronous retries) before the
   * sweeper records it instead. An entry never claimed is due once the stream's maximum record age
   * has passed.
   */
  sweeper: { intervalSeconds: number; marginSeconds: number; handOverGraceSeconds: number };
  /**
   * The runner: where runs of types declared `execution: 'runner'` happen, off the stream. Its reserved
   * concurrency is the environment's ceiling on such runs at once (a pool of that size locally); orders
   * beyond it wait in Lambda's queue for the function, at most `maximumEventAgeSeconds`, and a dispatching
   * claim holds that long plus a lease. A failed run is retried `maximumRetryAttempts` times by Lambda,
   * then its order goes to the error topic. Its timeout is derived from the catalog, as the processor's.
   */
  runner: { reservedConcurrency: number; memoryMb: number; maximumRetryAttempts: number; maximumEventAgeSeconds: number };
  /** Lambda's asynchronous invocation of the error handler (from SNS, and replays). */
  errorHandlerAsync: { maximumRetryAttempts: number; maximumEventAgeSeconds: number };
  /** The processor's timeout is derived from the job catalog (`streamProcessorTimeoutSeconds`), not set. */
  functions: {
    jobsApi: FunctionSettings;
    streamProcessor: Omit<FunctionSettings, 'timeoutSeconds'>;
    errorHandler: FunctionSettings;
    jobSweeper: FunctionSettings;
    webhookSender: FunctionSettings;
  };
  api: {
    throttlingRateLimit: number;
    throttlingBurstLimit: number;
    /** Browser origins allowed to call the API (CORS). Empty: CORS off, as by default. */
    corsAllowedOrigins: string[];
  };
  /**
   * Who may call the API. Each group gets an invoke role (`async-jobs-<env>-<group>-invoke`) that
   * principals of this account assume (all of them, by their own IAM policies, when `assumableBy`
   * is empty; else only those ARNs). Jobs belong to the role, not the session: everyone who assumes
   * one group's role shares its jobs, so callers that must not see each other's jobs need groups of
   * their own (or their own roles with `execute-api:Invoke`). An operator group, and each ARN in
   * `operators`, reads, lists and cancels every job.
   */
  access: {
    groups: Record<string, { operator: boolean; assumableBy: string[] }>;
    operators: string[];
    /** An AWS WAF web ACL on the stage: AWS managed rule groups and a rate limit per client IP (requests per five minutes). */
    waf: { enabled: boolean; requestsPerFiveMinutesPerIp: number };
  };
  logRetentionDays: number;
  archiveRetentionDays: number;
  alarms: {
    iteratorAgeMs: number;
    apiLatencyP99Ms: number;
    /** Minutes a level (iterator age, latency) must stay high before it alarms; counts of failures alarm on one. */
    evaluationPeriods: number;
    /** The longest a dispatched run may wait for a runner, minute after minute, before it alarms (raise the runner's concurrency). */
    runStartDelayMs: number;
    /** Records handed back to the event source (store or network errors) in a minute before it alarms: a few are ridden out. */
    recordsRetriedPerMinute: number;
    /** Job types that get their own failure alarm (per consumer), for teams that want to be paged for theirs. */
    perJobType: string[];
    /** Who is told: subscriptions of the alarm topic (email addresses confirm by mail; HTTPS endpoints by their own confirmation). */
    notify: { email: string[]; https: string[] };
  };
  /**
   * Staging and prod: the table's deletion protection, 30-day windows for keys and the secret, no
   * emptying of the results bucket, and `prevent_destroy` on every stateful resource.
   */
  deletionProtection: boolean;
}

const SLEEP_MAX_SECONDS = 300;
const LEASE_SECONDS = 60;

const base: Omit<DeploymentSettings, 'environment'> = {
  region: 'eu-west-1',
  consumers: ['a', 'b'],
  logLevel: 'info',
  jobs: {
    retentionDays: 30,
    sleepMaxSeconds: SLEEP_MAX_SECONDS,
    maxBodyBytes: 16 * 1024,
    leaseSeconds: LEASE_SECONDS,
    outagePatienceSeconds: 60,
  },
  results: { urlExpirySeconds: 900 },
  // No webhook anywhere until a deployment names the hosts it may call: an SSRF guard by default.
  webhooks: { allowedHosts: [], allowLoopbackHttp: false, maxAgeSeconds: 3600, firstRetrySeconds: 30 },
  stream: {
    batchSize: 10,
    maximumBatchingWindowSeconds: 1,
    parallelizationFactor: 2,
    maximumRetryAttempts: 3,
    maximumRecordAgeSeconds: 3600,
    bisectBatchOnFunctionError: true,
  },
  // Lambda retries the error handler about 1 and 2 minutes apart: ten minutes covers them and their runs.
  sweeper: { intervalSeconds: 60, marginSeconds: 120, handOverGraceSeconds: 600 },
  errorHandlerAsync: { maximumRetryAttempts: 2, maximumEventAgeSeconds: 3600 },
  runner: { reservedConcurrency: 10, memoryMb: 512, maximumRetryAttempts: 2, maximumEventAgeSeconds: 3600 },
  functions: {
    jobsApi: { memoryMb: 512, timeoutSeconds: 10 },
    streamProcessor: { memoryMb: 512 },
    errorHandler: { memoryMb: 256, timeoutSeconds: 60 },
    jobSweeper: { memoryMb: 256, timeoutSeconds: 60 },
    // Ten deliveries at once, each within its 10 s timeout.
    webhookSender: { memoryMb: 256, timeoutSeconds: 30 },
  },
  api: { throttlingRateLimit: 50, throttlingBurstLimit: 100, corsAllowedOrigins: [] },
  access: {
    groups: { callers: { operator: false, assumableBy: [] }, operators: { operator: true, assumableBy: [] } },
    operators: [],
    waf: { enabled: false, requestsPerFiveMinutesPerIp: 2000 },
  },
  logRetentionDays: 30,
  archiveRetentionDays: 90,
  alarms: {
    iteratorAgeMs: 60_000,
    apiLatencyP99Ms: 1000,
    runStartDelayMs: 300_000,
    evaluationPeriods: 3,
    recordsRetriedPerMinute: 5,
    perJobType: [],
    notify: { email: [], https: [] },
  },
  deletionProtection: false,
};

const SETTINGS: Record<Environment, DeploymentSettings> = {
  // The laptop: short batching window and retries, so that failures surface in seconds.
  local: {
    ...base,
    environment: 'local',
    region: 'us-east-1',
    logLevel: 'info',
    jobs: { ...base.jobs, leaseSeconds: 6, outagePatienceSeconds: 30 },
    // A minute's record age and seconds of slack: a job nothing will finish ends within about 70 s.
    stream: {
      ...base.stream,
      maximumBatchingWindowSeconds: 0,
      maximumRetryAttempts: 2,
      // Prod's: short jobs flow through the stream in concurrent batches, as they do there.
      parallelizationFactor: 4,
      maximumRecordAgeSeconds: 60,
    },
    sweeper: { intervalSeconds: 2, marginSeconds: 10, handOverGraceSeconds: 20 },
    // Test servers on this machine receive the local system's webhooks; a retry comes seconds, not a minute, later.
    webhooks: { allowedHosts: ['localhost', '127.0.0.1'], allowLoopbackHttp: true, maxAgeSeconds: 3600, firstRetrySeconds: 2 },
    // Room for every consumer's run of the benchmarks' long jobs at once; a queued order waits at most a minute.
    runner: { ...base.runner, reservedConcurrency: 50, maximumEventAgeSeconds: 60 },
  },
  dev: { ...base, environment: 'dev', logLevel: 'debug', logRetentionDays: 7, archiveRetentionDays: 14 },
  staging: { ...base, environment: 'staging', deletionProtection: true },
  prod: {
    ...base,
    environment: 'prod',
    stream: { ...base.stream, parallelizationFactor: 4 },
    // 100 five-minute runs at once: 0.33 runs/s for the environment, within a default account's 1,000.
    runner: { ...base.runner, reservedConcurrency: 100 },
    functions: { ...base.functions, errorHandler: { ...base.functions.errorHandler, reservedConcurrency: 10 } },
    api: { throttlingRateLimit: 200, throttlingBurstLimit: 400, corsAllowedOrigins: [] },
    logRetentionDays: 90,
    archiveRetentionDays: 365,
    deletionProtection: true,
  },
  // Applied against moto by the rehearsal: the dev shape, in us-east-1, with the optional web ACL on to rehearse it too.
  rehearsal: {
    ...base,
    environment: 'rehearsal',
    region: 'us-east-1',
    logRetentionDays: 1,
    archiveRetentionDays: 1,
    access: { ...base.access, waf: { ...base.access.waf, enabled: true } },
  },
};

export function deploymentSettings(environment: string): DeploymentSettings {
  if (!(ENVIRONMENTS as readonly string[]).includes(environment)) {
    throw new Error(`Unknown environment "${environment}"; known: ${ENVIRONMENTS.join(', ')}`);
  }
  return SETTINGS[environment as Environment];
}

/** The role a group of callers assumes to call the API (`async-jobs-prod-callers-invoke`). */
export function invokeRoleName(environment: string, group: string): string {
  return resourceName(environment, `${group}-invoke`);
}

/**
 * Who operates an environment: the roles of its operator groups, and the ARNs the settings name —
 * IAM users or roles only: a role session stands for its whole role, so naming one would make every
 * session of that role an operator.
 * @throws Error naming an `access.operators` entry that is not an IAM user or role ARN.
 */
export function operatorPrincipals(
  settings: Pick<DeploymentSettings, 'environment' | 'access'>,
  accountId: string,
  partition = 'aws',
): string[] {
  const bad = settings.access.operators.find((arn) => !/^arn:[\w-]+:iam::\d{12}:(user|role)\/\S+$/.test(arn));
  if (bad)
    throw new Error(
      `access.operators of ${settings.environment}: "${bad}" is not the ARN of an IAM user or role (role sessions stand for their whole role)`,
    );
  const groups = Object.entries(settings.access.groups).filter(([, group]) => group.operator);
  return [
    ...groups.map(([group]) => `arn:${partition}:iam::${accountId}:role/${invokeRoleName(settings.environment, group)}`),
    ...settings.access.operators,
  ];
}

/** The names of an environment's resources, from the one naming function. */
/**
 * The results bucket: S3 names are global, so the account and region complete the environment's name. Known
 * before the deploy, so that grants and environments name the bucket itself.
 */
/**
 * The consumer whose event source mapping also announces job events (every write that ends an entry): the first.
 * DynamoDB Streams serves two readers per shard and each consumer's mapping is one, so announcing rides on one of
 * them rather than a reader of its own (docs/architecture.md, Job events).
 */
export function announcingConsumer(settings: { consumers: readonly string[] }): string {
  return settings.consumers[0];
}

export function resultsBucketName(environment: string, accountId: string, region: string): string {
  return `${resourceName(environment, 'results')}-${accountId}-${region}`;
}

export function resourceNames(environment: string) {
  const name = (resource: string) => resourceName(environment, resource);
  return {
    table: name('jobs'),
    errorTopic: name('job-errors'),
    alarmTopic: name('alarms'),
    failedEventsBus: name('failed-events'),
    jobEventsBus: name('job-events'),
    webhookQueue: name('webhooks'),
    webhookDeadLetters: name('webhooks-dead-letters'),
    webhookRule: name('job-finished-to-webhooks'),
    webhookSenderFunction: name('webhook-sender'),
    webhookSecret: name('webhook-secret'),
    failedEventsArchive: name('failed-events-archive'),
    replayRule: name('replay-to-error-handler'),
    /** What the names of replays started from the console begin with: the operators' replay grant covers these only. */
    consoleReplayPrefix: `${name('console')}-`,
    jobsApiFunction: name('jobs-api'),
    errorHandlerFunction: name('error-handler'),
    runnerFunction: name('job-runner'),
    api: name('api'),
    sweeperFunction: name('job-sweeper'),
    sweeperSchedule: name('sweep-stalled-entries'),
  };
}
