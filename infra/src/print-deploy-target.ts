import { deployTarget, deployTargetsPath, readDeployTargets } from './deploy-targets';

/**
 * `node tools/scripts/run-typescript.mjs infra/src/print-deploy-target.ts <env>`: one environment's
 * target as one JSON line, for the deploy workflow (which role to assume, where). Exits 1 naming the
 * setting when the environment is not configured.
 */
try {
  const environment = process.argv[2] ?? '';
  const target = deployTarget(readDeployTargets(deployTargetsPath()), environment);
  const role = (name: string) => `arn:aws:iam::${target.accountId}:role/${name}`;
  console.log(
    JSON.stringify({
      environment: target.environment,
      accountId: target.accountId,
      region: target.region,
      stateBucket: target.state.bucket,
      stateKey: target.state.key,
      stateRegion: target.state.region,
      deployRoleArn: role(target.deployRoleName),
      // null for prod, which pull requests do not plan.
      planRoleArn: target.planRoleName ? role(target.planRoleName) : null,
    }),
  );
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}
