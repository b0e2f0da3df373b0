import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Testing } from 'cdktf';
import { deploymentSettings, ENVIRONMENTS, type DeploymentSettings } from '@async-jobs/platform';
import {
  checkReservedConcurrency,
  deployTarget,
  isDeployedEnvironment,
  reservedConcurrency,
  type DeployTargetsFile,
} from './deploy-targets';
import { JobsStack } from './jobs-stack';
import { selectedStacks } from './selected-stacks';
import { STATEFUL_RESOURCE_TYPES } from './stateful-resources';

const aTargetsFile = (overrides: Partial<DeployTargetsFile> = {}): DeployTargetsFile => ({
  repository: 'example-org/async-jobs',
  stateRegion: 'eu-west-1',
  environments: {
    dev: { accountId: '111111111111', lambdaConcurrencyQuota: 1000 },
    staging: { accountId: '222222222222', lambdaConcurrencyQuota: 1000 },
    prod: { accountId: '333333333333', lambdaConcurrencyQuota: 1000 },
  },
  ...overrides,
});
const withEnvironment = (environment: 'dev' | 'staging' | 'prod', entry: unknown) =>
  aTargetsFile({ environments: { ...aTargetsFile().environments, [environment]: entry } as DeployTargetsFile['environments'] });

let bundlesDir: string;
beforeAll(() => {
  bundlesDir = mkdtempSync(join(tmpdir(), 'bundles-'));
  for (const app of ['jobs-api', 'stream-processor', 'error-handler', 'job-sweeper', 'job-runner', 'webhook-sender']) {
    mkdirSync(join(bundlesDir, app));
    writeFileSync(join(bundlesDir, app, 'main.js'), 'exports.handler = async () => ({});');
  }
});
afterAll(() => rmSync(bundlesDir, { recursive: true, force: true }));

type Json = Record<string, any>;
const synth = (environment: string, settings: DeploymentSettings = deploymentSettings(environment)): Json => {
  const stack = new JobsStack(Testing.app(), `jobs-${environment}`, {
    settings,
    bundlesDir,
    target: isDeployedEnvironment(environment) ? deployTarget(aTargetsFile(), environment) : undefined,
  });
  return JSON.parse(Testing.synth(stack)) as Json;
};

describe('deploy targets', () => {
  it("derives an environment's state, roles and region from its account", () => {
    expect(deployTarget(aTargetsFile(), 'staging')).toEqual({
      environment: 'staging',
      accountId: '222222222222',
      region: deploymentSettings('staging').region,
      lambdaConcurrencyQuota: 1000,
      repository: 'example-org/async-jobs',
      state: { bucket: 'async-jobs-tfstate-222222222222-eu-west-1', key: 'jobs-staging.tfstate', region: 'eu-west-1' },
      deployRoleName: 'async-jobs-staging-deploy',
      planRoleName: 'async-jobs-staging-plan',
    });
  });

  it.each([
    ['a missing account', { lambdaConcurrencyQuota: 1000 }, /infra\/deploy-targets.json: environments.prod.accountId is not set/],
    ['a null account', { accountId: null, lambdaConcurrencyQuota: 1000 }, /environments.prod.accountId is not set/],
    [
      'an account that is not 12 digits',
      { accountId: '12345', lambdaConcurrencyQuota: 1000 },
      /environments.prod.accountId must be a 12-digit/,
    ],
    ['no concurrency quota', { accountId: '333333333333' }, /environments.prod.lambdaConcurrencyQuota must be/],
    ['a quota below the unreserved floor', { accountId: '333333333333', lambdaConcurrencyQuota: 10 }, /lambdaConcurrencyQuota .*got 10/],
    ['no entry at all', undefined, /environments.prod.accountId is not set/],
  ])('refuses %s, naming the setting', (_, entry, message) => {
    expect(() => deployTarget(withEnvironment('prod', entry), 'prod')).toThrow(message);
  });

  it('refuses a file without the repository or the state region, and environments that deploy nowhere', () => {
    expect(() => deployTarget(aTargetsFile({ repository: null }), 'dev')).toThrow(/deploy-targets.json: repository must be/);
    expect(() => deployTarget(aTargetsFile({ repository: 'no-slash' }), 'dev')).toThrow(/repository must be/);
    expect(() => deployTarget(aTargetsFile({ stateRegion: '' }), 'dev')).toThrow(/stateRegion must name/);
    expect(() => deployTarget(aTargetsFile(), 'local')).toThrow(/Unknown deployed environment "local"/);
    expect(() => deployTarget(aTargetsFile(), 'qa')).toThrow(/Unknown deployed environment "qa"; known: dev, staging, prod/);
  });

  it('selects the stacks ASYNC_JOBS_ENVIRONMENTS asks for, all when unset, and names the variable for an unknown one', () => {
    expect(selectedStacks(undefined)).toEqual({ environments: [...ENVIRONMENTS], bootstrap: true });
    expect(selectedStacks('dev, rehearsal,dev')).toEqual({ environments: ['dev', 'rehearsal'], bootstrap: false });
    expect(selectedStacks('bootstrap')).toEqual({ environments: [], bootstrap: true });
    expect(() => selectedStacks('dev,qa')).toThrow(/ASYNC_JOBS_ENVIRONMENTS names an unknown stack "qa"/);
  });
});

