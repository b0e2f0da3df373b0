import { deploymentSettings, ENVIRONMENTS } from './deployment-settings';
import { METRIC_CATALOG, METRICS_NAMESPACE } from './metric-catalog';
import { operationsPlan, productSeries } from './operations-plan';

describe('the operations plan', () => {
  it('refuses a series of our namespace that no code publishes: an unknown dimension set', () => {
    expect(productSeries('FailuresArchived')).toMatchObject({ namespace: 'AsyncJobs', metricName: 'FailuresArchived', dimensions: {} });
    expect(() => productSeries('FailureMessagesUnrecognised', { consumer: 'a' })).toThrow(/not published with the dimensions \[consumer\]/);
    expect(() => productSeries('JobsFailed', { jobType: 'sleep' })).toThrow(/catalog publishes \[consumer,jobType\], \[consumer\], \[\]/);
  });

  it.each(ENVIRONMENTS)(
    '%s: reads only catalogued series of our namespace, and alarms on one datapoint for every count of something gone wrong',
    (environment) => {
      const plan = operationsPlan(deploymentSettings(environment));
      const ours = [...plan.alarms.map((a) => a.series), ...plan.widgets.flatMap((w) => w.series)].filter(
        (s) => s.namespace === METRICS_NAMESPACE,
      );
      expect(ours.length).toBeGreaterThan(10);
      for (const series of ours) {
        const sets = METRIC_CATALOG[series.metricName as keyof typeof METRIC_CATALOG].dimensionSets.map((set) => [...set].sort().join());
        expect(sets).toContain(Object.keys(series.dimensions).sort().join());
      }
      for (const alarm of plan.alarms.filter((a) => a.series.stat === 'Sum'))
        expect([alarm.id, alarm.evaluationPeriods, alarm.datapointsToAlarm]).toEqual([alarm.id, 1, 1]);
      expect(new Set(plan.alarms.map((a) => a.id)).size).toBe(plan.alarms.length);
    },
  );

  it('alarms per job type and consumer for the types a team asked for', () => {
    const settings = deploymentSettings('dev');
    const plan = operationsPlan({ ...settings, alarms: { ...settings.alarms, perJobType: ['word-count'] } });
    expect(plan.alarms.filter((a) => a.series.dimensions['jobType']).map((a) => [a.id, a.series.dimensions])).toEqual([
      ['word-count-failed-on-a', { consumer: 'a', jobType: 'word-count' }],
      ['word-count-failed-on-b', { consumer: 'b', jobType: 'word-count' }],
    ]);
  });
});
