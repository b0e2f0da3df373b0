import { createWriteStream, existsSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { EventBridgeClient, StartReplayCommand } from '@aws-sdk/client-eventbridge';
import {
  JobsApiError,
  JobsClient,
  localSystemClientOptions,
  NoResultError,
  ResultLinkExpiredError,
  WaitTimeoutError,
  type JobView,
} from '@async-jobs/client';
import { resourceNames } from '@async-jobs/platform';
import { consoleCommand } from './console-command';

/** Exit codes scripts can rely on. */
export const EXIT = { ok: 0, jobDidNotSucceed: 1, usage: 2, api: 3, timeout: 4 } as const;

const USAGE = `Usage: npx async-jobs <command> [options]   (or: npm run jobs -- <command> [options])
  submit --seconds <n> | --type <type> --input '<json>' [--notify <https URL>]  [--wait] [--timeout <s>]
  get <jobId> [--output <file> [--consumer <id>]]   --output: write the result there (streamed, however large)
  list [--status <status>] [--type <type>] [--limit <n>] [--next-token <token>]
  cancel <jobId>
  retry <jobId> [--wait] [--timeout <s>]   run again the consumers of a job that ended FAILED
  watch <jobId> [--timeout <s>]
  replay --from <ISO time> [--to <ISO time>] [--environment <env> --account <id>]
  console --env <env> [--port <n>] [--profile <p>] [--endpoint <url>]   the web console of a deployed environment on
          localhost:4000, signing with your AWS credentials (npm start serves the local system's at /console/)
Options: --endpoint <url> (or JOBS_API_URL; the running local system by default), --region <region>,
         --profile <aws profile>, --principal <name> (a principal of the local system started with --auth;
         the first caller by default), --json (machine-readable output)
Exit codes: 0 done (a waited job SUCCEEDED), 1 a waited job FAILED or was CANCELLED, 2 usage,
            3 the API refused or failed, 4 timed out`;

class UsageError extends Error {}

interface Parsed {
  command: string;
  positional: string[];
  flags: Record<string, string | true>;
}

const FLAGS_WITH_VALUES = [
  'seconds',
  'type',
  'input',
  'timeout',
  'status',
  'limit',
  'next-token',
  'from',
  'to',
  'environment',
  'account',
  'endpoint',
  'region',
  'profile',
  'state-file',
  'principal',
  'output',
  'consumer',
  'notify',
  'env',
  'port',
];
const BOOLEAN_FLAGS = ['wait', 'json', 'help'];

function parse(argv: string[]): Parsed {
  const [command = 'help', ...rest] = argv;
  const positional: string[] = [];
  const flags: Record<string, string | true> = {};
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const name = arg.slice(2);
    if (BOOLEAN_FLAGS.includes(name)) flags[name] = true;
    else if (FLAGS_WITH_VALUES.includes(name)) {
      const value = rest[++i];
      if (value === undefined) throw new UsageError(`--${name} needs a value`);
      flags[name] = value;
    } else throw new UsageError(`Unknown option --${name}`);
  }
  return { command, positional, flags };
}

interface LocalState {
  apiUrl: string;
  region: string;
  motoEndpoint: string;
  resources: { archiveArn: string; failedEventsBusArn: string; replayRuleArn: string };
}

function localState(flags: Parsed['flags']): LocalState | undefined {
  const file = resolve(String(flags['state-file'] ?? '.local/runtime.json'));
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as LocalState) : undefined;
}