describe("reserved concurrency, checked against the account's quota", () => {
  const sameAccount = aTargetsFile({
    environments: {
      dev: { accountId: '111111111111', lambdaConcurrencyQuota: 1000 },
      staging: { accountId: '111111111111', lambdaConcurrencyQuota: 1000 },
      prod: { accountId: '111111111111', lambdaConcurrencyQuota: 1000 },
    },
  });
  const all = (file: DeployTargetsFile) => (['dev', 'staging', 'prod'] as const).map((e) => deployTarget(file, e));

  it("adds up every function's reservation and the runner's", () => {
    expect(reservedConcurrency(deploymentSettings('prod'))).toBe(110);
    expect(reservedConcurrency(deploymentSettings('dev'))).toBe(10);
  });

  it('passes the shipped settings on an account at the standard quota', () => {
    expect(() => checkReservedConcurrency(all(sameAccount))).not.toThrow();
  });

  it('refuses reservations that leave Lambda less than its unreserved 100, summing environments that share an account and region', () => {
    const atDefaultOfNewAccounts = aTargetsFile({
      environments: Object.fromEntries(
        Object.entries(sameAccount.environments).map(([env, entry]) => [env, { ...entry, lambdaConcurrencyQuota: 200 }]),
      ),
    });
    expect(() => checkReservedConcurrency(all(atDefaultOfNewAccounts))).toThrow(
      /Reserved Lambda concurrency in 111111111111\/eu-west-1 is 130 \(dev 10, staging 10, prod 110\), more than the quota 200 .*lambdaConcurrencyQuota/,
    );
    // Apart, each account's own reservations fit in 200.
    const apart = aTargetsFile({
      environments: Object.fromEntries(
        Object.entries(aTargetsFile().environments).map(([env, entry]) => [env, { ...entry, lambdaConcurrencyQuota: 210 }]),
      ),
    });
    expect(() => checkReservedConcurrency(all(apart))).not.toThrow();
  });
});

describe('a deployed stack', () => {
  it('refuses to synthesize without its target, naming the setting, and refuses a target where none belongs', () => {
    expect(() => new JobsStack(Testing.app(), 'jobs-prod', { settings: deploymentSettings('prod'), bundlesDir })).toThrow(
      'jobs-prod has no deploy target: set infra/deploy-targets.json: environments.prod',
    );
    expect(
      () =>
        new JobsStack(Testing.app(), 'jobs-prod', {
          settings: deploymentSettings('prod'),
          bundlesDir,
          target: deployTarget(aTargetsFile(), 'dev'),
        }),
    ).toThrow(/given the deploy target of dev/);
    expect(
      () =>
        new JobsStack(Testing.app(), 'jobs-local', {
          settings: deploymentSettings('local'),
          bundlesDir,
          target: deployTarget(aTargetsFile(), 'dev'),
        }),
    ).toThrow(/deploys nowhere/);
  });

  it("keeps its state in the account's bucket, encrypted and locked by S3's lock file, and refuses other accounts", () => {
    const json = synth('prod');
    expect(json['terraform'].backend).toEqual({
      s3: {
        bucket: 'async-jobs-tfstate-333333333333-eu-west-1',
        key: 'jobs-prod.tfstate',
        region: 'eu-west-1',
        encrypt: true,
        use_lockfile: true,
      },
    });
    expect(json['provider'].aws[0].allowed_account_ids).toEqual(['333333333333']);
  });

  it('keeps local state for local and the rehearsal, which allow any account', () => {
    for (const environment of ['local', 'rehearsal']) {
      const json = synth(environment);
      expect(json['terraform'].backend?.s3).toBeUndefined();
      expect(json['provider'].aws[0].allowed_account_ids).toBeUndefined();
    }
  });

  it("leaves API Gateway's account-wide logging role to the bootstrap stack", () => {
    for (const environment of ENVIRONMENTS) expect(synth(environment)['resource'].aws_api_gateway_account).toBeUndefined();
  });

  it.each(['staging', 'prod'])('%s: prevents destroying or replacing every stateful resource', (environment) => {
    const resources = synth(environment)['resource'] as Json;
    const stateful = STATEFUL_RESOURCE_TYPES.flatMap((type) =>
      Object.entries((resources[type] ?? {}) as Record<string, Json>).map(([name, r]) => [`${type}.${name}`, r] as const),
    );
    expect(stateful.length).toBeGreaterThanOrEqual(8);
    for (const [address, resource] of stateful) expect([address, resource.lifecycle?.prevent_destroy]).toEqual([address, true]);
    expect((Object.values(resources['aws_dynamodb_table'] as Json)[0] as Json).deletion_protection_enabled).toBe(true);
    // Other lifecycle rules survive: the secret keeps ignoring the rotations no deploy should undo.
    const secret = Object.values(resources['aws_secretsmanager_secret_version'] ?? {})[0] as Json;
    expect(secret.lifecycle.ignore_changes).toBeDefined();
  });

  it('dev and the rehearsal can be destroyed', () => {
    for (const environment of ['dev', 'rehearsal']) {
      const resources = synth(environment)['resource'] as Json;
      const guarded = Object.values(resources)
        .flatMap((byName) => Object.values(byName as Json))
        .filter((r) => r.lifecycle?.prevent_destroy);
      expect(guarded).toEqual([]);
    }
  });
});

