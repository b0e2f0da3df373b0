import { spawn, spawnSync, type ChildProcess } from 'node:child_process';

/** Runs the command, and stops its whole group as soon as the owner process or the command is gone. */
const WATCHDOG = `"$@" &
service=$!
trap 'kill -TERM $service 2>/dev/null; wait $service; exit' TERM INT
while kill -0 "$MANAGED_PROCESS_OWNER" 2>/dev/null && kill -0 $service 2>/dev/null; do sleep 1; done
kill -TERM 0 2>/dev/null
wait $service`;

/** A child process this one owns: it is stopped on `stop()` and when this process exits. */
export class ManagedProcess {
  private exited = false;
  private readonly output: string[] = [];

  constructor(
    readonly name: string,
    private readonly child: ChildProcess,
  ) {
    child.once('exit', () => (this.exited = true));
    const keep = (chunk: Buffer) => {
      this.output.push(chunk.toString());
      if (this.output.length > 200) this.output.shift();
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    ManagedProcess.running.add(this);
  }

  /** `owner`: the process whose death ends this one; this process unless a test stands in another. */
  static start(
    name: string,
    command: string,
    args: string[],
    options: { cwd?: string; env?: NodeJS.ProcessEnv; owner?: number } = {},
  ): ManagedProcess {
    // Its own process group, so that stopping it also stops anything it started; and a watchdog in
    // that group ends it when this process dies without a chance to clean up (SIGKILL, a crash).
    const child = spawn('sh', ['-c', WATCHDOG, name, command, ...args], {
      cwd: options.cwd,
      env: { ...(options.env ?? process.env), MANAGED_PROCESS_OWNER: String(options.owner ?? process.pid) },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    return new ManagedProcess(name, child);
  }

  get alive(): boolean {
    return !this.exited;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** The last lines it printed, for error messages. */
  recentOutput(): string {
    return this.output.join('').slice(-4000);
  }

  /** SIGTERM to its group, then SIGKILL after `timeoutMs` (at once when it is 0, as a crash would). */
  async stop(timeoutMs = 5000): Promise<void> {
    ManagedProcess.running.delete(this);
    if (this.exited || this.child.pid === undefined) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.signal(timeoutMs === 0 ? 'SIGKILL' : 'SIGTERM');
    const timer = setTimeout(() => this.signal('SIGKILL'), timeoutMs);
    await exited;
    clearTimeout(timer);
  }

  private signal(signal: NodeJS.Signals): void {
    try {
      process.kill(-(this.child.pid as number), signal);
    } catch {
      // Already gone.
    }
  }

  private static readonly running = new Set<ManagedProcess>();

  static {
    // A crash or an exit of the owner must not orphan Java or Python processes.
    process.once('exit', () => {
      for (const managed of ManagedProcess.running) managed.signal('SIGKILL');
    });
  }
}

/** Whether `command` can be run, for a clear message instead of a spawn error. */
export function commandExists(command: string, versionArgs: string[] = ['--version']): boolean {
  const result = spawnSync(command, versionArgs, { stdio: 'ignore' });
  return result.error === undefined;
}
