import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';

export type InvokeResult =
  { ok: true; result: unknown; requestId: string } | { ok: false; errorType: string; errorMessage: string; requestId: string };

export interface LocalFunctionSettings {
  name: string;
  bundle: string;
  environment: Record<string, string>;
  timeoutSeconds: number;
  memoryMb: number;
  accountId: string;
  region: string;
}

interface Pending {
  resolve: (result: InvokeResult) => void;
  timer: NodeJS.Timeout;
  requestId: string;
}

/**
 * A Lambda function run locally from its built bundle in a worker thread. Invocations are
 * concurrent; one that outlives the function's timeout ends the environment (as Lambda does) and a
 * fresh one starts. `fault` makes the next invocations fail as a crashing handler would.
 */
export class LocalFunction {
  readonly arn: string;
  fault: string | undefined;
  /** Invocations so far, for the benchmarks' invocations-per-job figure. */
  invocations = 0;
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private stopped = false;

  constructor(readonly settings: LocalFunctionSettings) {
    this.arn = `arn:aws:lambda:${settings.region}:${settings.accountId}:function:${settings.name}`;
  }

  get name(): string {
    return this.settings.name;
  }

  start(): void {
    const worker = new Worker(join(__dirname, 'lambda-worker.js'), {
      workerData: {
        bundle: this.settings.bundle,
        functionName: this.settings.name,
        functionArn: this.arn,
        memoryMb: this.settings.memoryMb,
      },
      env: { ...process.env, ...this.settings.environment, AWS_LAMBDA_FUNCTION_NAME: this.settings.name },
    });
    worker.on(
      'message',
      (message: { id: number } & ({ ok: true; result: unknown } | { ok: false; errorType: string; errorMessage: string })) => {
        const pending = this.pending.get(message.id);
        if (!pending) return;
        this.pending.delete(message.id);
        clearTimeout(pending.timer);
        pending.resolve(
          message.ok ? { ok: true, result: message.result, requestId: pending.requestId } : { ...message, requestId: pending.requestId },
        );
      },
    );
    // An uncaught error or exit ends the environment: what was in flight fails, a new one starts.
    const lost = (errorType: string, errorMessage: string) => {
      if (this.worker !== worker) return;
      this.failAll(errorType, errorMessage);
      this.worker = undefined;
      if (!this.stopped) this.start();
    };
    worker.on('error', (error) => lost('Runtime.UnhandledError', error.message));
    worker.on('exit', (code) => lost('Runtime.ExitError', `The environment exited with code ${code}`));
    this.worker = worker;
  }

  invoke(event: unknown): Promise<InvokeResult> {
    if (!this.worker) this.start();
    this.invocations += 1;
    const id = this.nextId++;
    const requestId = randomUUID();
    const timeoutMs = this.settings.timeoutSeconds * 1000;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        resolve({
          ok: false,
          errorType: 'Sandbox.Timedout',
          errorMessage: `Task timed out after ${this.settings.timeoutSeconds} seconds`,
          requestId,
        });
        void this.worker?.terminate();
      }, timeoutMs);
      this.pending.set(id, { resolve, timer, requestId });
      this.worker?.postMessage({ id, event, deadline: Date.now() + timeoutMs, requestId, fault: this.fault });
    });
  }

  /** Ends the execution environment now, as a crash or an out-of-memory kill would: what is in flight fails. */
  crash(): number {
    const inFlight = this.pending.size;
    void this.worker?.terminate();
    return inFlight;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.failAll('Runtime.ExitError', 'The local system is stopping');
    const worker = this.worker;
    this.worker = undefined;
    await worker?.terminate();
  }

  private failAll(errorType: string, errorMessage: string): void {
    for (const [id, pending] of this.pending) {
      clearTimeout(pending.timer);
      pending.resolve({ ok: false, errorType, errorMessage, requestId: pending.requestId });
      this.pending.delete(id);
    }
  }
}
