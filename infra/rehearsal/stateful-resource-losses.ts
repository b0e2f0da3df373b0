import { isStatefulResourceType } from '../src/stateful-resources';
import type { ChangeAction, TerraformPlan } from './terraform-plan';

/** A planned change that destroys a stateful resource, on its own or as half of a replacement. */
export interface StatefulResourceLoss {
  address: string;
  actions: ChangeAction[];
  /** The attributes that force it, as `attribute[0].name`; empty for a plain delete. */
  forcedBy: string[];
  reason: string | undefined;
}

/**
 * The changes of a plan that would lose the data of a stateful resource (see
 * `STATEFUL_RESOURCE_TYPES`): every delete, including the delete half of a replacement in either
 * order. An in-place update keeps the resource and is not one.
 */
export function statefulResourceLosses(plan: TerraformPlan): StatefulResourceLoss[] {
  return (plan.resource_changes ?? [])
    .filter((change) => change.mode === 'managed' && isStatefulResourceType(change.type) && change.change.actions.includes('delete'))
    .map((change) => ({
      address: change.address,
      actions: change.change.actions,
      forcedBy: (change.change.replace_paths ?? []).map(attributePath),
      reason: change.action_reason,
    }));
}

/**
 * Stops the upgrade when its plan would lose a stateful resource, naming each and what forces it.
 * @throws Error listing the losses; returns quietly when there are none.
 */
export function refuseStatefulResourceLosses(plan: TerraformPlan, from: string): void {
  const losses = statefulResourceLosses(plan);
  if (losses.length === 0) return;
  throw new Error(
    `the upgrade from ${from} would replace or destroy ${losses.length} stateful resource(s):\n` +
      losses.map((loss) => `  ${describeStatefulResourceLoss(loss)}`).join('\n'),
  );
}

/** `aws_dynamodb_table.jobs: delete+create (forced by name, attribute[0].type)` */
export function describeStatefulResourceLoss(loss: StatefulResourceLoss): string {
  const forcedBy = loss.forcedBy.length ? loss.forcedBy.join(', ') : (loss.reason ?? 'no attribute the plan names');
  return `${loss.address}: ${loss.actions.join('+')} (forced by ${forcedBy})`;
}

function attributePath(path: (string | number)[]): string {
  return path.map((step, index) => (typeof step === 'number' ? `[${step}]` : index === 0 ? step : `.${step}`)).join('');
}
