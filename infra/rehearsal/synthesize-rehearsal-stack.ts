import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { runCommand } from './run-command';

export interface SynthesizedRehearsalStack {
  /** The folder terraform runs in: `<outdir>/stacks/jobs-rehearsal`. */
  readonly stackDir: string;
  /** `type.name` of every managed resource, in the order of `cdk.tf.json`. */
  readonly resourceAddresses: string[];
  /** The state file of its local backend, absolute; undefined when the stack keeps its state elsewhere. */
  readonly localStatePath: string | undefined;
}

interface CdktfStackJson {
  resource?: Record<string, Record<string, unknown>>;
  terraform?: { backend?: Record<string, { path?: string }> };
}

/**
 * Synthesizes the `jobs-rehearsal` stack of the checkout at `checkoutDir` with that checkout's own
 * `infra/src/main.ts` and bundles (`<checkoutDir>/dist/apps`), every AWS endpoint pointed at
 * `awsEndpoint`.
 */
export async function synthesizeRehearsalStack(options: {
  checkoutDir: string;
  outdir: string;
  awsEndpoint: string;
  env: NodeJS.ProcessEnv;
}): Promise<SynthesizedRehearsalStack> {
  await runCommand('node', ['tools/scripts/run-typescript.mjs', 'infra/src/main.ts'], {
    cwd: options.checkoutDir,
    // ASYNC_JOBS_ENVIRONMENTS spares the other stacks' synthesis where main.ts knows it; older checkouts ignore it.
    env: {
      ...options.env,
      CDKTF_OUTDIR: options.outdir,
      REHEARSAL_AWS_ENDPOINT: options.awsEndpoint,
      ASYNC_JOBS_ENVIRONMENTS: 'rehearsal',
    },
  });
  const stackDir = join(options.outdir, 'stacks', 'jobs-rehearsal');
  const synthesized = JSON.parse(readFileSync(join(stackDir, 'cdk.tf.json'), 'utf8')) as CdktfStackJson;
  const resourceAddresses = Object.entries(synthesized.resource ?? {}).flatMap(([type, byName]) =>
    Object.keys(byName).map((name) => `${type}.${name}`),
  );
  const backends = synthesized.terraform?.backend ?? {};
  // No backend block is terraform's own local default: terraform.tfstate in the working folder.
  const local = Object.keys(backends).length === 0 ? {} : backends['local'];
  return { stackDir, resourceAddresses, localStatePath: local ? resolve(stackDir, local.path ?? 'terraform.tfstate') : undefined };
}
