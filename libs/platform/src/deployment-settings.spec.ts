import { deploymentSettings, ENVIRONMENTS } from './deployment-settings';

describe('deployment settings', () => {
  it.each(ENVIRONMENTS)('%s: a processor invocation fits the longest run after waiting out a crashed run’s lease, within Lambda’s 900 s', (environment) => {
    const { functions, jobs } = deploymentSettings(environment);
    expect(functions.streamProcessor.timeoutSeconds).toBeGreaterThanOrEqual(jobs.sleepMaxSeconds + jobs.leaseSeconds + 10);
    expect(functions.streamProcessor.timeoutSeconds).toBeLessThanOrEqual(900);
  });
});
