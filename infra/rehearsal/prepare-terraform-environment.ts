import { existsSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

const PROVIDER = 'registry.terraform.io/hashicorp/aws/5.100.0';
const MIRROR_CANDIDATES = [
  '/opt/tf-plugins',
  '/usr/share/terraform/plugins',
  '/usr/local/share/terraform/plugins',
  join(homedir(), '.terraform.d/plugins'),
  join(homedir(), '.local/share/terraform/plugins'),
];

export interface TerraformEnvironment {
  /** The environment for every terraform command: non-interactive, with the CLI config below. */
  readonly env: NodeJS.ProcessEnv;
  /** Where the AWS provider will come from, in a sentence for the log. */
  readonly providerSource: string;
}

/**
 * Writes a terraform CLI config into `workDir` that installs the AWS provider from a filesystem
 * mirror when one holds it (so `terraform init` works offline), and returns the environment that
 * uses it.
 */
export function prepareTerraformEnvironment(workDir: string): TerraformEnvironment {
  const mirror = findProviderMirror();
  const cliConfig = join(workDir, 'terraform.rc');
  writeFileSync(cliConfig, mirror ? mirrorCliConfig(mirror) : '');
  return {
    env: { ...process.env, CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1', TF_INPUT: '0', TF_CLI_CONFIG_FILE: cliConfig },
    providerSource: mirror
      ? `provider ${PROVIDER} from the filesystem mirror ${mirror}`
      : `no provider mirror found: terraform init downloads ${PROVIDER}`,
  };
}

/** A provider mirror: TF_PROVIDER_MIRROR, or a usual place that holds the AWS provider 5.100.0. */
function findProviderMirror(): string | undefined {
  const candidates = [process.env['TF_PROVIDER_MIRROR'], ...MIRROR_CANDIDATES].filter((dir): dir is string => Boolean(dir));
  return candidates.map((dir) => resolve(dir)).find((dir) => existsSync(join(dir, PROVIDER)));
}

function mirrorCliConfig(mirror: string): string {
  return `provider_installation {
  filesystem_mirror {
    path    = ${JSON.stringify(mirror)}
    include = ["registry.terraform.io/hashicorp/aws"]
  }
  direct {
    exclude = ["registry.terraform.io/hashicorp/aws"]
  }
}
`;
}
