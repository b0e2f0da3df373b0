import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  cryptoIdGenerator,
  DynamoDbJobRepository,
  S3ResultLinks,
  s3ClientOptions,
  sdkModule,
  sdkTimeouts,
  type S3PresignModule,
} from '@async-jobs/adapters';
import { systemClock } from '@async-jobs/domain';
import { jobCatalog } from '@async-jobs/job-catalog';
import { createLogger, Metrics, wiredOnFirstUse } from '@async-jobs/platform';
import { loadJobsApiConfig } from './jobs-api-config';
import { createJobsApiHandler } from './jobs-api-handler';

/** The environment's handler: its clients, adapters and settings, wired once per execution environment. */
function wire(): ReturnType<typeof createJobsApiHandler> {
  const config = loadJobsApiConfig(process.env);
  return createJobsApiHandler({
    logger: createLogger({ service: 'jobs-api', level: config.logLevel }),
    metrics: new Metrics({ service: 'jobs-api' }),
    repository: new DynamoDbJobRepository(new DynamoDBClient(sdkTimeouts('interactive')), config.tableName),
    registry: jobCatalog({ sleepMaxSeconds: config.sleepMaxSeconds }),
    ids: cryptoIdGenerator,
    clock: systemClock,
    consumers: config.consumers,
    retentionDays: config.retentionDays,
    deadlines: config.deadlines,
    maxBodyBytes: config.maxBodyBytes,
    corsAllowedOrigins: config.corsAllowedOrigins,
    callers: config.callers,
    webhooks: config.webhooks,
    resultLinks: new S3ResultLinks(
      async () => {
        const module = sdkModule<S3PresignModule>('sdk-s3.js');
        return { module, client: new module.S3Client({ ...sdkTimeouts('interactive'), ...s3ClientOptions(process.env) }) };
      },
      { bucket: config.results.bucket, expiresInSeconds: config.results.urlExpirySeconds, clock: systemClock },
    ),
  });
}

export const handler = wiredOnFirstUse(wire);
