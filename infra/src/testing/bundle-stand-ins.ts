import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Stand-ins for the `nx build` bundles in a folder of their own: a stack only zips the folders. */
export function bundleStandIns(): string {
  const dir = mkdtempSync(join(tmpdir(), 'bundles-'));
  for (const app of ['jobs-api', 'stream-processor', 'error-handler', 'job-sweeper', 'job-runner', 'webhook-sender']) {
    mkdirSync(join(dir, app));
    writeFileSync(join(dir, app, 'main.js'), 'exports.handler = async () => ({});');
  }
  return dir;
}
