import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startMotoServer, type RunningService } from '@async-jobs/local-services';
import { buildCheckoutBundles } from './build-checkout-bundles';
import { checkOutRevision, type RevisionCheckout } from './check-out-revision';
import { inPlaceUpdatesMotoCannotApply } from './in-place-updates-moto-cannot-apply';
import { planChangeCounts } from './plan-change-counts';
import { prepareTerraformEnvironment } from './prepare-terraform-environment';
import { runCommand } from './run-command';
import { refuseStatefulResourceLosses } from './stateful-resource-losses';
import { synthesizeRehearsalStack, type SynthesizedRehearsalStack } from './synthesize-rehearsal-stack';
import type { TerraformPlan } from './terraform-plan';

/**
 * The upgrade rehearsal: apply the `jobs-rehearsal` stack of an earlier commit (REHEARSE_UPGRADE_FROM,
 * HEAD~1 by default) to moto_server, then plan this working tree's stack over its state and refuse
 * the upgrade if the plan would replace or destroy a stateful resource (`STATEFUL_RESOURCE_TYPES`).
 * Otherwise apply the plan, which must succeed too, and destroy. Leaves no worktree, state or
 * process behind.
 */
const PLAN_FILE = 'upgrade.tfplan';
const MOTO_PLAN_FILE = 'upgrade-on-moto.tfplan';

async function main(): Promise<void> {
  const started = Date.now();
  const from = process.env['REHEARSE_UPGRADE_FROM'] || 'HEAD~1';
  const repoDir = process.cwd();
  const work = mkdtempSync(join(tmpdir(), 'async-jobs-rehearse-upgrade-'));
  const step = (name: string) => console.log(`rehearse-upgrade: ${name} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  const { env, providerSource } = prepareTerraformEnvironment(work);
  const terraform = (stackDir: string, ...args: string[]) => runCommand('terraform', [...args, '-no-color'], { cwd: stackDir, env });
  let base: RevisionCheckout | undefined;
  let moto: RunningService | undefined;
  // The stack folder whose state holds what moto has; destroy runs there.
  let liveStackDir: string | undefined;
  try {
    step(providerSource);
    base = await checkOutRevision(from, join(work, 'base'), repoDir);
    step(`${from} is ${base.summary}, checked out in ${base.dir}`);
    const built = await buildCheckoutBundles(base.dir);
    step(`built its bundles: ${built.join(', ')}`);

    moto = await startMotoServer();
    step(`moto_server on ${moto.endpoint}`);
    const awsEndpoint = moto.endpoint;
    const synth = (checkoutDir: string, name: string) =>
      synthesizeRehearsalStack({ checkoutDir, outdir: join(work, name), awsEndpoint, env });
    const before = await synth(base.dir, 'base.out');
    const after = await synth(repoDir, 'current.out');
    step(`synthesized jobs-rehearsal: ${before.resourceAddresses.length} resources at ${from}, ${after.resourceAddresses.length} now`);

    await terraform(before.stackDir, 'init', '-input=false');
    liveStackDir = before.stackDir;
    await terraform(before.stackDir, 'apply', '-auto-approve', '-input=false');
    step(`applied the stack of ${from}`);

    const baseState = localStatePath(before, from);
    if (!existsSync(baseState)) throw new Error(`applying the stack of ${from} left no state at ${baseState}`);
    copyFileSync(baseState, localStatePath(after, 'this tree'));
    await terraform(after.stackDir, 'init', '-input=false');
    liveStackDir = after.stackDir;
    await terraform(after.stackDir, 'plan', '-input=false', `-out=${PLAN_FILE}`);
    const plan = JSON.parse(await runCommand('terraform', ['show', '-json', PLAN_FILE], { cwd: after.stackDir, env })) as TerraformPlan;
    const counts = planChangeCounts(plan);
    step(
      `the upgrade plans ${counts.create} to create, ${counts.update} to update in place, ${counts.replace} to replace, ` +
        `${counts.delete} to delete (${counts.unchanged} unchanged)`,
    );

    refuseStatefulResourceLosses(plan, base.summary);
    step('no stateful resource is replaced or destroyed');

    // Judged on the plan AWS would get; applied as moto can take it.
    const motoGaps = inPlaceUpdatesMotoCannotApply(plan);
    if (motoGaps.length) {
      step(
        `moto cannot update ${motoGaps.join(', ')} in place (AWS can): replacing ${motoGaps.length === 1 ? 'it' : 'them'} on moto instead`,
      );
      await terraform(
        after.stackDir,
        'plan',
        '-input=false',
        `-out=${MOTO_PLAN_FILE}`,
        ...motoGaps.map((address) => `-replace=${address}`),
      );
    }
    await terraform(after.stackDir, 'apply', '-auto-approve', '-input=false', motoGaps.length ? MOTO_PLAN_FILE : PLAN_FILE);
    step('applied the upgrade');
  } finally {
    if (liveStackDir) {
      await terraform(liveStackDir, 'destroy', '-auto-approve', '-input=false').then(
        () => step('destroyed'),
        (error: Error) => console.error(`rehearse-upgrade: destroy failed: ${error.message}`),
      );
    }
    await moto?.stop();
    await base?.remove().catch((error: Error) => console.error(`rehearse-upgrade: removing the worktree failed: ${error.message}`));
    rmSync(work, { recursive: true, force: true });
  }
  console.log(`rehearse-upgrade: passed from ${from} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

/** The state file of a stack's local backend; the upgrade carries the state from one to the other by copying it. */
function localStatePath(stack: SynthesizedRehearsalStack, revision: string): string {
  if (!stack.localStatePath) throw new Error(`the rehearsal stack of ${revision} does not keep its state in a local file`);
  return stack.localStatePath;
}

main().catch((error: Error) => {
  console.error(`rehearse-upgrade: FAILED: ${error.message}`);
  process.exit(1);
});
