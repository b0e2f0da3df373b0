/** The product's name in every resource name. */
export const SERVICE_NAME = 'async-jobs';

/**
 * The one function that names resources, in AWS and locally alike: `async-jobs-<env>-<resource>`.
 * Infra, the local runtime and the apps all call it, so a name can never drift between them.
 */
export function resourceName(environment: string, resource: string): string {
  for (const [label, part] of [
    ['environment', environment],
    ['resource', resource],
  ]) {
    if (!/^[a-z][a-z0-9-]*$/.test(part)) throw new Error(`A resource name's ${label} must be lower-case kebab-case, got "${part}"`);
  }
  return `${SERVICE_NAME}-${environment}-${resource}`;
}

/** Each consumer is the stream processor deployed under its own function name. */
export function consumerFunctionName(environment: string, consumerId: string): string {
  return resourceName(environment, `processor-${consumerId}`);
}

/** The consumer a stream processor function ARN (or name, qualified or not) belongs to, if any. */
export function consumerOfFunction(environment: string, consumers: readonly string[], functionArnOrName: string): string | undefined {
  const name = functionArnOrName.includes(':function:')
    ? functionArnOrName.split(':function:')[1].split(':')[0]
    : functionArnOrName.split(':')[0];
  return consumers.find((consumerId) => consumerFunctionName(environment, consumerId) === name);
}