function clientFor(flags: Parsed['flags']): JobsClient {
  const local = localState(flags);
  const endpoint = String(flags['endpoint'] ?? process.env['JOBS_API_URL'] ?? local?.apiUrl ?? 'http://localhost:3000');
  const isLocal = /^http:\/\/(localhost|127\.0\.0\.1)(:|\/|$)/.test(endpoint);
  const region = String(flags['region'] ?? (isLocal ? local?.region : undefined) ?? process.env['AWS_REGION'] ?? 'us-east-1');
  if (flags['profile']) return new JobsClient({ endpoint, region, credentials: defaultProvider({ profile: String(flags['profile']) }) });
  const principal = flags['principal'] === undefined ? undefined : String(flags['principal']);
  if (!isLocal) {
    if (principal !== undefined)
      throw new UsageError('--principal picks a principal of the local system; against AWS, use --profile or the default credentials');
    return new JobsClient({ endpoint, region });
  }
  if (!local) return new JobsClient({ endpoint, region, sign: false });
  try {
    return new JobsClient({
      ...localSystemClientOptions({ principal, stateFile: String(flags['state-file'] ?? '.local/runtime.json') }),
      endpoint,
      region,
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/** One line per change: the job's status, then each consumer's status and attempts, and a bar for a run that reports its progress. */
function progressLine(job: JobView): string {
  const consumers = Object.entries(job.consumers).map(([id, c]) => {
    const attempt = c.attempts > 1 ? ` (attempt ${c.attempts})` : '';
    const progress =
      c.status === 'RUNNING' && c.progress
        ? ` ${progressBar(c.progress.percent)}${c.progress.message ? ` ${c.progress.message}` : ''}`
        : '';
    const queued = c.status === 'RUNNING' && c.queuedSince ? ' (queued for the runner)' : '';
    return `${id}: ${c.status}${attempt}${queued}${progress}`;
  });
  return `${new Date().toISOString().slice(11, 19)}  ${job.status.padEnd(9)}  ${consumers.join('  ')}`;
}

/** `[######----] 60%`: ten cells, each a tenth. */
export function progressBar(percent: number): string {
  const filled = Math.max(0, Math.min(10, Math.floor(percent / 10)));
  return `[${'#'.repeat(filled)}${'-'.repeat(10 - filled)}] ${Math.round(percent)}%`;
}

function summary(job: JobView): string {
  const lines = [`job ${job.jobId} (${job.type}) ${job.status}`];
  for (const [id, c] of Object.entries(job.consumers)) {
    const outcome = c.error
      ? `${c.error.code}: ${c.error.message}`
      : c.result !== undefined
        ? JSON.stringify(c.result)
        : c.resultUrl !== undefined
          ? `result of ${formatBytes(c.resultBytes ?? 0)} stored: get ${job.jobId} --output <file> downloads it`
          : c.lastError
            ? `retrying after ${c.lastError.code}`
            : '';
    lines.push(`  ${id}: ${c.status} ${outcome}`.trimEnd());
  }
  return lines.join('\n');
}

/** `2.0 MiB`, `512 B`. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/** Results from 1 MiB get a progress bar while they download. */
const PROGRESS_FROM_BYTES = 1024 * 1024;

/**
 * Writes a job's result to --output: into a `.part` file renamed once whole, so an interrupted download never leaves a
 * file that looks complete. A large one draws a progress bar on stderr (in place on a terminal, a line per 10% otherwise).
 */
async function download(
  client: JobsClient,
  jobId: string,
  flags: Parsed['flags'],
  show: (value: unknown, text: string) => void,
): Promise<number> {
  const file = resolve(String(flags['output']));
  const partial = `${file}.part`;
  const tty = process.stderr.isTTY === true;
  let drawnTenth = -1;
  try {
    const { consumerId, bytes } = await client.downloadResult(jobId, createWriteStream(partial), {
      consumerId: flags['consumer'] === undefined ? undefined : String(flags['consumer']),
      onProgress: ({ bytes: done, total }) => {
        if (flags['json'] || total === undefined || total < PROGRESS_FROM_BYTES) return;
        const percent = (100 * done) / total;
        const line = `${progressBar(percent)} ${formatBytes(done)} of ${formatBytes(total)}`;
        if (tty) process.stderr.write(`\r${line}`);
        else if (Math.floor(percent / 10) > drawnTenth) {
          drawnTenth = Math.floor(percent / 10);
          process.stderr.write(`${line}\n`);
        }
      },
    });
    if (tty && drawnTenth === -1 && bytes >= PROGRESS_FROM_BYTES) process.stderr.write('\n');
    renameSync(partial, file);
    show(
      { jobId, consumerId, bytes, output: file },
      `wrote ${formatBytes(bytes)} (${bytes} bytes), consumer ${consumerId}'s result, to ${file}`,
    );
    return EXIT.ok;
  } finally {
    rmSync(partial, { force: true });
  }
}

async function watch(client: JobsClient, jobId: string, flags: Parsed['flags'], print: (text: string) => void): Promise<number> {
  const timeoutMs = flags['timeout'] ? Number(flags['timeout']) * 1000 : undefined;
  const job = await client.waitFor(jobId, { timeoutMs, pollMs: 500, onProgress: (j) => !flags['json'] && print(progressLine(j)) });
  print(flags['json'] ? JSON.stringify(job) : summary(job));
  return job.status === 'SUCCEEDED' ? EXIT.ok : EXIT.jobDidNotSucceed;
}

export async function run(
  argv: string[],
  print: (text: string) => void = (t) => process.stdout.write(`${t}\n`),
  options: { stop?: AbortSignal } = {},
): Promise<number> {
  try {
    const { command, positional, flags } = parse(argv);
    const json = flags['json'] === true;
    const show = (value: unknown, text: string) => print(json ? JSON.stringify(value) : text);
    const jobIdArgument = () => {
      if (positional.length !== 1) throw new UsageError(`${command} takes one job id`);
      return positional[0];
    };
    switch (command) {
      case 'submit': {
        let request;
        if (flags['seconds'] !== undefined) request = { seconds: Number(flags['seconds']) };
        else if (flags['type'] !== undefined) {
          let input: unknown;
          try {
            input = JSON.parse(String(flags['input'] ?? '{}'));
          } catch {
            throw new UsageError('--input must be JSON, e.g. --input \'{"seconds": 5}\'');
          }
          request = {
            type: String(flags['type']),
            input: input as Record<string, unknown>,
            ...(flags['notify'] !== undefined ? { notify: { url: String(flags['notify']) } } : {}),
          };
        } else throw new UsageError('submit needs --seconds <n> or --type <type> [--input <json>]');
        if (flags['notify'] !== undefined && flags['type'] === undefined)
          throw new UsageError('--notify goes with --type (the typed form)');
        const client = clientFor(flags);
        const accepted = await client.submitJob(request);
        show(accepted, `submitted ${accepted.jobId}`);
        return flags['wait'] ? await watch(client, accepted.jobId, flags, print) : EXIT.ok;
      }
      case 'get': {
        const jobId = jobIdArgument();
        if (flags['output'] !== undefined) return await download(clientFor(flags), jobId, flags, show);
        if (flags['consumer'] !== undefined) throw new UsageError('--consumer goes with --output');
        const job = await clientFor(flags).getJob(jobId);
        show(job, summary(job));
        return EXIT.ok;
      }
      case 'list': {
        const page = await clientFor(flags).listJobs({
          status: flags['status'] as never,
          type: flags['type'] as string | undefined,
          limit: flags['limit'] ? Number(flags['limit']) : undefined,
          nextToken: flags['next-token'] as string | undefined,
        });
        const rows = page.jobs.map((j) => `${j.jobId}  ${j.status.padEnd(9)}  ${j.type.padEnd(8)}  ${j.createdAt}`);
        show(page, [...rows, ...(page.nextToken ? [`more: --next-token ${page.nextToken}`] : [])].join('\n') || 'no jobs');
        return EXIT.ok;
      }
      case 'cancel': {
        const job = await clientFor(flags).cancelJob(jobIdArgument());
        show(job, summary(job));
        return EXIT.ok;
      }
      case 'retry': {
        const client = clientFor(flags);
        const job = await client.retryJob(jobIdArgument());
        if (flags['wait']) return await watch(client, job.jobId, flags, print);
        show(
          job,
          `retried ${job.jobId}: ${Object.entries(job.consumers)
            .map(([id, c]) => `${id}: ${c.status}`)
            .join('  ')}`,
        );
        return EXIT.ok;
      }
      case 'watch':
        return await watch(clientFor(flags), jobIdArgument(), flags, print);
      case 'replay':
        return await replay(flags, show);
      case 'console':
        await consoleCommand(
          {
            ...(flags['env'] !== undefined ? { env: String(flags['env']) } : {}),
            ...(flags['port'] !== undefined ? { port: String(flags['port']) } : {}),
            ...(flags['profile'] !== undefined ? { profile: String(flags['profile']) } : {}),
            ...(flags['region'] !== undefined ? { region: String(flags['region']) } : {}),
            ...(flags['endpoint'] !== undefined ? { endpoint: String(flags['endpoint']) } : {}),
            ...(flags['state-file'] !== undefined ? { stateFile: String(flags['state-file']) } : {}),
          },
          print,
          options.stop ?? untilInterrupted(),
        );
        return EXIT.ok;
      case 'help':
      case '--help':
        print(USAGE);
        return EXIT.ok;
      default:
        throw new UsageError(`Unknown command ${command}`);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`jobs: ${error.message}\n${USAGE}\n`);
      return EXIT.usage;
    }
    if (error instanceof WaitTimeoutError) {
      process.stderr.write(`jobs: ${error.message}\n`);
      return EXIT.timeout;
    }
    if (error instanceof NoResultError || error instanceof ResultLinkExpiredError) {
      process.stderr.write(`jobs: ${error.message}\n`);
      return error instanceof NoResultError ? EXIT.jobDidNotSucceed : EXIT.api;
    }
    if (error instanceof JobsApiError) {
      const fields = error.details.map((d) => `\n  ${d.field || '(body)'}: ${d.code} ${d.message}`).join('');
      process.stderr.write(`jobs: ${error.message}${fields}\n`);
      return EXIT.api;
    }
    process.stderr.write(`jobs: ${(error as Error).message}\n`);
    return EXIT.api;
  }
}

/** Replays archived failures: of the running local system, or of an AWS environment (--environment, --account). */
async function replay(flags: Parsed['flags'], show: (value: unknown, text: string) => void): Promise<number> {
  const from = new Date(String(flags['from'] ?? ''));
  const to = flags['to'] ? new Date(String(flags['to'])) : new Date();
  if (Number.isNaN(from.getTime()) || Number.isNaN(to.getTime()) || from >= to)
    throw new UsageError('replay needs --from <ISO time> (and --to, default now) with from before to');
  let client: EventBridgeClient;
  let archiveArn: string;
  let busArn: string;
  let ruleArn: string;
  if (flags['environment']) {
    if (!flags['account']) throw new UsageError('replay --environment needs --account <id>');
    const env = String(flags['environment']);
    const region = String(flags['region'] ?? process.env['AWS_REGION'] ?? 'eu-west-1');
    const names = resourceNames(env);
    const prefix = `arn:aws:events:${region}:${flags['account']}`;
    archiveArn = `${prefix}:archive/${names.failedEventsArchive}`;
    busArn = `${prefix}:event-bus/${names.failedEventsBus}`;
    ruleArn = `${prefix}:rule/${names.failedEventsBus}/${names.replayRule}`;
    client = new EventBridgeClient({
      region,
      ...(flags['profile'] ? { credentials: defaultProvider({ profile: String(flags['profile']) }) } : {}),
    });
  } else {
    const local = localState(flags);
    if (!local)
      throw new UsageError(
        'No running local system found (.local/runtime.json): start it with npm start, or give --environment and --account',
      );
    ({ archiveArn, failedEventsBusArn: busArn, replayRuleArn: ruleArn } = local.resources);
    client = new EventBridgeClient({
      region: local.region,
      endpoint: local.motoEndpoint,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
  }
  const name = `jobs-cli-${Date.now()}`;
  const started = await client.send(
    new StartReplayCommand({
      ReplayName: name,
      EventSourceArn: archiveArn,
      EventStartTime: from,
      EventEndTime: to,
      Destination: { Arn: busArn, FilterArns: [ruleArn] },
    }),
  );
  client.destroy();
  show(
    { replayName: name, state: started.State },
    `replay ${name} started (${started.State}): archived failures from ${from.toISOString()} to ${to.toISOString()} go back to the error handler`,
  );
  return EXIT.ok;
}

/** Aborts on Ctrl-C or SIGTERM: how a long-running command (the console) ends. */
function untilInterrupted(): AbortSignal {
  const controller = new AbortController();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => controller.abort());
  return controller.signal;
}
