import { mkdirSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { dirname, join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { randomBytes } from 'node:crypto';
import { SQSClient } from '@aws-sdk/client-sqs';
import { submitJobRequestModel } from '@async-jobs/domain';
import { jobCatalog } from '@async-jobs/job-catalog';
import { freePort, startDynamoDbLocal, startMotoServer, type LocalSystemState } from '@async-jobs/local-services';
import {
  announcingConsumer,
  consumerFunctionName,
  deploymentSettings,
  errorHandlerEnvironment,
  jobsApiEnvironment,
  jobRunnerEnvironment,
  jobSweeperEnvironment,
  resourceNames,
  streamProcessorEnvironment,
  streamFilterPatterns,
  streamProcessorTimeoutSeconds,
  webhookSenderEnvironment,
  type DeploymentSettings,
  type FunctionSettings,
} from '@async-jobs/platform';
import { AsyncInvoker, type DestinationEnvelope } from './async-invoker';
import { DynamoDbFaultProxy } from './dynamodb-fault-proxy';
import { consoleHandler, localConsoleBackend } from '@async-jobs/console';
import { startHttpGateway } from './http-gateway';
import { startLambdaApi, type AsyncTarget } from './lambda-api';
import { LocalFunction } from './local-function';
import { createLocalResources } from './local-resources';
import { QueueDrain, snsEventFromQueueBody } from './queue-drain';
import { RequestModelValidator } from './request-model-validator';
import { Schedule } from './schedule';
import { localPrincipals } from './sigv4/local-principals';
import { ServiceGate } from './service-gate';
import type { RuntimeLog } from './runtime-log';
import { SqsEventSource } from './sqs-event-source';
import { StreamEventSource } from './stream-event-source';

export const LOCAL_ACCOUNT_ID = '123456789012';

export interface LocalSystemOptions {
  port: number;
  host: string;
  dynamodbPort?: number;
  motoPort?: number;
  /** Keep DynamoDB Local's data here across restarts; in memory when unset. */
  dataDir?: string;
  /** Require SigV4 on every API request, signed by one of the principals generated for this run. */
  auth: boolean;
  /** Browser origins allowed to call the API (CORS); none by default. */
  corsOrigins?: string[];
  /** Serve `/_local/faults`, `/_local/crash`, `/_local/services`, `/_local/redeliver` and `/_local/stats`, for fault tests and benchmarks. */
  faults: boolean;
  /** Where to write the running system's endpoints and names (read by `npm run replay`). */
  stateFile: string;
  /** The built Lambda bundles (`nx build`). */
  bundlesDir: string;
  /** The console's built page (dist/tools/console): served under /console when given. */
  consoleDir?: string;
  /** Overrides the local environment's outage patience (seconds), for tests that ride an outage out or not. */
  outagePatienceSeconds?: number;
  /** Waits between Lambda's asynchronous retries; AWS waits about 1 and 2 minutes. */
  asyncRetryDelaysMs: number[];
  /** Overrides the runner's concurrency (the pool of runs at once), for benchmarks that measure it. */
  runnerConcurrency?: number;
  log: RuntimeLog;
}

export type RuntimeState = LocalSystemState;

/**
 * What `/_local/faults` sets: every processor failing (`streamProcessor`), one consumer's
 * (`streamProcessorOf`), the error handler failing, mappings deleted (their records are read and
 * dropped, delivered to nobody, as after `aws lambda delete-event-source-mapping`), the answers
 * to a share of the functions' DynamoDB writes lost after the write landed, and functions cut off
 * from DynamoDB.
 */
export interface LocalFaults {
  streamProcessor?: string | null;
  streamProcessorOf?: Record<string, string | null>;
  errorHandler?: string | null;
  /** Every runner invocation failing, as a crashing handler would. */
  runner?: string | null;
  deletedMappings?: string[];
  /** The share (0 to 1) of the functions' DynamoDB writes whose answer is lost after they landed. */
  dynamodbLostAnswers?: number;
  /** Functions cut off from DynamoDB (`error-handler`, `job-sweeper`, `jobs-api`, `processor-a`, …); the others still reach it. */
  storeCutOff?: string[];
}

export interface LocalSystem {
  state: RuntimeState;
  settings: DeploymentSettings;
  /** The runner's pool: runs at once. */
  runnerConcurrency: number;
  stop(): Promise<void>;
}

/** Brings the whole system up on this machine: AWS's parts, the real handlers, and AWS's glue between them. */
export async function startLocalSystem(options: LocalSystemOptions): Promise<LocalSystem> {
  const local = deploymentSettings('local');
  const settings: DeploymentSettings =
    options.outagePatienceSeconds === undefined
      ? local
      : { ...local, jobs: { ...local.jobs, outagePatienceSeconds: options.outagePatienceSeconds } };
  const { log } = options;
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch((error: Error) => log.error(`while stopping: ${error.message}`));
  };

  try {
    // moto listens on a port of its own behind a gate on the --moto-port: a fault test can take it
    // down and bring it back with its resources made before anyone reaches it again.
    const motoPort = options.motoPort ?? (await freePort());
    const [dynamodb, moto] = await Promise.all([
      startDynamoDbLocal({ port: options.dynamodbPort, dataDir: options.dataDir }),
      startMotoServer({}),
    ]).catch(async (error: Error) => {
      throw new Error(`${error.message}\n(the ports are set with --dynamodb-port and --moto-port)`);
    });
    stops.push(
      () => dynamodb.stop(),
      () => moto.stop(),
    );
    const motoGate = new ServiceGate(moto.port);
    await motoGate.listen(motoPort).catch((error: NodeJS.ErrnoException) => {
      throw new Error(error.code === 'EADDRINUSE' ? `Port ${motoPort} is in use; choose another with --moto-port` : error.message);
    });
    stops.push(() => motoGate.stop());
    const motoEndpoint = `http://127.0.0.1:${motoPort}`;

    // With --faults each function reaches DynamoDB Local through a proxy that can lose its answers or cut it off.
    const storeProxy = options.faults ? new DynamoDbFaultProxy(dynamodb.port) : undefined;
    if (storeProxy) stops.push(() => storeProxy.stop());
    const clientConfig = { region: settings.region, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };
    const clients = {
      dynamodb: new DynamoDBClient({ ...clientConfig, endpoint: dynamodb.endpoint }),
      streams: new DynamoDBStreamsClient({ ...clientConfig, endpoint: dynamodb.endpoint }),
      sns: new SNSClient({ ...clientConfig, endpoint: motoEndpoint }),
      sqs: new SQSClient({ ...clientConfig, endpoint: motoEndpoint }),
      events: new EventBridgeClient({ ...clientConfig, endpoint: motoEndpoint }),
      s3: new S3Client({ ...clientConfig, endpoint: motoEndpoint, forcePathStyle: true }),
      secrets: new SecretsManagerClient({ ...clientConfig, endpoint: motoEndpoint }),
    };
    // Behind the gate: for making moto's resources again while the gate is closed.
    const behindGate = {
      dynamodb: clients.dynamodb,
      sns: new SNSClient({ ...clientConfig, endpoint: moto.endpoint }),
      sqs: new SQSClient({ ...clientConfig, endpoint: moto.endpoint }),
      events: new EventBridgeClient({ ...clientConfig, endpoint: moto.endpoint }),
      s3: new S3Client({ ...clientConfig, endpoint: moto.endpoint, forcePathStyle: true }),
      secrets: new SecretsManagerClient({ ...clientConfig, endpoint: moto.endpoint }),
    };
    stops.push(async () => [...Object.values(clients), ...Object.values(behindGate)].forEach((client) => client.destroy()));
    // A fresh secret per run, printed at startup and kept in the state file for test servers to verify with.
    const webhookSecret = randomBytes(32).toString('hex');
    const resources = await createLocalResources(clients, settings, LOCAL_ACCOUNT_ID, webhookSecret);
    const names = resourceNames('local');
    // Lambda's Invoke API, which the processors and the runner call to dispatch runs; its targets are added below.
    const asyncTargets: AsyncTarget[] = [];
    const lambdaApi = await startLambdaApi({ functions: asyncTargets });
    stops.push(() => lambdaApi.stop());

    const fn = async (name: string, app: string, environment: Record<string, string>, functionSettings: FunctionSettings) => {
      const dynamodbEndpoint = storeProxy ? await storeProxy.endpointFor(name.replace('async-jobs-local-', '')) : dynamodb.endpoint;
      const local = new LocalFunction({
        name,
        bundle: join(options.bundlesDir, app, 'main.js'),
        environment: { ...awsEndpoints(settings.region, dynamodbEndpoint, motoEndpoint, lambdaApi.endpoint), ...environment },
        timeoutSeconds: functionSettings.timeoutSeconds,
        memoryMb: functionSettings.memoryMb,
        accountId: LOCAL_ACCOUNT_ID,
        region: settings.region,
      });
      local.start();
      stops.push(() => local.stop());
      return local;
    };
    const cors: Record<string, string> = options.corsOrigins?.length ? { CORS_ALLOWED_ORIGINS: options.corsOrigins.join(',') } : {};
    const jobsApi = await fn(
      names.jobsApiFunction,
      'jobs-api',
      { ...jobsApiEnvironment(settings, { accountId: LOCAL_ACCOUNT_ID, callerIdentity: options.auth ? 'iam' : 'anonymous' }), ...cors },
      settings.functions.jobsApi,
    );
    const errorHandler = await fn(
      names.errorHandlerFunction,
      'error-handler',
      errorHandlerEnvironment(settings),
      settings.functions.errorHandler,
    );
    const sweeper = await fn(names.sweeperFunction, 'job-sweeper', jobSweeperEnvironment(settings), settings.functions.jobSweeper);
    const sweepSchedule = new Schedule({
      fn: sweeper,
      intervalMs: settings.sweeper.intervalSeconds * 1000,
      ruleArn: `arn:aws:events:${settings.region}:${LOCAL_ACCOUNT_ID}:rule/${names.sweeperSchedule}`,
      region: settings.region,
      accountId: LOCAL_ACCOUNT_ID,
      log,
    });
    sweepSchedule.start();
    stops.push(() => sweepSchedule.stop());
    const catalog = jobCatalog({ sleepMaxSeconds: settings.jobs.sleepMaxSeconds });
    const processorSettings = {
      ...settings.functions.streamProcessor,
      timeoutSeconds: streamProcessorTimeoutSeconds(settings.jobs, catalog.longestRun()),
    };
    const processors = await Promise.all(
      settings.consumers.map((consumerId) =>
        fn(
          consumerFunctionName('local', consumerId),
          'stream-processor',
          streamProcessorEnvironment(settings, consumerId, resources.errorTopicArn, LOCAL_ACCOUNT_ID),
          processorSettings,
        ),
      ),
    );

    // The runner: a pool of the environment's runner concurrency, fed by Lambda's asynchronous queue; an order it
    // gives up on goes to the error topic in Lambda's envelope, as the function's on-failure destination.
    const runner = await fn(names.runnerFunction, 'job-runner', jobRunnerEnvironment(settings, resources.errorTopicArn, LOCAL_ACCOUNT_ID), {
      memoryMb: settings.runner.memoryMb,
      timeoutSeconds: processorSettings.timeoutSeconds,
    });
    const asyncRunner = new AsyncInvoker(
      runner,
      {
        maximumRetryAttempts: settings.runner.maximumRetryAttempts,
        retryDelaysMs: options.asyncRetryDelaysMs,
        maximumEventAgeSeconds: settings.runner.maximumEventAgeSeconds,
        concurrency: options.runnerConcurrency ?? settings.runner.reservedConcurrency,
      },
      async (envelope) => {
        await clients.sns.send(new PublishCommand({ TopicArn: resources.errorTopicArn, Message: JSON.stringify(envelope) }));
        log.warn(`the runner gave up on an order (${envelope.requestContext.condition}); it went to the error topic`);
      },
      log,
    );
    stops.push(async () => asyncRunner.stop());
    asyncTargets.push({ arn: runner.arn, invoke: (event) => asyncRunner.invoke(event) });

    // The error handler's on-failure destination: the failed-events bus, in Lambda's envelope.
    const toBus = async (envelope: DestinationEnvelope) => {
      const result = await clients.events.send(
        new PutEventsCommand({
          Entries: [
            {
              EventBusName: resources.failedEventsBus,
              Source: 'lambda',
              DetailType: 'Lambda Function Invocation Result - Failure',
              Resources: [errorHandler.arn],
              Detail: JSON.stringify(envelope),
            },
          ],
        }),
      );
      if (result.FailedEntryCount) throw new Error(`the bus refused the envelope: ${result.Entries?.[0]?.ErrorMessage}`);
      log.warn(
        `error handler gave up after ${envelope.requestContext.approximateInvokeCount} attempts; the event is on ${resources.failedEventsBus} (archived)`,
      );
    };
    const asyncErrorHandler = new AsyncInvoker(
      errorHandler,
      {
        maximumRetryAttempts: settings.errorHandlerAsync.maximumRetryAttempts,
        retryDelaysMs: options.asyncRetryDelaysMs,
        maximumEventAgeSeconds: settings.errorHandlerAsync.maximumEventAgeSeconds,
      },
      toBus,
      log,
    );
    stops.push(() => asyncErrorHandler.idle());

    // Webhooks: the sender, fed by its queue as Lambda's SQS event source mapping would.
    const webhookSender = await fn(
      names.webhookSenderFunction,
      'webhook-sender',
      webhookSenderEnvironment(settings, resources.webhookQueueUrl),
      settings.functions.webhookSender,
    );
    const webhookSource = new SqsEventSource({
      name: 'webhook queue → webhook sender',
      sqs: clients.sqs,
      queueUrl: resources.webhookQueueUrl,
      queueArn: resources.webhookQueueArn,
      region: settings.region,
      fn: webhookSender,
      log,
    });
    webhookSource.start();
    stops.push(() => webhookSource.stop());

    const drains = [
      new QueueDrain({
        name: 'error topic → error handler',
        sqs: clients.sqs,
        queueUrl: resources.errorQueueUrl,
        log,
        deliver: (body) => asyncErrorHandler.invoke(snsEventFromQueueBody(body, resources.errorSubscriptionArn)),
      }),
      new QueueDrain({
        name: 'replay rule → error handler',
        sqs: clients.sqs,
        queueUrl: resources.replayQueueUrl,
        log,
        deliver: (body) => asyncErrorHandler.invoke(JSON.parse(body)),
      }),
    ];
    for (const drain of drains) {
      drain.start();
      stops.push(() => drain.stop());
    }

    const sources = settings.consumers.map((consumerId, i) => {
      const source = new StreamEventSource({
        consumerId,
        fn: processors[i],
        streams: clients.streams,
        streamArn: resources.streamArn,
        settings: settings.stream,
        filterPatterns: streamFilterPatterns(consumerId === announcingConsumer(settings)),
        log,
        onFailure: async (record) => {
          await clients.sns.send(new PublishCommand({ TopicArn: resources.errorTopicArn, Message: JSON.stringify(record) }));
        },
      });
      source.start();
      stops.push(() => source.stop());
      return source;
    });

    type ServiceControl = { dynamodb?: 'kill' | 'restart'; moto?: 'kill' | 'restart' };
    // Fault tests take AWS's parts down and back, as an outage would. DynamoDB Local comes back with
    // its data only from --data-dir. moto comes back empty: its resources are made again behind the
    // closed gate, so that nobody publishes to a topic that has no subscription yet.
    const controlServices = async (control: ServiceControl) => {
      if (control.dynamodb && !options.dataDir)
        return { error: { code: 'NEEDS_DATA_DIR', message: 'DynamoDB Local keeps its data across a restart only with --data-dir' } };
      if (control.dynamodb === 'kill') await dynamodb.kill();
      if (control.moto === 'kill') {
        motoGate.close();
        await moto.kill();
      }
      if (control.dynamodb === 'restart') await dynamodb.restart();
      if (control.moto === 'restart') {
        motoGate.close();
        await moto.restart();
        Object.assign(resources, await createLocalResources(behindGate, settings, LOCAL_ACCOUNT_ID, webhookSecret));
        motoGate.openTo(moto.port);
      }
      const motoUp = moto.alive && motoGate.isOpen;
      log.warn(`services: ${JSON.stringify(control)} (DynamoDB Local ${dynamodb.alive ? 'up' : 'down'}, moto ${motoUp ? 'up' : 'down'})`);
      return { dynamodb: dynamodb.alive, moto: motoUp };
    };

    const principals = options.auth ? localPrincipals(LOCAL_ACCOUNT_ID) : undefined;
    const apiUrl = `http://${options.host === '0.0.0.0' ? 'localhost' : options.host}:${options.port}`;
    const server: Server = await startHttpGateway({
      port: options.port,
      host: options.host,
      stage: 'local',
      region: settings.region,
      jobsApi,
      validator: new RequestModelValidator(submitJobRequestModel(catalog)),
      principals,
      log,
      console: options.consoleDir
        ? consoleHandler({
            assetsDir: options.consoleDir,
            backend: localConsoleBackend({ apiUrl, region: settings.region, motoEndpoint, principals }),
          })
        : undefined,
      admin: options.faults
        ? async (path, body) => {
            const request = body as LocalFaults & { jobId?: string };
            if (path === '/_local/faults') {
              if ('streamProcessor' in request) for (const p of processors) p.fault = request.streamProcessor ?? undefined;
              for (const [consumerId, fault] of Object.entries(request.streamProcessorOf ?? {})) {
                const processor = processors[settings.consumers.indexOf(consumerId)];
                if (processor) processor.fault = fault ?? undefined;
              }
              if ('errorHandler' in request) errorHandler.fault = request.errorHandler ?? undefined;
              if ('runner' in request) runner.fault = request.runner ?? undefined;
              if ('deletedMappings' in request)
                for (const [i, source] of sources.entries())
                  source.deleted = (request.deletedMappings ?? []).includes(settings.consumers[i]);
              if (storeProxy && typeof request.dynamodbLostAnswers === 'number')
                storeProxy.lossRate = Math.min(1, Math.max(0, request.dynamodbLostAnswers));
              if (storeProxy && request.storeCutOff) {
                storeProxy.cutOff.clear();
                for (const name of request.storeCutOff) storeProxy.cutOff.add(name);
              }
              return {
                streamProcessor: processors[0]?.fault ?? null,
                streamProcessorOf: Object.fromEntries(settings.consumers.map((c, i) => [c, processors[i].fault ?? null])),
                errorHandler: errorHandler.fault ?? null,
                runner: runner.fault ?? null,
                deletedMappings: settings.consumers.filter((_, i) => sources[i].deleted),
                dynamodbLostAnswers: storeProxy?.lossRate ?? 0,
                storeCutOff: [...(storeProxy?.cutOff ?? [])],
              };
            }
            if (path === '/_local/crash') {
              // The runner's environment, or every processor's: what was in flight fails, as a crash or an out-of-memory kill does.
              if ((body as { function?: string }).function === 'runner') return { lostInvocations: [runner.crash()] };
              return { lostInvocations: processors.map((p) => p.crash()) };
            }
            if (path === '/_local/services') return controlServices(body as ServiceControl);
            if (path === '/_local/redeliver') return { redelivered: sources.map((s) => s.redeliver(request.jobId ?? '')) };
            if (path === '/_local/stats') {
              return {
                invocations: Object.fromEntries(
                  [jobsApi, errorHandler, sweeper, runner, webhookSender, ...processors].map((f) => [f.name, f.invocations]),
                ),
                runner: {
                  concurrency: options.runnerConcurrency ?? settings.runner.reservedConcurrency,
                  inFlight: asyncRunner.inFlight,
                  waiting: asyncRunner.waiting,
                  maxInFlight: asyncRunner.maxInFlight,
                  accepted: asyncRunner.accepted,
                },
                droppedByDeletedMappings: Object.fromEntries(settings.consumers.map((c, i) => [c, sources[i].dropped])),
                dynamodbAnswersLost: storeProxy?.lost ?? {},
              };
            }
            return { error: { code: 'ROUTE_NOT_FOUND', message: path } };
          }
        : undefined,
    }).catch((error: NodeJS.ErrnoException) => {
      throw new Error(error.code === 'EADDRINUSE' ? `Port ${options.port} is in use; choose another with --port` : error.message);
    });
    stops.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    stops.push(async () => server.closeAllConnections());

    const state: RuntimeState = {
      pid: process.pid,
      apiUrl,
      region: settings.region,
      dynamodbEndpoint: dynamodb.endpoint,
      motoEndpoint,
      accountId: LOCAL_ACCOUNT_ID,
      resources,
      consumers: settings.consumers,
      webhookSecret,
      ...(principals ? { principals } : {}),
    };
    mkdirSync(dirname(options.stateFile), { recursive: true });
    writeFileSync(options.stateFile, JSON.stringify(state, null, 2));
    return { state, settings, runnerConcurrency: options.runnerConcurrency ?? settings.runner.reservedConcurrency, stop: stopAll };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/** How the functions' SDK reaches the local parts: the SDK's own endpoint variables, nothing else. */
function awsEndpoints(region: string, dynamodbEndpoint: string, motoEndpoint: string, lambdaEndpoint: string): Record<string, string> {
  return {
    AWS_REGION: region,
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_ENDPOINT_URL_DYNAMODB: dynamodbEndpoint,
    AWS_ENDPOINT_URL_DYNAMODB_STREAMS: dynamodbEndpoint,
    AWS_ENDPOINT_URL_SNS: motoEndpoint,
    AWS_ENDPOINT_URL_SQS: motoEndpoint,
    AWS_ENDPOINT_URL_EVENTBRIDGE: motoEndpoint,
    AWS_ENDPOINT_URL_S3: motoEndpoint,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: motoEndpoint,
    AWS_ENDPOINT_URL_LAMBDA: lambdaEndpoint,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
}
