import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startMotoServer, type RunningService } from '@async-jobs/local-services';
import { prepareTerraformEnvironment } from './prepare-terraform-environment';
import { runCommand, runCommandExitCode } from './run-command';
import { synthesizeRehearsalStack } from './synthesize-rehearsal-stack';
import { verifyRehearsalStack } from './verify-rehearsal-stack';

/**
 * The rehearsal: synth the `jobs-rehearsal` stack against moto_server, then terraform init
 * (offline from a provider mirror when there is one), validate, apply, check the result with the
 * AWS SDK, require an empty re-plan, and destroy. Leaves no state and no process behind.
 */
async function main(): Promise<void> {
  const started = Date.now();
  const work = mkdtempSync(join(tmpdir(), 'async-jobs-rehearsal-'));
  let moto: RunningService | undefined;
  let stackDir: string | undefined;
  let applied = false;
  const step = (name: string) => console.log(`rehearsal: ${name} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  const { env, providerSource } = prepareTerraformEnvironment(work);
  try {
    step(providerSource);

    moto = await startMotoServer();
    step(`moto_server on ${moto.endpoint}`);

    const synthesized = await synthesizeRehearsalStack({
      checkoutDir: process.cwd(),
      outdir: join(work, 'cdktf.out'),
      awsEndpoint: moto.endpoint,
      env,
    });
    stackDir = synthesized.stackDir;
    const expected = synthesized.resourceAddresses;
    step(`synthesized jobs-rehearsal: ${expected.length} resources`);

    const terraform = (...args: string[]) => runCommand('terraform', [...args, '-no-color'], { cwd: stackDir, env });
    await terraform('init', '-input=false');
    await terraform('validate');
    step('init and validate');
    applied = true;
    await terraform('apply', '-auto-approve', '-input=false');
    const state = (await runCommand('terraform', ['state', 'list'], { cwd: stackDir, env }))
      .split('\n')
      .filter((line) => line && !line.startsWith('data.'));
    const missing = expected.filter((address) => !state.includes(address));
    if (missing.length) throw new Error(`not applied: ${missing.join(', ')}`);
    step(`applied ${state.length}/${expected.length} resources`);

    const outputs = JSON.parse(await runCommand('terraform', ['output', '-json'], { cwd: stackDir, env })) as Record<
      string,
      { value: string }
    >;
    const checks = await verifyRehearsalStack(moto.endpoint, outputs);
    for (const check of checks) console.log(`rehearsal: ✓ ${check}`);
    step(`${checks.length} checks against the applied stack`);

    const planCode = await runCommandExitCode('terraform', ['plan', '-detailed-exitcode', '-input=false', '-no-color'], {
      cwd: stackDir,
      env,
    });
    if (planCode !== 0) throw new Error(`the re-plan is not empty (terraform plan exit code ${planCode}): the stack does not converge`);
    step('re-plan shows no changes');
  } finally {
    if (applied && stackDir) {
      await runCommand('terraform', ['destroy', '-auto-approve', '-input=false', '-no-color'], {
        cwd: stackDir,
        env,
      }).then(
        () => step('destroyed'),
        (error: Error) => console.error(`rehearsal: destroy failed: ${error.message}`),
      );
    }
    await moto?.stop();
    rmSync(work, { recursive: true, force: true });
  }
  console.log(`rehearsal: passed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

main().catch((error: Error) => {
  console.error(`rehearsal: FAILED: ${error.message}`);
  process.exit(1);
});