describe("the API deployment's fingerprint", () => {
  const fingerprintOf = (change: (stack: JobsStack) => void = () => undefined) => {
    const stack = new JobsStack(Testing.app(), 'jobs-dev', {
      settings: deploymentSettings('dev'),
      bundlesDir,
      target: deployTarget(aTargetsFile(), 'dev'),
    });
    change(stack);
    const json = JSON.parse(Testing.synth(stack)) as Json;
    return (Object.values(json['resource'].aws_api_gateway_deployment)[0] as Json).triggers.redeployment as string;
  };

  it('is stable from one synth to the next', () => {
    expect(fingerprintOf()).toBe(fingerprintOf());
  });

  it.each<[string, (stack: JobsStack) => void]>([
    ["a method's authorization", (s) => (s.restApi.methods[1].authorization = 'NONE')],
    ["a method's request parameters", (s) => (s.restApi.methods[1].requestParameters = { 'method.request.querystring.page': false })],
    ["an integration's type", (s) => (s.restApi.integrations[0].type = 'AWS')],
    ["an integration's timeout", (s) => (s.restApi.integrations[0].timeoutMilliseconds = 5000)],
    ["the validator's checks", (s) => (s.restApi.validator.validateRequestParameters = false)],
    ['the request model', (s) => (s.restApi.model.schema = JSON.stringify({ type: 'object' }))],
  ])('changes with %s, which no hand-kept route list would see', (_, change) => {
    expect(fingerprintOf(change)).not.toBe(fingerprintOf());
  });
});

describe('synth (infra/src/main.ts), given bad settings', () => {
  const root = resolve(__dirname, '../..');
  const runSynth = (environments: string) => {
    const outdir = mkdtempSync(join(tmpdir(), 'synth-'));
    const result = spawnSync('node', ['tools/scripts/run-typescript.mjs', 'infra/src/main.ts'], {
      cwd: root,
      env: { ...process.env, ASYNC_JOBS_ENVIRONMENTS: environments, CDKTF_OUTDIR: outdir },
      encoding: 'utf8',
    });
    const written = existsSync(outdir) ? readdirSync(outdir) : [];
    rmSync(outdir, { recursive: true, force: true });
    return { status: result.status, stderr: result.stderr, written };
  };

  it('stops before writing anything when an environment has no account, naming the setting', () => {
    // The committed file names no account: a fresh clone cannot deploy anywhere by accident.
    const { status, stderr, written } = runSynth('prod');
    expect(status).toBe(1);
    expect(stderr).toContain('synth stopped: infra/deploy-targets.json: environments.prod.accountId is not set');
    expect(written).toEqual([]);
  });

  it('stops on an unknown environment, naming the variable', () => {
    const { status, stderr } = runSynth('qa');
    expect(status).toBe(1);
    expect(stderr).toContain('synth stopped: ASYNC_JOBS_ENVIRONMENTS names an unknown stack "qa"');
  });
});
