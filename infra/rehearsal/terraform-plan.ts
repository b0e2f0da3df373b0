/**
 * The part of `terraform show -json <planfile>` the upgrade rehearsal reads
 * (https://developer.hashicorp.com/terraform/internals/json-format#plan-representation).
 */
export interface TerraformPlan {
  resource_changes?: ResourceChange[];
}

export type ChangeAction = 'no-op' | 'create' | 'read' | 'update' | 'delete' | 'forget';

export interface ResourceChange {
  address: string;
  mode: 'managed' | 'data';
  type: string;
  name: string;
  change: {
    /** `["delete", "create"]` or `["create", "delete"]` is a replacement. */
    actions: ChangeAction[];
    /** The attributes whose change forces the replacement, each a path of keys and indexes. */
    replace_paths?: (string | number)[][];
  };
  /** Why terraform chose the action, e.g. `replace_because_cannot_update`, `delete_because_no_resource_config`. */
  action_reason?: string;
}
