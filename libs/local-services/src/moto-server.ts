import { commandExists } from './managed-process';
import { freePort } from './free-port';
import { launchService, type RunningService } from './running-service';
import { answersHttp } from './wait-until-ready';

/** Starts `moto_server` (SNS, SQS, EventBridge and the rest of moto's AWS) on 127.0.0.1. */
export async function startMotoServer(options: { port?: number } = {}): Promise<RunningService> {
  if (!commandExists('moto_server', ['--help'])) {
    throw new Error('moto_server was not found on the PATH; install it with: pip install "moto[server]>=5"');
  }
  const port = options.port ?? (await freePort());
  const endpoint = `http://127.0.0.1:${port}`;
  // moto keeps everything in memory: a restart starts empty, and its user must create its resources again.
  return launchService({
    name: 'moto_server',
    command: 'moto_server',
    args: ['-H', '127.0.0.1', '-p', String(port)],
    port,
    endpoint,
    isReady: () => answersHttp(`${endpoint}/moto-api/`),
  });
}
