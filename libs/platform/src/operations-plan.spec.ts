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
      const plan = operationsPlan(deploymentSettings(environment), { processorTimeoutSeconds: 450 });
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
    const plan = operationsPlan(
      { ...settings, alarms: { ...settings.alarms, perJobType: ['word-count'] } },
      { processorTimeoutSeconds: 450 },
    );
    expect(plan.alarms.filter((a) => a.series.dimensions['jobType']).map((a) => [a.id, a.series.dimensions])).toEqual([
      ['word-count-failed-on-a', { consumer: 'a', jobType: 'word-count' }],
      ['word-count-failed-on-b', { consumer: 'b', jobType: 'word-count' }],
    ]);
  });

  it("alarms on iterator age only above what the longest declared run makes normal: a batch behind a run of the processor's whole timeout", () => {
    const settings = deploymentSettings('prod');
    const threshold = (s: typeof settings, processorTimeoutSeconds: number) =>
      operationsPlan(s, { processorTimeoutSeconds })
        .alarms.filter((a) => a.series.metricName === 'IteratorAge')
        .map((a) => a.threshold);
    // 450 s runs and a 1 s batching window: 451 s, not the 60 s floor, which a long job would cross every time.
    expect(threshold(settings, 450)).toEqual([451_000, 451_000]);
    // Short runs only: the floor the settings name.
    expect(threshold(settings, 20)).toEqual([60_000, 60_000]);
    expect(threshold({ ...settings, alarms: { ...settings.alarms, iteratorAgeMs: 900_000 } }, 450)).toEqual([900_000, 900_000]);
  });
});
