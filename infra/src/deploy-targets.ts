import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { deploymentSettings, resourceName, SERVICE_NAME, type DeploymentSettings, type Environment } from '@async-jobs/platform';

/** The environments that live in an AWS account; local and the rehearsal never touch one. */
export const DEPLOYED_ENVIRONMENTS = ['dev', 'staging', 'prod'] as const;
export type DeployedEnvironment = (typeof DEPLOYED_ENVIRONMENTS)[number];

/**
 * The environments a pull request may plan. Not prod: its plan role could be assumed by any pull request of the
 * repository and would read prod's state, which holds the webhook secret's first value; prod is planned on main,
 * behind its approval, by the job that applies it.
 */
export const PLANNED_ON_PULL_REQUESTS: readonly DeployedEnvironment[] = ['dev', 'staging'];

/** Where the file lives, for messages that name the setting to fix. */
export const DEPLOY_TARGETS_FILE = 'infra/deploy-targets.json';

/** `infra/deploy-targets.json`, as an operator writes it. */
export interface DeployTargetsFile {
  /** `owner/name` on GitHub: the only repository whose workflows may assume the deploy roles. */
  repository: string | null;
  /** The region of every account's state bucket (the bootstrap stack's region). */
  stateRegion: string;
  environments: Partial<Record<DeployedEnvironment, { accountId: string | null; lambdaConcurrencyQuota: number | null }>>;
}

/** Where one environment deploys: checked, with every derived name. */
export interface DeployTarget {
  environment: DeployedEnvironment;
  accountId: string;
  /** From the environment's deployment settings: one place names it. */
  region: string;
  /** The account's Lambda concurrent executions quota in that region, as Service Quotas shows it. */
  lambdaConcurrencyQuota: number;
  repository: string;
  state: { bucket: string; key: string; region: string };
  deployRoleName: string;
  /** Undefined for prod: see PLANNED_ON_PULL_REQUESTS. */
  planRoleName?: string;
}

/** Lambda keeps this much of an account's concurrency unreserved: reservations may not eat into it. */
export const UNRESERVED_CONCURRENCY_FLOOR = 100;

export function isDeployedEnvironment(environment: string): environment is DeployedEnvironment {
  return (DEPLOYED_ENVIRONMENTS as readonly string[]).includes(environment);
}

/** The state bucket the bootstrap stack makes in an account: S3 names are global, so the account and region complete it. */
export function stateBucketName(accountId: string, region: string): string {
  return `${SERVICE_NAME}-tfstate-${accountId}-${region}`;
}

/**
 * The file to read: `infra/deploy-targets.json` of the workspace (scripts run from its root), or the
 * one `ASYNC_JOBS_DEPLOY_TARGETS` names (a fork's own, kept elsewhere).
 */
export function deployTargetsPath(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env['ASYNC_JOBS_DEPLOY_TARGETS'] || DEPLOY_TARGETS_FILE);
}

export function readDeployTargets(path: string): DeployTargetsFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new Error(`${DEPLOY_TARGETS_FILE} is missing (looked at ${path}): it names each environment's AWS account`);
  }
  try {
    return JSON.parse(text) as DeployTargetsFile;
  } catch (error) {
    throw new Error(`${DEPLOY_TARGETS_FILE} is not valid JSON: ${(error as Error).message}`);
  }
}

/**
 * One environment's target, or an error naming the setting to fix. Nothing is synthesized, so
 * nothing is touched, until every setting is there and well formed.
 */
