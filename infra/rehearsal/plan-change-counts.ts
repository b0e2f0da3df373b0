import type { TerraformPlan } from './terraform-plan';

export interface PlanChangeCounts {
  create: number;
  update: number;
  replace: number;
  delete: number;
  unchanged: number;
}

/** How many managed resources a plan creates, updates in place, replaces, deletes and leaves alone. */
export function planChangeCounts(plan: TerraformPlan): PlanChangeCounts {
  const counts: PlanChangeCounts = { create: 0, update: 0, replace: 0, delete: 0, unchanged: 0 };
  for (const { mode, change } of plan.resource_changes ?? []) {
    if (mode !== 'managed') continue;
    const { actions } = change;
    if (actions.includes('create') && actions.includes('delete')) counts.replace += 1;
    else if (actions.includes('create')) counts.create += 1;
    else if (actions.includes('delete')) counts.delete += 1;
    else if (actions.includes('update')) counts.update += 1;
    else counts.unchanged += 1;
  }
  return counts;
}
