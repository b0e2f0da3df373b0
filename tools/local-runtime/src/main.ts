import { resolve } from 'node:path';
import { builtConsoleDir } from '@async-jobs/console';
import { countArgument, parseArguments, portArgument, secondsArgument } from './cli-arguments';
import { startLocalSystem, type LocalSystem } from './local-system';
import { consoleRuntimeLog } from './runtime-log';

const USAGE = `Usage: npm start -- [options]
  --port <n>            the API's port (3000)
  --host <address>      the API's address (127.0.0.1)
  --dynamodb-port <n>   DynamoDB Local's port (8421)
  --moto-port <n>       moto_server's port (5421)
  --data-dir <dir>      keep DynamoDB Local's data in <dir> across restarts (default: in memory)
  --auth                require SigV4-signed requests: callers alice and bob, operator ops, keys printed at startup
  --cors-origin <list>  allow these browser origins (comma-separated) to call the API (CORS is off by default)
  --faults              serve /_local/faults, /_local/crash, /_local/services, /_local/redeliver and /_local/stats
                        (for tests and benchmarks); the functions reach DynamoDB Local through a proxy that can lose answers
  --outage-patience <s> how long processors ride out an unreachable store or topic (local default 30)
  --runner-concurrency <n>  runs the runner takes at once, its reserved concurrency in AWS (local default 50)
  --state-file <file>   where to write the running system's endpoints (.local/runtime.json)
  --help`;

