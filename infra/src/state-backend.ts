import { LocalBackend, S3Backend, type TerraformStack } from 'cdktf';
import type { DeployTarget } from './deploy-targets';

/** Where a stack keeps its Terraform state. */
export type StateLocation = { backend: 'local'; path?: string } | { backend: 's3'; target: DeployTarget['state'] };

/**
 * Local state (a file beside the stack: local and the rehearsal) or the account's state bucket,
 * encrypted, locked by S3's own lock file (`<key>.tflock`; Terraform ≥ 1.10 — the DynamoDB lock
 * table is deprecated since 1.11). There is no fallback from one to the other: a deployed
 * environment without its target does not synthesize (deploy-targets.ts).
 */
export function configureStateBackend(stack: TerraformStack, location: StateLocation): void {
  if (location.backend === 'local') {
    // A relative path keeps the state beside the synthesized stack (the rehearsal's throwaway folder).
    if (location.path) new LocalBackend(stack, { path: location.path });
    return;
  }
  new S3Backend(stack, {
    bucket: location.target.bucket,
    key: location.target.key,
    region: location.target.region,
    encrypt: true,
  });
  // cdktf 0.21 predates the setting: written straight into the backend block.
  stack.addOverride('terraform.backend.s3.use_lockfile', true);
}
