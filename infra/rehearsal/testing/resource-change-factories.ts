import type { ChangeAction, ResourceChange } from '../terraform-plan';

/** A managed resource's entry in `resource_changes`, as `terraform show -json` prints it. */
export function aResourceChange(type: string, actions: ChangeAction[], overrides: Partial<ResourceChange['change']> = {}): ResourceChange {
  const name = `${type.replace(/^aws_/, '')}_1`;
  return { address: `${type}.${name}`, mode: 'managed', type, name, change: { actions, ...overrides } };
}

export const aReplacement = (type: string, replacePaths: (string | number)[][]): ResourceChange => ({
  ...aResourceChange(type, ['delete', 'create'], { replace_paths: replacePaths }),
  action_reason: 'replace_because_cannot_update',
});

export const aDeletion = (type: string): ResourceChange => ({
  ...aResourceChange(type, ['delete']),
  action_reason: 'delete_because_no_resource_config',
});

export const anUpdate = (type: string): ResourceChange => aResourceChange(type, ['update']);

export const aNoOp = (type: string): ResourceChange => aResourceChange(type, ['no-op']);
