import { spawn, type ChildProcess } from 'node:child_process';
import { DescribeArchiveCommand, EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { freePort } from './free-port';
import type { LocalSystemState } from './local-system-state';
import { waitUntil } from './wait-until-ready';
import type { JobView } from '@async-jobs/domain';

/** The workspace's root: the nearest folder above this file that holds nx.json (sources or a bundle alike). */
function workspaceRoot(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'nx.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

/** What GET /jobs/{id} answers: the domain's one job view. */
export type { JobView } from '@async-jobs/domain';

const MAIN = join(workspaceRoot(), 'dist/tools/local-runtime/main.js');
const REPLAY = join(workspaceRoot(), 'dist/tools/local-runtime/replay.js');

/**
 * The local system as `npm start` runs it (the built entry point, `nx build local-runtime` first) — the built entry point in a child process — driven
 * only over HTTP and the AWS SDK, as a user would.
 */
export class RunningLocalSystem {
  /** Everything printed, stdout and stderr, for messages. */
  output = '';
  /** stdout alone, where the functions' JSON lines go: stderr chunks must not split them. */
  private stdout = '';
  state!: LocalSystemState;
  private child!: ChildProcess;
  private readonly dir = mkdtempSync(join(tmpdir(), 'async-jobs-e2e-'));
  ports!: { api: number; dynamodb: number; moto: number };

  static async start(flags: string[] = []): Promise<RunningLocalSystem> {
    const system = new RunningLocalSystem();
    await system.launch(flags);
    return system;
  }

  get stateFile(): string {
    return join(this.dir, 'runtime.json');
  }

  get apiUrl(): string {
    return this.state.apiUrl;
  }

  /**
   * Starts the local system on free ports. A port is free when chosen and bound by the child a moment later: another
   * process (a parallel suite's system, moto, a listener on port 0) may take it in between, and the child then exits
   * naming it. Such a start is tried again on new ports, twice at most; any other exit fails at once.
   */
  async launch(flags: string[]): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.launchOnce(flags);
      } catch (error) {
        if (attempt >= 3 || !/Port \d+ is in use/.test((error as Error).message)) throw error;
      }
    }
  }

  private async launchOnce(flags: string[]): Promise<void> {
    this.ports = { api: await freePort(), dynamodb: await freePort(), moto: await freePort() };
    this.output = '';
    this.stdout = '';
    this.child = spawn(
      process.execPath,
      [
        MAIN,
        '--port',
        String(this.ports.api),
        '--dynamodb-port',
        String(this.ports.dynamodb),
        '--moto-port',
        String(this.ports.moto),
        '--state-file',
        this.stateFile,
        ...flags,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    this.child.stdout?.setEncoding('utf8');
    this.child.stdout?.on('data', (chunk: string) => {
      this.output += chunk;
      this.stdout += chunk;
    });
    this.child.stderr?.setEncoding('utf8');
    this.child.stderr?.on('data', (chunk: string) => (this.output += chunk));
    const started = Date.now();
    while (!this.output.includes('is running locally')) {
      if (this.child.exitCode !== null) throw new Error(`the local system exited: ${this.output}`);
      if (Date.now() - started > 60_000) throw new Error(`the local system did not start: ${this.output}`);
      await sleep(100);
    }
    this.state = JSON.parse(readFileSync(this.stateFile, 'utf8')) as LocalSystemState;
  }

  /** SIGTERM, as Ctrl-C would, and wait for the process to exit. */
  async stop(): Promise<number | null> {
    if (this.child.exitCode !== null) return this.child.exitCode;
    const exited = new Promise<number | null>((resolve) => this.child.once('exit', (code) => resolve(code)));
    this.child.kill('SIGTERM');
    const code = await exited;
    this.keepMetricLines();
    return code;
  }

  /**
   * With METRICS_CAPTURE_FILE set (the end-to-end suite sets it), appends every EMF line this run
   * printed to that file: the metrics contract test checks the alarms against what was emitted.
   */
  private keepMetricLines(): void {
    const file = process.env[METRICS_CAPTURE_FILE];
    if (!file) return;
    const lines = this.logLines().filter((line) => '_aws' in line);
    if (lines.length) appendFileSync(file, lines.map((line) => `${JSON.stringify(line)}\n`).join(''));
  }

  cleanUp(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }

  async request(
    method: string,
    path: string,
    body?: string,
    headers: Record<string, string> = {},
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- callers assert on the JSON they expect
  ): Promise<{ status: number; body: any; headers: Headers }> {
    const response = await fetch(`${this.apiUrl}${path}`, {
      method,
      body,
      headers: body ? { 'content-type': 'application/json', ...headers } : headers,
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined, headers: response.headers };
  }

  async submit(body: unknown): Promise<string> {
    const response = await this.request('POST', '/jobs', JSON.stringify(body));
    if (response.status !== 202) throw new Error(`submit answered ${response.status}: ${JSON.stringify(response.body)}`);
    return response.body.jobId as string;
  }

  /** Polls the job until `done` holds, failing with the last view seen after `timeoutMs`. */
  async waitForJob(jobId: string, done: (job: JobView) => boolean, timeoutMs = 30_000): Promise<JobView> {
    const deadline = Date.now() + timeoutMs;
    let last: JobView | undefined;
    while (Date.now() < deadline) {
      const response = await this.request('GET', `/jobs/${jobId}`);
      last = response.body as JobView;
      if (response.status === 200 && done(last)) return last;
      await sleep(200);
    }
    throw new Error(`job ${jobId} did not get there in ${timeoutMs} ms; last seen: ${JSON.stringify(last)}`);
  }

  async admin(path: string, body: unknown): Promise<unknown> {
    return (await this.request('POST', `/_local/${path}`, JSON.stringify(body))).body;
  }

  /** How many events the failed-events archive holds, as moto describes it. */
  async archivedEvents(): Promise<number> {
    const events = new EventBridgeClient({
      region: this.state.region,
      endpoint: this.state.motoEndpoint,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    try {
      return (await events.send(new DescribeArchiveCommand({ ArchiveName: this.state.resources.archiveName }))).EventCount ?? 0;
    } finally {
      events.destroy();
    }
  }

  /** Polls the archive until it holds at least `count` events (or the time is up), and returns what it holds. */
  async waitForArchived(count: number, timeoutMs = 20_000): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    let held = await this.archivedEvents();
    while (held < count && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      held = await this.archivedEvents();
    }
    return held;
  }

  /** `npm run replay -- --from … --to …` against this system. */
  replay(from: Date, to: Date): Promise<string> {
    return new Promise((resolve, reject) => {
      const child = spawn(
        process.execPath,
        [REPLAY, '--from', from.toISOString(), '--to', to.toISOString(), '--state-file', this.stateFile],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let out = '';
      child.stdout.on('data', (c: Buffer) => (out += c.toString()));
      child.stderr.on('data', (c: Buffer) => (out += c.toString()));
      child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`replay exited ${code}: ${out}`))));
    });
  }

  /**
   * The log lines matching `matches`, once at least `atLeast` of them are printed. A function logs after its write
   * lands, and its output reaches this process a moment later, so a line may trail the state it reports.
   */
  async waitForLines(
    matches: (line: Record<string, unknown>) => boolean,
    atLeast: number,
    timeoutMs = 10_000,
  ): Promise<Record<string, unknown>[]> {
    const found = () => this.logLines().filter(matches);
    await waitUntil(`${atLeast} matching log lines are printed`, () => found().length >= atLeast, timeoutMs).catch((error: Error) => {
      throw new Error(`${error.message}; found ${JSON.stringify(found())}`);
    });
    return found();
  }

  /** The functions' JSON log lines printed so far: complete lines only, as the last one may still be arriving. */
  logLines(): Record<string, unknown>[] {
    return this.stdout
      .slice(0, this.stdout.lastIndexOf('\n') + 1)
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  }
}

/** The environment variable naming the file where stopped systems append the EMF lines they printed. */
export const METRICS_CAPTURE_FILE = 'ASYNC_JOBS_METRICS_CAPTURE_FILE';

/** Matches a function's log line about one job: `system.waitForLines(jobLine(jobId, 'job succeeded'), 2)`. */
export const jobLine = (jobId: string, message: string) => (line: Record<string, unknown>) =>
  line['jobId'] === jobId && line['message'] === message;

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** True when nothing accepts connections on the port any more. */
export function portClosed(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
}
