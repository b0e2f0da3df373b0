import { ManagedProcess } from './managed-process';
import { waitUntilReady } from './wait-until-ready';

export interface RunningService {
  endpoint: string;
  port: number;
  /** Whether its process is up (it may have been killed). */
  readonly alive: boolean;
  stop(): Promise<void>;
  /** Ends it at once (SIGKILL to its group), as a crash or a lost machine would: for fault tests. */
  kill(): Promise<void>;
  /** Starts it again, on the same port and with the same data, after `kill` or `stop`. */
  restart(): Promise<void>;
}

/** How to run one local AWS stand-in: its command and how to tell it is ready. */
export interface ServiceLaunch {
  name: string;
  command: string;
  args: string[];
  cwd?: string;
  port: number;
  endpoint: string;
  isReady: () => Promise<boolean>;
}

/** Starts the service and waits until it answers; the returned handle can kill and restart it. */
export async function launchService(launch: ServiceLaunch): Promise<RunningService> {
  let process = await startReady(launch);
  return {
    endpoint: launch.endpoint,
    port: launch.port,
    get alive() {
      return process.alive;
    },
    stop: () => process.stop(),
    kill: () => process.stop(0),
    async restart() {
      if (process.alive) await process.stop();
      process = await startReady(launch);
    },
  };
}

async function startReady(launch: ServiceLaunch): Promise<ManagedProcess> {
  const process = ManagedProcess.start(launch.name, launch.command, launch.args, { cwd: launch.cwd });
  try {
    await waitUntilReady(launch.name, launch.isReady, 30_000, () => process.alive);
  } catch (error) {
    await process.stop();
    throw new Error(`${(error as Error).message}\n${process.recentOutput()}`);
  }
  return process;
}
