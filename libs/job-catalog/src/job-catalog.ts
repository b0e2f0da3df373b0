import { builtInJobTypes, type BuiltInJobTypeOptions, type JobType, type JobTypeRegistry } from '@async-jobs/domain';
import * as teams from './teams';

/**
 * Every job type this deployment serves: the built-in ones and each team's, from `teams.ts`. The
 * apps, the local runtime and infra all take their registry from here, so the API model, the
 * OpenAPI document and the processors always agree.
 */
export function jobCatalog(
  options: BuiltInJobTypeOptions,
  teamTypes: Record<string, readonly JobType[]> = teams as Record<string, readonly JobType[]>,
): JobTypeRegistry {
  const registry = builtInJobTypes(options);
  for (const [team, types] of Object.entries(teamTypes)) {
    for (const type of types) {
      try {
        registry.register(type);
      } catch (error) {
        throw new Error(`Team ${team}: ${(error as Error).message}`);
      }
    }
  }
  return registry;
}

/** Which team owns each job type (built-in types belong to the platform). */
export function jobTypeOwners(
  teamTypes: Record<string, readonly JobType[]> = teams as Record<string, readonly JobType[]>,
): Record<string, string> {
  return Object.fromEntries(Object.entries(teamTypes).flatMap(([team, types]) => types.map((type) => [type.name, team])));
}
