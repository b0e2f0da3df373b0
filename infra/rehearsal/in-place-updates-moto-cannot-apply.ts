import type { TerraformPlan } from './terraform-plan';

/**
 * Resource types moto 5 cannot update in place although AWS can: moto has no UpdateModel, answers
 * 500, and the provider retries that for about ten minutes before it gives up.
 */
const TYPES_MOTO_CANNOT_UPDATE = ['aws_api_gateway_model'];

/**
 * The addresses a plan updates in place that moto could not apply. The upgrade rehearsal has
 * terraform replace them instead (`-replace=<address>`), which moto can; none is stateful.
 */
export function inPlaceUpdatesMotoCannotApply(plan: TerraformPlan): string[] {
  return (plan.resource_changes ?? [])
    .filter(({ mode, type, change }) => mode === 'managed' && TYPES_MOTO_CANNOT_UPDATE.includes(type) && change.actions.join() === 'update')
    .map(({ address }) => address);
}
