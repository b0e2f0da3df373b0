import type { ResultLinks, SubmitJobDeps } from '@async-jobs/domain';
import type { Logger, Metrics } from '@async-jobs/platform';
import type { CallerPolicy } from './caller-identity';

/** What the jobs API is wired with: the use cases' ports and the edge's settings. */
export interface JobsApiDeps extends SubmitJobDeps {
  logger: Logger;
  metrics: Metrics;
  maxBodyBytes: number;
  /** Browser origins allowed to call the API; empty: CORS off. */
  corsAllowedOrigins?: readonly string[];
  /** How callers are known, and who operates. */
  callers: CallerPolicy;
  /** Links to results stored in the results bucket. */
  resultLinks: ResultLinks;
}
