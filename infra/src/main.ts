import { resolve } from 'node:path';
import { App } from 'cdktf';
import { deploymentSettings } from '@async-jobs/platform';
import { BootstrapStack } from './bootstrap-stack';
import {
  checkReservedConcurrency,
  DEPLOY_TARGETS_FILE,
  DEPLOYED_ENVIRONMENTS,
  deployTarget,
  deployTargetsPath,
  isDeployedEnvironment,
  readDeployTargets,
  type DeployTarget,
} from './deploy-targets';
import { JobsStack } from './jobs-stack';
import { selectedStacks } from './selected-stacks';

/**
 * `npx nx run infra:synth:<env>` (or `ASYNC_JOBS_ENVIRONMENTS=dev node tools/scripts/run-typescript.mjs infra/src/main.ts`): one stack per
 * environment asked for (`bootstrap`: one per account), every one by default. A deployed environment
 * needs its account in infra/deploy-targets.json; without it synth stops, naming the setting, before
 * anything is written. REHEARSAL_AWS_ENDPOINT (moto) takes the rehearsal stack, and the bootstrap
 * stacks, to the emulator.
 */
function main(): void {
  const { environments, bootstrap } = selectedStacks(process.env['ASYNC_JOBS_ENVIRONMENTS']);
  const emulator = process.env['REHEARSAL_AWS_ENDPOINT'] || undefined;
  const targets = new Map<string, DeployTarget>();
  let configured: DeployTarget[] = [];
  if (bootstrap || environments.some(isDeployedEnvironment)) {
    const file = readDeployTargets(deployTargetsPath());
    for (const environment of environments.filter(isDeployedEnvironment)) targets.set(environment, deployTarget(file, environment));
    // Environments sharing an account and region share its concurrency: every configured one counts.
    configured = DEPLOYED_ENVIRONMENTS.filter((environment) => file.environments?.[environment]?.accountId).map(
      (environment) => targets.get(environment) ?? deployTarget(file, environment),
    );
    checkReservedConcurrency(configured);
    if (bootstrap && configured.length === 0)
      throw new Error(`${DEPLOY_TARGETS_FILE} names no account to bootstrap: set environments.<env>.accountId`);
  }
  const app = new App();
  for (const environment of environments) {
    new JobsStack(app, `jobs-${environment}`, {
      settings: deploymentSettings(environment),
      bundlesDir: resolve(__dirname, '../../dist/apps'),
      awsEndpoint: environment === 'rehearsal' ? emulator : undefined,
      target: targets.get(environment),
      localStatePath: environment === 'rehearsal' ? 'terraform.tfstate' : undefined,
    });
  }
  if (bootstrap) {
    for (const accountId of new Set(configured.map((t) => t.accountId))) {
      const inAccount = configured.filter((t) => t.accountId === accountId);
      new BootstrapStack(app, `jobs-bootstrap-${accountId}`, {
        accountId,
        stateRegion: inAccount[0].state.region,
        repository: inAccount[0].repository,
        targets: inAccount,
        firstRun: process.env['ASYNC_JOBS_BOOTSTRAP_FIRST_RUN'] === '1',
        awsEndpoint: emulator,
      });
    }
  }
  app.synth();
}

try {
  main();
} catch (error) {
  // A setting to fix, not a stack trace to read.
  console.error(`synth stopped: ${(error as Error).message}`);
  process.exit(1);
}
