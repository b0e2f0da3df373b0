import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { builtConsoleDir, consoleHandler, environmentConsoleBackend, startConsoleServer } from '@async-jobs/console';

export interface ConsoleFlags {
  env?: string;
  port?: string;
  profile?: string;
  region?: string;
  endpoint?: string;
  stateFile?: string;
}

/**
 * `console --env <env>`: the console of a deployed environment on 127.0.0.1, signing with this shell's AWS credentials
 * (or --profile's) until Ctrl-C. Without --env it points at the local system's console, which `npm start` serves.
 * @returns when `stop` aborts (or at once, for the local pointer).
 */
export async function consoleCommand(flags: ConsoleFlags, print: (text: string) => void, stop: AbortSignal): Promise<void> {
  if (!flags.env) {
    const file = resolve(flags.stateFile ?? '.local/runtime.json');
    if (!existsSync(file))
      throw new Error('No local system is running: npm start serves the console; or give --env <env> for a deployed one');
    const { apiUrl } = JSON.parse(readFileSync(file, 'utf8')) as { apiUrl: string };
    print(`the local system serves its console at ${apiUrl.replace('127.0.0.1', 'localhost')}/console/`);
    return;
  }
  const port = Number(flags.port ?? 4000);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`--port must be a port number (1-65535), not ${flags.port}`);
  const backend = await environmentConsoleBackend({
    environment: flags.env,
    ...(flags.region ? { region: flags.region } : {}),
    ...(flags.profile ? { profile: flags.profile } : {}),
    ...(flags.endpoint ? { endpoint: flags.endpoint } : {}),
  });
  // It signs with real credentials: on a shared machine, only the browser that opened the printed address may use it.
  const accessToken = randomBytes(24).toString('base64url');
  const server = await startConsoleServer({
    port,
    handler: consoleHandler({ assetsDir: builtConsoleDir(), backend, accessToken }),
    onError: (error) => process.stderr.write(`console: ${error.stack ?? error.message}\n`),
  }).catch((error: NodeJS.ErrnoException) => {
    throw new Error(error.code === 'EADDRINUSE' ? `Port ${port} is in use; choose another with --port` : error.message);
  });
  const address = server.address();
  const bound = typeof address === 'object' && address ? address.port : port;
  print(`console of ${flags.env} (API ${backend.apiUrl}) at http://localhost:${bound}/console/#token=${accessToken}`);
  print(`signing as ${backend.identities[0].principal}; nothing leaves this machine but signed API calls. Stop with Ctrl-C.`);
  await new Promise<void>((done) => (stop.aborted ? done() : stop.addEventListener('abort', () => done(), { once: true })));
  server.closeAllConnections();
  await new Promise<void>((done) => server.close(() => done()));
}
