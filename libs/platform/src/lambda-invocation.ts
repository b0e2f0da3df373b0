import type { Context } from 'aws-lambda';
import { inInvocation } from './invocation-context';
import type { Logger } from './logger';
import type { MetricDimensions, MetricName } from './metric-catalog';
import type { MetricContext, Metrics } from './metrics';

/** What an invocation's code is given: the id its story is told under, a logger and metrics that carry it. */
export interface Invocation {
  requestId: string;
  logger: Logger;
  /** Emits a catalog metric whose line carries this invocation's request id. */
  metric<N extends MetricName>(
    name: N,
    dimensions: MetricDimensions<N>,
    context?: Omit<MetricContext, 'requestId'> & { value?: number },
  ): void;
}

export interface InvocationSettings<E> {
  /** The function's logger and metrics, wired once per environment. */
  logger: Logger;
  metrics: Metrics;
  /** Fields every line of every invocation carries besides the request id (the consumer a processor serves). */
  fields?: Record<string, unknown>;
  /** The caller's request id when the event carries one (API Gateway's), so the client's and our logs share it. */
  requestIdOf?: (event: E) => string | undefined;
}

/**
 * The one way every function starts an invocation: a child logger with the request id (and Lambda's own when the
 * two differ), and the invocation's async context, so that code wired once per environment — a patient
 * repository's wait log — names the request it is holding up.
 */
export function lambdaInvocation<E, C extends Pick<Context, 'awsRequestId'>, R>(
  settings: InvocationSettings<E>,
  handle: (event: E, invocation: Invocation, context: C) => Promise<R>,
): (event: E, context: C) => Promise<R> {
  return (event, context) => {
    const requestId = settings.requestIdOf?.(event) ?? context.awsRequestId;
    const logger = settings.logger.child({
      requestId,
      ...(requestId === context.awsRequestId ? {} : { awsRequestId: context.awsRequestId }),
      ...settings.fields,
    });
    const metric: Invocation['metric'] = (name, dimensions, metricContext = {}) =>
      settings.metrics.emit(name, dimensions, { ...metricContext, requestId });
    return inInvocation(requestId, () => handle(event, { requestId, logger, metric }, context));
  };
}

/**
 * A Lambda entry point that wires its handler on first use, so that a cold start's module load costs only the
 * imports, and a configuration error fails the invocation (logged by Lambda) rather than the module load.
 */
export function wiredOnFirstUse<E, R>(wire: () => (event: E, context: Context) => Promise<R>): (event: E, context: Context) => Promise<R> {
  let handle: ((event: E, context: Context) => Promise<R>) | undefined;
  return (event, context) => (handle ??= wire())(event, context);
}