export function deployTarget(file: DeployTargetsFile, environment: string): DeployTarget {
  if (!isDeployedEnvironment(environment)) {
    throw new Error(
      `Unknown deployed environment "${environment}"; known: ${DEPLOYED_ENVIRONMENTS.join(', ')} (local and rehearsal deploy nowhere)`,
    );
  }
  const setting = (name: string) => `${DEPLOY_TARGETS_FILE}: environments.${environment}.${name}`;
  const entry = file.environments?.[environment];
  const accountId = entry?.accountId;
  if (accountId === undefined || accountId === null || accountId === '') {
    throw new Error(`${setting('accountId')} is not set: the 12-digit AWS account ${environment} deploys to`);
  }
  if (!/^\d{12}$/.test(accountId)) throw new Error(`${setting('accountId')} must be a 12-digit AWS account id, got "${accountId}"`);
  const quota = entry?.lambdaConcurrencyQuota;
  if (typeof quota !== 'number' || !Number.isInteger(quota) || quota < UNRESERVED_CONCURRENCY_FLOOR) {
    throw new Error(
      `${setting('lambdaConcurrencyQuota')} must be the account's Lambda concurrent executions quota in its region (a whole number ≥ ${UNRESERVED_CONCURRENCY_FLOOR}; Service Quotas → AWS Lambda → Concurrent executions), got ${JSON.stringify(quota)}`,
    );
  }
  if (!file.repository || !/^[\w.-]+\/[\w.-]+$/.test(file.repository)) {
    throw new Error(
      `${DEPLOY_TARGETS_FILE}: repository must be the GitHub repository allowed to deploy, as owner/name, got ${JSON.stringify(file.repository)}`,
    );
  }
  if (!file.stateRegion || !/^[a-z]{2}(-[a-z]+)+-\d$/.test(file.stateRegion)) {
    throw new Error(
      `${DEPLOY_TARGETS_FILE}: stateRegion must name the region of the state buckets, got ${JSON.stringify(file.stateRegion)}`,
    );
  }
  const { region } = deploymentSettings(environment);
  return {
    environment,
    accountId,
    region,
    lambdaConcurrencyQuota: quota,
    repository: file.repository,
    state: { bucket: stateBucketName(accountId, file.stateRegion), key: `jobs-${environment}.tfstate`, region: file.stateRegion },
    deployRoleName: resourceName(environment, 'deploy'),
    ...(PLANNED_ON_PULL_REQUESTS.includes(environment) ? { planRoleName: resourceName(environment, 'plan') } : {}),
  };
}

/** Every function's reserved concurrency in one environment's settings. */
export function reservedConcurrency(settings: DeploymentSettings): number {
  const functions = Object.values(settings.functions).map((f) => f.reservedConcurrency ?? 0);
  return functions.reduce((sum, n) => sum + n, 0) + settings.runner.reservedConcurrency;
}

/**
 * The reservations of all environments sharing an account and region must leave Lambda its
 * unreserved floor, or the deploy fails half way (PutFunctionConcurrency refuses). Checked at synth.
 */
export function checkReservedConcurrency(
  targets: DeployTarget[],
  settingsOf: (environment: Environment) => DeploymentSettings = deploymentSettings,
): void {
  const byPlace = new Map<string, DeployTarget[]>();
  for (const target of targets) {
    const place = `${target.accountId}/${target.region}`;
    byPlace.set(place, [...(byPlace.get(place) ?? []), target]);
  }
  for (const [place, sharing] of byPlace) {
    const reserved = sharing.map((t) => ({ environment: t.environment, reserved: reservedConcurrency(settingsOf(t.environment)) }));
    const total = reserved.reduce((sum, r) => sum + r.reserved, 0);
    const quota = Math.min(...sharing.map((t) => t.lambdaConcurrencyQuota));
    if (total > quota - UNRESERVED_CONCURRENCY_FLOOR) {
      throw new Error(
        `Reserved Lambda concurrency in ${place} is ${total} (${reserved.map((r) => `${r.environment} ${r.reserved}`).join(', ')}), ` +
          `more than the quota ${quota} (${DEPLOY_TARGETS_FILE}: lambdaConcurrencyQuota) leaves above Lambda's unreserved ${UNRESERVED_CONCURRENCY_FLOOR}: ` +
          'raise the quota (Service Quotas) and the setting, or lower runner.reservedConcurrency / functions.*.reservedConcurrency',
      );
    }
  }
}
