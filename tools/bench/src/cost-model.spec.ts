import { costPerMillionJobs, inlineFootprint, LIST_PRICES, referenceFootprint, runnerFootprint } from './cost-model';

const shape = { consumers: 2, jobSeconds: 300, processorGb: 0.5, apiGb: 0.5, apiSeconds: 0.1 };

describe('the cost model', () => {
  it('prices each line at the list price, per million jobs', () => {
    const cost = costPerMillionJobs({ writeUnits: 4, readUnits: 2, lambdaInvocations: 3, lambdaGbSeconds: 10, apiRequests: 1 });
    expect(cost).toEqual({
      dynamodb: 4 * 0.625 + 2 * 0.125, // 2.75
      lambdaRequests: 0.6,
      lambdaCompute: 166.67, // 10 GB-s × 1e6 × $0.0000166667
      apiGateway: 3.5,
      total: 173.52,
    });
    expect(LIST_PRICES.lambdaPerGbSecond).toBe(0.0000166667);
  });

  it('counts the reference design as batch size 1 with 2 reads and 2 writes per consumer', () => {
    expect(referenceFootprint(shape)).toEqual({
      writeUnits: 5,
      readUnits: 4,
      lambdaInvocations: 3,
      lambdaGbSeconds: 0.05 + 2 * 0.5 * 300,
      apiRequests: 1,
    });
  });

  it('shares a batch invocation between its records inline, and adds a renewal per third of the lease', () => {
    const measured = { writeUnits: 11, batchSize: 10, leaseSeconds: 60, writeUnitsPerRenewal: 1 };
    // 300 s under a 60 s lease renewed every 20 s: 14 renewals after the claim, per consumer.
    expect(inlineFootprint(shape, measured)).toEqual({
      writeUnits: 11 + 2 * 14,
      readUnits: 0,
      lambdaInvocations: 1.2,
      lambdaGbSeconds: 0.05 + (2 * 0.5 * 300) / 10,
      apiRequests: 1,
    });
    expect(inlineFootprint({ ...shape, jobSeconds: 1 }, measured).writeUnits).toBe(11); // shorter than a renewal: none
  });

  it('bills a run on the runner as its own invocation for its whole duration, and the dispatch as a moment of the batch', () => {
    const measured = { writeUnits: 13, batchSize: 10, leaseSeconds: 60, writeUnitsPerRenewal: 1, runnerInvocationsPerRun: 1 };
    expect(runnerFootprint({ ...shape, runnerGb: 0.5, dispatchSeconds: 0.05 }, measured)).toEqual({
      writeUnits: 13 + 2 * 14,
      readUnits: 0,
      lambdaInvocations: 1 + 2 / 10 + 2,
      lambdaGbSeconds: 0.5 * 0.1 + (2 * 0.5 * 0.05) / 10 + 2 * 0.5 * 300,
      apiRequests: 1,
    });
    // A long run costs its compute wherever it runs: on the runner as much as in the reference, less the reads.
    const runner = costPerMillionJobs(runnerFootprint({ ...shape, runnerGb: 0.5, dispatchSeconds: 0.05 }, measured));
    expect(runner.lambdaCompute).toBeCloseTo(costPerMillionJobs(referenceFootprint(shape)).lambdaCompute, -1);
  });
});