async function main(): Promise<void> {
  // The SDK's notice that its 2027 releases need Node 22 is noise for a local tool (Lambda runs 22).
  process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';
  const args = parseArguments(process.argv.slice(2), {
    port: 'value',
    host: 'value',
    'dynamodb-port': 'value',
    'moto-port': 'value',
    'data-dir': 'value',
    auth: 'flag',
    faults: 'flag',
    'cors-origin': 'value',
    'outage-patience': 'value',
    'runner-concurrency': 'value',
    'state-file': 'value',
    help: 'flag',
  });
  if (args['help']) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const port = portArgument(args['port'], 'port', 3000) as number;
  const started = Date.now();
  const system = await startLocalSystem({
    port,
    host: String(args['host'] ?? '127.0.0.1'),
    dynamodbPort: portArgument(args['dynamodb-port'], 'dynamodb-port', 8421),
    motoPort: portArgument(args['moto-port'], 'moto-port', 5421),
    dataDir: typeof args['data-dir'] === 'string' ? resolve(args['data-dir']) : undefined,
    auth: args['auth'] === true,
    faults: args['faults'] === true,
    outagePatienceSeconds:
      typeof args['outage-patience'] === 'string' ? secondsArgument(args['outage-patience'], 'outage-patience') : undefined,
    corsOrigins: typeof args['cors-origin'] === 'string' ? args['cors-origin'].split(',').map((o) => o.trim()) : undefined,
    stateFile: resolve(String(args['state-file'] ?? '.local/runtime.json')),
    bundlesDir: resolve(__dirname, '..', '..', 'apps'),
    consoleDir: builtConsoleDir(),
    asyncRetryDelaysMs: [1000, 2000],
    runnerConcurrency:
      typeof args['runner-concurrency'] === 'string' ? countArgument(args['runner-concurrency'], 'runner-concurrency') : undefined,
    log: consoleRuntimeLog,
  });
  printSummary(system, typeof args['data-dir'] === 'string' ? resolve(args['data-dir']) : undefined, Date.now() - started);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    consoleRuntimeLog.info(`${signal}: stopping`);
    await system.stop();
    consoleRuntimeLog.info('stopped; no process left running');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

function printSummary(system: LocalSystem, dataDir: string | undefined, ms: number): void {
  const { state, settings } = system;
  const r = state.resources;
  const s = settings.stream;
  const lines = [
    `async-jobs is running locally (environment "local", up in ${(ms / 1000).toFixed(1)} s)`,
    `  API             ${state.apiUrl}   POST /jobs · GET /jobs · GET /jobs/{jobId} · POST /jobs/{jobId}/cancel|retry · GET /openapi.json`,
    `  console         ${state.apiUrl.replace('127.0.0.1', 'localhost')}/console/   jobs, submit, cancel, retry, failures and replay, overview${state.principals ? ' (act as any principal)' : ''}`,
    state.principals
      ? `  auth            SigV4 required (region ${state.region}, service execute-api); each caller sees only its own jobs, operators every job`
      : '  auth            off: one anonymous owner (start with --auth to require SigV4 signatures from distinct principals)',
    `  DynamoDB Local  ${state.dynamodbEndpoint}   table ${r.tableName} with its stream (${dataDir ? `data in ${dataDir}` : 'in memory'})`,
    `  moto            ${state.motoEndpoint}   SNS, SQS, EventBridge, S3, Secrets Manager`,
    `  consumers       ${state.consumers.join(', ')}   (batch ${s.batchSize}, window ${s.maximumBatchingWindowSeconds} s, ${s.maximumRetryAttempts} retries, bisect ${s.bisectBatchOnFunctionError ? 'on' : 'off'}, record age ≤ ${s.maximumRecordAgeSeconds} s)`,
    `  runner          long runs off the stream (sleeps over 2 s, types declared execution: 'runner'), at most ${system.runnerConcurrency} at once; orders wait ≤ ${settings.runner.maximumEventAgeSeconds} s`,
    `  error topic     ${r.errorTopicArn} → error handler`,
    `  failed events   bus ${r.failedEventsBus}, archive ${r.archiveName}, replayed events → error handler`,
    `  results         over 32 KiB to bucket ${r.resultsBucket} (moto's S3); GET links to them`,
    `  job events      bus ${r.jobEventsBus}: add a rule on moto to receive them`,
    `  webhooks        notify URLs on localhost/127.0.0.1 (http allowed), signed with HMAC-SHA256; secret ${state.webhookSecret} (also in the state file)`,
    `  sweeper         every ${settings.sweeper.intervalSeconds} s: ends entries nothing else will finish (never picked up within ${settings.stream.maximumRecordAgeSeconds} s, abandoned runs, unrecorded failures)`,
    '',
    ...(state.principals ? principalLines(state) : unsignedLines(state.apiUrl)),
    '  replay archived failures   npm run replay -- --from <ISO time> --to <ISO time>',
    '  stop  Ctrl-C',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

function unsignedLines(apiUrl: string): string[] {
  const url = apiUrl.replace('127.0.0.1', 'localhost');
  return [`  try   curl -X POST ${url}/jobs -H 'content-type: application/json' -d '{"seconds":1}'`, `        curl ${url}/jobs/<jobId>`];
}

/** Each principal with its keys, and a curl command that works as it (curl signs with --aws-sigv4). */
function principalLines(state: LocalSystem['state']): string[] {
  const url = state.apiUrl.replace('127.0.0.1', 'localhost');
  const lines = ['  principals      (also in .local/runtime.json; the CLI takes --principal <name>)'];
  for (const p of state.principals ?? []) {
    lines.push(`    ${p.name.padEnd(6)} ${p.operator ? 'operator' : 'caller  '}  ${p.userArn}`);
    lines.push(
      `           access key ${p.accessKeyId}  secret ${p.secretAccessKey}${p.sessionToken ? `  session token ${p.sessionToken}` : ''}`,
    );
    const token = p.sessionToken ? ` -H 'x-amz-security-token: ${p.sessionToken}'` : '';
    lines.push(
      `    try    curl --aws-sigv4 'aws:amz:${state.region}:execute-api' --user '${p.accessKeyId}:${p.secretAccessKey}'${token} -H 'content-type: application/json' -d '{"seconds":1}' ${url}/jobs`,
    );
  }
  return lines;
}

main().catch((error: Error) => {
  consoleRuntimeLog.error(error.message);
  process.exit(1);
});
