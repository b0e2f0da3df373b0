import type { IConstruct } from 'constructs';
import { TerraformResource, type IAspect } from 'cdktf';
import { isStatefulResourceType } from './stateful-resources';

/**
 * `prevent_destroy` on every stateful resource of a stack (its table, keys, buckets, log groups,
 * archive, secret, queues), whichever construct made it: Terraform then refuses any plan that
 * would destroy or replace one, including `destroy` itself. Other lifecycle settings are kept.
 */
export class ProtectStatefulResources implements IAspect {
  visit(node: IConstruct): void {
    if (!(node instanceof TerraformResource) || !isStatefulResourceType(node.terraformResourceType)) return;
    node.lifecycle = { ...(node.lifecycle ?? {}), preventDestroy: true };
  }
}
