import { commandExists, ManagedProcess } from './managed-process';
import { freePort } from './free-port';
import type { RunningService } from './dynamodb-local';
import { answersHttp, waitUntilReady } from './wait-until-ready';

/** Starts `moto_server` (SNS, SQS, EventBridge and the rest of moto's AWS) on 127.0.0.1. */
export async function startMotoServer(options: { port?: number } = {}): Promise<RunningService> {
  if (!commandExists('moto_server', ['--help'])) {
    throw new Error('moto_server was not found on the PATH; install it with: pip install "moto[server]>=5"');
  }
  const port = options.port ?? (await freePort());
  const process = ManagedProcess.start('moto_server', 'moto_server', ['-H', '127.0.0.1', '-p', String(port)]);
  const endpoint = `http://127.0.0.1:${port}`;
  try {
    await waitUntilReady('moto_server', () => answersHttp(`${endpoint}/moto-api/`), 30_000, () => process.alive);
  } catch (error) {
    await process.stop();
    throw new Error(`${(error as Error).message}\n${process.recentOutput()}`);
  }
  return { endpoint, port, stop: () => process.stop() };
}
