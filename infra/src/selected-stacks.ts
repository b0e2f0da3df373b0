import { ENVIRONMENTS, type Environment } from '@async-jobs/platform';

/** `bootstrap` in ASYNC_JOBS_ENVIRONMENTS: the bootstrap stack of every account deploy-targets.json names. */
export const BOOTSTRAP = 'bootstrap';

/** The stacks `ASYNC_JOBS_ENVIRONMENTS` (comma-separated) asks for; every environment's and the bootstraps when unset. */
export function selectedStacks(value: string | undefined): { environments: Environment[]; bootstrap: boolean } {
  if (value === undefined || value.trim() === '') return { environments: [...ENVIRONMENTS], bootstrap: true };
  const asked = [...new Set(value.split(',').map((name) => name.trim()))];
  const known = [...ENVIRONMENTS, BOOTSTRAP] as readonly string[];
  const unknown = asked.find((name) => !known.includes(name));
  if (unknown !== undefined) throw new Error(`ASYNC_JOBS_ENVIRONMENTS names an unknown stack "${unknown}"; known: ${known.join(', ')}`);
  return { environments: asked.filter((name): name is Environment => name !== BOOTSTRAP), bootstrap: asked.includes(BOOTSTRAP) };
}
