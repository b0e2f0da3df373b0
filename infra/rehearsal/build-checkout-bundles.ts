import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { runCommand } from './run-command';

/** The apps whose `nx build` bundles the stack zips into its functions. */
export const BUNDLED_APPS = ['jobs-api', 'stream-processor', 'error-handler', 'job-sweeper', 'job-runner', 'webhook-sender'] as const;

/**
 * Builds, inside another checkout, the bundles its stack zips (`<checkoutDir>/dist/apps/<app>`):
 * those of `BUNDLED_APPS` that exist in that checkout, since an older commit may predate some.
 * Returns the apps it built.
 */
export async function buildCheckoutBundles(checkoutDir: string): Promise<string[]> {
  const apps = BUNDLED_APPS.filter((app) => existsSync(join(checkoutDir, 'apps', app)));
  if (apps.length === 0) throw new Error(`${checkoutDir} has none of the apps ${BUNDLED_APPS.join(', ')}`);
  // The NX_* variables of an nx that runs this script (NX_WORKSPACE_ROOT_PATH above all) would point the
  // inner nx at this workspace instead of the checkout.
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('NX_')));
  await runCommand('npx', ['nx', 'run-many', '-t', 'build', `--projects=${apps.join(',')}`, '--outputStyle=static'], {
    cwd: checkoutDir,
    env: { ...env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' },
  });
  return apps;
}
