import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startMotoServer, type RunningService } from '@async-jobs/local-services';
import { verifyRehearsalStack } from './verify-rehearsal-stack';

/**
 * The rehearsal: synth the `jobs-rehearsal` stack against moto_server, then terraform init
 * (offline from a provider mirror when there is one), validate, apply, check the result with the
 * AWS SDK, require an empty re-plan, and destroy. Leaves no state and no process behind.
 */
const PROVIDER = 'registry.terraform.io/hashicorp/aws/5.100.0';
const MIRROR_CANDIDATES = [
  '/opt/tf-plugins',
  '/usr/share/terraform/plugins',
  '/usr/local/share/terraform/plugins',
  join(homedir(), '.terraform.d/plugins'),
  join(homedir(), '.local/share/terraform/plugins'),
];

async function main(): Promise<void> {
  const started = Date.now();
  const work = mkdtempSync(join(tmpdir(), 'async-jobs-rehearsal-'));
  let moto: RunningService | undefined;
  let stackDir: string | undefined;
  let applied = false;
  const step = (name: string) => console.log(`rehearsal: ${name} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  try {
    const env: NodeJS.ProcessEnv = { ...process.env, CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1', TF_INPUT: '0' };
    const mirror = findProviderMirror();
    const cliConfig = join(work, 'terraform.rc');
    writeFileSync(cliConfig, mirror ? mirrorCliConfig(mirror) : '');
    env['TF_CLI_CONFIG_FILE'] = cliConfig;
    step(
      mirror
        ? `provider ${PROVIDER} from the filesystem mirror ${mirror}`
        : `no provider mirror found: terraform init downloads ${PROVIDER}`,
    );

    moto = await startMotoServer();
    step(`moto_server on ${moto.endpoint}`);

    const outdir = join(work, 'cdktf.out');
    await run('node', ['tools/scripts/run-typescript.mjs', 'infra/src/main.ts'], {
      env: { ...env, CDKTF_OUTDIR: outdir, REHEARSAL_AWS_ENDPOINT: moto.endpoint },
    });
    stackDir = join(outdir, 'stacks', 'jobs-rehearsal');
    const synthesized = JSON.parse(readFileSync(join(stackDir, 'cdk.tf.json'), 'utf8')) as {
      resource: Record<string, Record<string, unknown>>;
    };
    const expected = Object.entries(synthesized.resource).flatMap(([type, byName]) => Object.keys(byName).map((name) => `${type}.${name}`));
    step(`synthesized jobs-rehearsal: ${expected.length} resources`);

    const terraform = (...args: string[]) => run('terraform', [...args, '-no-color'], { cwd: stackDir, env });
    await terraform('init', '-input=false');
    await terraform('validate');
    step('init and validate');
    applied = true;
    await terraform('apply', '-auto-approve', '-input=false');
    const state = (await run('terraform', ['state', 'list'], { cwd: stackDir, env, quiet: true }))
      .split('\n')
      .filter((line) => line && !line.startsWith('data.'));
    const missing = expected.filter((address) => !state.includes(address));
    if (missing.length) throw new Error(`not applied: ${missing.join(', ')}`);
    step(`applied ${state.length}/${expected.length} resources`);

    const outputs = JSON.parse(await run('terraform', ['output', '-json'], { cwd: stackDir, env, quiet: true })) as Record<
      string,
      { value: string }
    >;
    const checks = await verifyRehearsalStack(moto.endpoint, outputs);
    for (const check of checks) console.log(`rehearsal: ✓ ${check}`);
    step(`${checks.length} checks against the applied stack`);

    const planCode = await runExitCode('terraform', ['plan', '-detailed-exitcode', '-input=false', '-no-color'], { cwd: stackDir, env });
    if (planCode !== 0) throw new Error(`the re-plan is not empty (terraform plan exit code ${planCode}): the stack does not converge`);
    step('re-plan shows no changes');
  } finally {
    if (applied && stackDir) {
      await run('terraform', ['destroy', '-auto-approve', '-input=false', '-no-color'], {
        cwd: stackDir,
        env: { ...process.env, CHECKPOINT_DISABLE: '1', TF_CLI_CONFIG_FILE: join(work, 'terraform.rc') },
        quiet: true,
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

function run(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; quiet?: boolean } = {}): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code === 0) return resolvePromise(out);
      reject(new Error(`${command} ${args.join(' ')} exited with ${code}\n${out.slice(-6000)}\n${err.slice(-6000)}`));
    });
  });
}

function runExitCode(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv }): Promise<number | null> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) console.error(out.slice(-8000));
      resolvePromise(code);
    });
  });
}

main().catch((error: Error) => {
  console.error(`rehearsal: FAILED: ${error.message}`);
  process.exit(1);
});
