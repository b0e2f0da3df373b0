import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startMotoServer, type RunningService } from '@async-jobs/local-services';
import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { runCommand, runCommandExitCode } from './run-command';
import { prepareTerraformEnvironment } from './prepare-terraform-environment';
import { verifyBootstrapStack } from './verify-bootstrap-stack';

/**
 * The bootstrap rehearsal, on moto, as docs/deploy.md tells an operator to do it: synth the account's
 * bootstrap stack for its first run (local state), apply it, check it with the AWS SDK, synth it again
 * with its state in the bucket it made and `terraform init -migrate-state`, then prove what the
 * bucket now guards: a plan takes S3's lock file (and is refused while someone else holds it), shows
 * no changes, and `terraform destroy` is refused by `prevent_destroy`. moto is thrown away after.
 */
const ACCOUNT = '123456789012'; // moto's account
const STATE_REGION = 'us-east-1';

async function main(): Promise<void> {
  const started = Date.now();
  const step = (name: string) => console.log(`bootstrap rehearsal: ${name} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  const work = mkdtempSync(join(tmpdir(), 'async-jobs-bootstrap-'));
  let moto: RunningService | undefined;
  try {
    const terraformEnv = prepareTerraformEnvironment(work);
    moto = await startMotoServer();
    step(`moto_server on ${moto.endpoint}; ${terraformEnv.providerSource}`);
    const credentials = { AWS_ACCESS_KEY_ID: 'rehearsal', AWS_SECRET_ACCESS_KEY: 'rehearsal', AWS_REGION: STATE_REGION };
    const env = { ...terraformEnv.env, ...credentials };

    const targetsFile = join(work, 'deploy-targets.json');
    writeFileSync(
      targetsFile,
      JSON.stringify({
        repository: 'example-org/async-jobs',
        stateRegion: STATE_REGION,
        environments: {
          dev: { accountId: ACCOUNT, lambdaConcurrencyQuota: 1000 },
          staging: { accountId: ACCOUNT, lambdaConcurrencyQuota: 1000 },
        },
      }),
    );
    const outdir = join(work, 'cdktf.out');
    const synth = (firstRun: boolean) =>
      runCommand('node', ['tools/scripts/run-typescript.mjs', 'infra/src/main.ts'], {
        env: {
          ...env,
          CDKTF_OUTDIR: outdir,
          // dev too: a deployed environment's stack, synthesized as the deploy workflow does.
          ASYNC_JOBS_ENVIRONMENTS: 'bootstrap,dev',
          ASYNC_JOBS_DEPLOY_TARGETS: targetsFile,
          ASYNC_JOBS_BOOTSTRAP_FIRST_RUN: firstRun ? '1' : '',
          REHEARSAL_AWS_ENDPOINT: moto?.endpoint,
        },
      });
    const stackDir = join(outdir, 'stacks', `jobs-bootstrap-${ACCOUNT}`);
    const terraform = (...args: string[]) => runCommand('terraform', [...args, '-no-color'], { cwd: stackDir, env });

    await synth(true);
    await terraform('init', '-input=false');
    await terraform('validate');
    await terraform('apply', '-auto-approve', '-input=false');
    step('first run applied with local state');

    // dev's stack keeps its state in the bucket the bootstrap made, and is plain Terraform that terraform accepts.
    const devDir = join(outdir, 'stacks', 'jobs-dev');
    const devBackend = (
      JSON.parse(readFileSync(join(devDir, 'cdk.tf.json'), 'utf8')) as {
        terraform: { backend: Record<string, { bucket?: string; use_lockfile?: boolean }> };
      }
    ).terraform.backend;
    const made = JSON.parse(
      await runCommand('terraform', ['output', '-no-color', '-json', 'state_bucket'], { cwd: stackDir, env }),
    ) as string;
    if (devBackend['s3']?.bucket !== made)
      throw new Error(`jobs-dev keeps its state in ${JSON.stringify(devBackend)}, not the bootstrap's ${made}`);
    await runCommand('terraform', ['init', '-backend=false', '-input=false', '-no-color'], { cwd: devDir, env });
    await runCommand('terraform', ['validate', '-no-color'], { cwd: devDir, env });
    console.log(`bootstrap rehearsal: ✓ jobs-dev keeps its state in s3://${made}, locked by S3's lock file, and terraform validates it`);
    const checks = await verifyBootstrapStack(moto.endpoint, {
      account: ACCOUNT,
      stateRegion: STATE_REGION,
      environments: ['dev', 'staging'],
    });
    for (const check of checks) console.log(`bootstrap rehearsal: ✓ ${check}`);

    // The same stack, its backend now the bucket it made: the operator's second synth and -migrate-state.
    await synth(false);
    const onMoto = [
      `endpoints={s3="${moto.endpoint}",sts="${moto.endpoint}"}`,
      'use_path_style=true',
      'skip_credentials_validation=true',
      'skip_requesting_account_id=true',
      'skip_metadata_api_check=true',
    ].map((setting) => `-backend-config=${setting}`);
    await terraform('init', '-input=false', '-migrate-state', '-force-copy', ...onMoto);
    const bucket = `async-jobs-tfstate-${ACCOUNT}-${STATE_REGION}`;
    const s3 = new S3Client({
      endpoint: moto.endpoint,
      region: STATE_REGION,
      forcePathStyle: true,
      credentials: { accessKeyId: 'rehearsal', secretAccessKey: 'rehearsal' },
    });
    const { Body } = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'bootstrap.tfstate' }));
    const state = JSON.parse((await Body?.transformToString()) ?? '{}') as { resources?: unknown[] };
    if (!state.resources?.length) throw new Error('the migrated state in the bucket holds no resources');
    console.log(`bootstrap rehearsal: ✓ the state moved into s3://${bucket}/bootstrap.tfstate (${state.resources.length} resources)`);

    const planCode = await runCommandExitCode('terraform', ['plan', '-detailed-exitcode', '-input=false', '-no-color'], {
      cwd: stackDir,
      env,
    });
    if (planCode !== 0) throw new Error(`the plan from the bucket's state is not empty (exit code ${planCode})`);
    console.log('bootstrap rehearsal: ✓ a plan from the bucket, under its lock file, shows no changes');

    // Someone else's apply holds the lock: ours must wait, and with no patience, fail.
    await s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: 'bootstrap.tfstate.tflock',
        Body: JSON.stringify({ ID: 'rehearsal', Who: 'another apply' }),
      }),
    );
    const locked = await runCommand('terraform', ['plan', '-input=false', '-no-color', '-lock-timeout=0s'], { cwd: stackDir, env }).then(
      () => undefined,
      (error: Error) => error.message,
    );
    if (!locked || !/Error acquiring the state lock/.test(locked))
      throw new Error(`a plan ran while another held the lock file: ${locked ?? 'it succeeded'}`);
    await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'bootstrap.tfstate.tflock' }));
    console.log('bootstrap rehearsal: ✓ a plan is refused while the lock file is held');

    const destroyed = await runCommand('terraform', ['destroy', '-auto-approve', '-input=false', '-no-color'], { cwd: stackDir, env }).then(
      () => undefined,
      (error: Error) => error.message,
    );
    if (!destroyed || !/Instance cannot be destroyed/.test(destroyed))
      throw new Error(`the state bucket could be destroyed: ${destroyed ?? 'destroy succeeded'}`);
    console.log('bootstrap rehearsal: ✓ terraform destroy is refused: the state bucket is prevent_destroy');
    step('passed');
  } finally {
    await moto?.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((error: Error) => {
  console.error(`bootstrap rehearsal: FAILED: ${error.message}`);
  process.exit(1);
});
