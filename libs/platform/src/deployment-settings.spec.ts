import { deploymentSettings, ENVIRONMENTS } from './deployment-settings';
import { streamProcessorTimeoutSeconds } from './stream-processor-timeout';

describe('the stream processor timeout', () => {
  it.each(ENVIRONMENTS)(
    '%s: holds the longest run after waiting out a crashed run’s lease and two outages, within Lambda’s 900 s',
    (environment) => {
      const { jobs } = deploymentSettings(environment);
      const timeout = streamProcessorTimeoutSeconds(jobs, { jobType: 'sleep', seconds: jobs.sleepMaxSeconds + 5 });
      expect(timeout).toBe(jobs.sleepMaxSeconds + 5 + jobs.leaseSeconds + 2 * jobs.outagePatienceSeconds + 30);
      expect(timeout).toBeLessThanOrEqual(900);
    },
  );

  it('refuses a catalog whose longest run cannot fit, naming the type and the limit that would', () => {
    const jobs = { leaseSeconds: 60, outagePatienceSeconds: 60 };
    expect(streamProcessorTimeoutSeconds(jobs, { jobType: 'report', seconds: 690 })).toBe(900);
    expect(() => streamProcessorTimeoutSeconds(jobs, { jobType: 'report', seconds: 691 })).toThrow(
      /Job type "report" declares a run limit of 691 s.*would need 901 s.*lower its run limit to 690 s/,
    );
  });
});
