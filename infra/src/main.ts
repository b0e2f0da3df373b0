import { resolve } from 'node:path';
import { App } from 'cdktf';
import { deploymentSettings, ENVIRONMENTS } from '@async-jobs/platform';
import { JobsStack } from './jobs-stack';

/**
 * `npx cdktf synth` / `npx cdktf deploy jobs-<env>`: one stack per environment. The rehearsal
 * stack points every AWS API at REHEARSAL_AWS_ENDPOINT (moto) when that is set.
 */
const app = new App();
for (const environment of ENVIRONMENTS) {
  new JobsStack(app, `jobs-${environment}`, {
    settings: deploymentSettings(environment),
    bundlesDir: resolve(__dirname, '../../dist/apps'),
    awsEndpoint: environment === 'rehearsal' ? process.env['REHEARSAL_AWS_ENDPOINT'] : undefined,
    backendEnv: environment === 'rehearsal' ? {} : process.env,
    localStatePath: environment === 'rehearsal' ? 'terraform.tfstate' : undefined,
  });
}
app.synth();
