/**
 * AWS list prices, us-east-1, on-demand, x86 Lambda (checked 2026-11): what a design's counted requests cost.
 * Lambda's reads of a DynamoDB stream are free, so stream reads cost nothing here.
 */
export const LIST_PRICES = {
  lambdaPerMillionRequests: 0.2,
  lambdaPerGbSecond: 0.0000166667,
  dynamodbPerMillionWriteUnits: 0.625,
  dynamodbPerMillionReadUnits: 0.125,
  apiGatewayRestPerMillionRequests: 3.5,
} as const;

/** What one job costs in requests: counted by the benchmarks or derived from a design's rules. */
export interface JobFootprint {
  writeUnits: number;
  readUnits: number;
  lambdaInvocations: number;
  lambdaGbSeconds: number;
  apiRequests: number;
}

export interface CostPerMillionJobs {
  dynamodb: number;
  lambdaRequests: number;
  lambdaCompute: number;
  apiGateway: number;
  total: number;
}

const cents = (dollars: number) => Math.round(dollars * 100) / 100;

/** Dollars per million jobs of this footprint, by line. */
export function costPerMillionJobs(job: JobFootprint, prices = LIST_PRICES): CostPerMillionJobs {
  const dynamodb = job.writeUnits * prices.dynamodbPerMillionWriteUnits + job.readUnits * prices.dynamodbPerMillionReadUnits;
  const lambdaRequests = job.lambdaInvocations * prices.lambdaPerMillionRequests;
  const lambdaCompute = job.lambdaGbSeconds * 1_000_000 * prices.lambdaPerGbSecond;
  const apiGateway = job.apiRequests * prices.apiGatewayRestPerMillionRequests;
  return {
    dynamodb: cents(dynamodb),
    lambdaRequests: cents(lambdaRequests),
    lambdaCompute: cents(lambdaCompute),
    apiGateway: cents(apiGateway),
    total: cents(dynamodb + lambdaRequests + lambdaCompute + apiGateway),
  };
}

export interface DesignShape {
  consumers: number;
  /** How long a run takes, in seconds. */
  jobSeconds: number;
  /** The processor's memory, in GB. */
  processorGb: number;
  /** The jobs API's memory and how long a submit takes in it, in seconds. */
  apiGb: number;
  apiSeconds: number;
}

/**
 * This design with runs inline: per consumer one share of a batch's invocation (records of a batch run at once,
 * so a batch of equally long jobs bills its duration once), a lease renewal every third of the lease while a job
 * runs longer than that, and the write units the ops-per-job benchmark counted.
 */
export function inlineFootprint(
  shape: DesignShape,
  measured: { writeUnits: number; batchSize: number; leaseSeconds: number; writeUnitsPerRenewal: number },
): JobFootprint {
  const renewals = Math.max(0, Math.ceil(shape.jobSeconds / (measured.leaseSeconds / 3)) - 1);
  return {
    writeUnits: measured.writeUnits + shape.consumers * renewals * measured.writeUnitsPerRenewal,
    readUnits: 0,
    lambdaInvocations: 1 + shape.consumers / measured.batchSize,
    lambdaGbSeconds: shape.apiGb * shape.apiSeconds + (shape.consumers * shape.processorGb * shape.jobSeconds) / measured.batchSize,
    apiRequests: 1,
  };
}

/** The reference design: batch size 1, and per consumer 2 reads and 2 writes around each run (1 unit each). */
export function referenceFootprint(shape: DesignShape): JobFootprint {
  return {
    writeUnits: 1 + shape.consumers * 2,
    readUnits: shape.consumers * 2,
    lambdaInvocations: 1 + shape.consumers,
    lambdaGbSeconds: shape.apiGb * shape.apiSeconds + shape.consumers * shape.processorGb * shape.jobSeconds,
    apiRequests: 1,
  };
}

/**
 * This design with the run on the runner: the processor's share of a batch invocation to claim and dispatch (a
 * moment, not the run), one runner invocation per consumer billed for the whole run, the write units counted
 * (claim, adopt, complete per consumer) and a renewal every third of the lease while the run lasts longer.
 */
export function runnerFootprint(
  shape: DesignShape & { runnerGb: number; dispatchSeconds: number },
  measured: { writeUnits: number; batchSize: number; leaseSeconds: number; writeUnitsPerRenewal: number; runnerInvocationsPerRun: number },
): JobFootprint {
  const renewals = Math.max(0, Math.ceil(shape.jobSeconds / (measured.leaseSeconds / 3)) - 1);
  return {
    writeUnits: measured.writeUnits + shape.consumers * renewals * measured.writeUnitsPerRenewal,
    readUnits: 0,
    lambdaInvocations: 1 + shape.consumers / measured.batchSize + shape.consumers * measured.runnerInvocationsPerRun,
    lambdaGbSeconds:
      shape.apiGb * shape.apiSeconds +
      (shape.consumers * shape.processorGb * shape.dispatchSeconds) / measured.batchSize +
      shape.consumers * measured.runnerInvocationsPerRun * shape.runnerGb * shape.jobSeconds,
    apiRequests: 1,
  };
}
