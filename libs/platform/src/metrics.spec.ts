import { METRIC_CATALOG } from './metric-catalog';
import { Metrics } from './metrics';

function captured() {
  const lines: Record<string, any>[] = [];
  return { lines, destination: { write: (line: string) => lines.push(JSON.parse(line)) } };
}

describe('Metrics', () => {
  it('writes one EMF line that publishes the metric under every dimension set of the catalog', () => {
    const { lines, destination } = captured();
    new Metrics({ service: 'stream-processor', destination, now: () => 1_767_225_600_000 }).emit(
      'JobsFailed',
      { consumer: 'a', jobType: 'sleep' },
      { requestId: 'r-1', jobId: 'j-1' },
    );

    expect(lines).toEqual([
      {
        _aws: {
          Timestamp: 1_767_225_600_000,
          CloudWatchMetrics: [
            {
              Namespace: 'AsyncJobs',
              Dimensions: [['consumer', 'jobType'], ['consumer'], []],
              Metrics: [{ Name: 'JobsFailed', Unit: 'Count' }],
            },
          ],
        },
        consumer: 'a',
        jobType: 'sleep',
        JobsFailed: 1,
        service: 'stream-processor',
        requestId: 'r-1',
        jobId: 'j-1',
        message: 'metric JobsFailed',
      },
    ]);
  });

  it('carries no level, so that no log level, ours or Lambda’s, can drop it', () => {
    const { lines, destination } = captured();
    new Metrics({ service: 't', destination }).emit('FailureMessagesUnrecognised', {});
    expect(lines[0]).not.toHaveProperty('level');
    expect(lines[0]['_aws'].CloudWatchMetrics[0].Dimensions).toEqual([[]]);
  });

  it('declares only dimension sets whose names the line carries, for every metric of the catalog', () => {
    for (const [name, definition] of Object.entries(METRIC_CATALOG)) {
      const names = new Set(definition.dimensionSets.flat());
      expect([name, definition.dimensionSets.length]).toEqual([name, expect.any(Number)]);
      expect(definition.dimensionSets.length).toBeGreaterThan(0);
      // EMF: at most 30 dimensions a set, and each name a value on the line (emit's type requires them all).
      for (const set of definition.dimensionSets) expect(set.length).toBeLessThanOrEqual(30);
      expect([...names].every((n) => /^[a-zA-Z]+$/.test(n))).toBe(true);
    }
  });
});
