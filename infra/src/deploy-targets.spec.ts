import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Testing } from 'cdktf';
import { ApiGatewayGatewayResponse } from '@cdktf/provider-aws/lib/api-gateway-gateway-response';
import { ApiGatewayResource } from '@cdktf/provider-aws/lib/api-gateway-resource';
import { deploymentSettings, ENVIRONMENTS, type DeploymentSettings } from '@async-jobs/platform';
import {
  checkReservedConcurrency,
  deployTarget,
  isDeployedEnvironment,
  readDeployTargets,
  reservedConcurrency,
  type DeployTargetsFile,
} from './deploy-targets';
import { JobsStack } from './jobs-stack';
import { selectedStacks } from './selected-stacks';
import { STATEFUL_RESOURCE_TYPES } from './stateful-resources';
import { bundleStandIns } from './testing/bundle-stand-ins';
import { aTargetsFile } from './testing/deploy-targets-file';

const withEnvironment = (environment: 'dev' | 'staging' | 'prod', entry: unknown) =>
  aTargetsFile({ environments: { ...aTargetsFile().environments, [environment]: entry } as DeployTargetsFile['environments'] });

let bundlesDir: string;
beforeAll(() => {
  bundlesDir = bundleStandIns();
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
    ['an account of 13 digits', { accountId: '1234567890123', lambdaConcurrencyQuota: 1000 }, /accountId must be a 12-digit/],
    ['a quota just below the floor', { accountId: '333333333333', lambdaConcurrencyQuota: 99 }, /lambdaConcurrencyQuota .*got 99/],
    ['a fractional quota', { accountId: '333333333333', lambdaConcurrencyQuota: 1000.5 }, /lambdaConcurrencyQuota .*got 1000.5/],
  ])('refuses %s, naming the setting', (_, entry, message) => {
    expect(() => deployTarget(withEnvironment('prod', entry), 'prod')).toThrow(message);
  });

  it('refuses a file without the repository or the state region, and environments that deploy nowhere', () => {
    expect(() => deployTarget(aTargetsFile({ repository: null }), 'dev')).toThrow(/deploy-targets.json: repository must be/);
    expect(() => deployTarget(aTargetsFile({ repository: 'no-slash' }), 'dev')).toThrow(/repository must be/);
    expect(() => deployTarget(aTargetsFile({ repository: 'org/repo/extra' }), 'dev')).toThrow(/repository must be/);
    expect(() => deployTarget(aTargetsFile({ stateRegion: '' }), 'dev')).toThrow(/stateRegion must name/);
    expect(() => deployTarget(aTargetsFile({ stateRegion: 'eu-west' }), 'dev')).toThrow(/stateRegion must name/);
    // The floor itself is a quota Lambda allows.
    expect(
      deployTarget(withEnvironment('dev', { accountId: '111111111111', lambdaConcurrencyQuota: 100 }), 'dev').lambdaConcurrencyQuota,
    ).toBe(100);
    expect(() => deployTarget(aTargetsFile(), 'local')).toThrow(/Unknown deployed environment "local"/);
    expect(() => deployTarget(aTargetsFile(), 'qa')).toThrow(/Unknown deployed environment "qa"; known: dev, staging, prod/);
  });

  it('reads the file, and says so when it is missing or not JSON', () => {
    const dir = mkdtempSync(join(tmpdir(), 'targets-'));
    writeFileSync(join(dir, 'broken.json'), '{');
    try {
      expect(() => readDeployTargets(join(dir, 'none.json'))).toThrow(/infra\/deploy-targets.json is missing \(looked at .*none.json\)/);
      expect(() => readDeployTargets(join(dir, 'broken.json'))).toThrow(/infra\/deploy-targets.json is not valid JSON/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
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

  it('takes the lowest quota that environments sharing an account declare', () => {
    const disagreeing = aTargetsFile({
      environments: {
        dev: { accountId: '111111111111', lambdaConcurrencyQuota: 1000 },
        prod: { accountId: '111111111111', lambdaConcurrencyQuota: 200 },
      },
    });
    expect(() => checkReservedConcurrency([deployTarget(disagreeing, 'dev'), deployTarget(disagreeing, 'prod')])).toThrow(
      /more than the quota 200/,
    );
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

  it('counts as stateful the table, keys, buckets, log groups, archive, secret and queues', () => {
    expect([...STATEFUL_RESOURCE_TYPES].sort()).toEqual([
      'aws_cloudwatch_event_archive',
      'aws_cloudwatch_log_group',
      'aws_dynamodb_table',
      'aws_kms_key',
      'aws_s3_bucket',
      'aws_secretsmanager_secret',
      'aws_sqs_queue',
    ]);
  });

  it.each(['staging', 'prod'])('%s: prevents destroying or replacing every stateful resource, and only those', (environment) => {
    const resources = synth(environment)['resource'] as Json;
    const kinds = (guarded: boolean) =>
      Object.entries(resources)
        .filter(([, byName]) => Object.values(byName as Json).some((r: Json) => Boolean(r.lifecycle?.prevent_destroy) === guarded))
        .map(([type]) => type)
        .sort();
    expect(kinds(true)).toEqual([...STATEFUL_RESOURCE_TYPES].sort());
    expect(kinds(false).filter((type) => STATEFUL_RESOURCE_TYPES.includes(type))).toEqual([]);
    expect((Object.values(resources['aws_dynamodb_table'] as Json)[0] as Json).deletion_protection_enabled).toBe(true);
  });

  it("keeps a stateful resource's other lifecycle rules when it protects it", () => {
    // The rehearsal's queues ignore the redrive policy moto re-formats: protected, they must still ignore it.
    const settings = { ...deploymentSettings('rehearsal'), deletionProtection: true };
    const stack = new JobsStack(Testing.app(), 'jobs-rehearsal', { settings, bundlesDir, awsEndpoint: 'http://127.0.0.1:5000' });
    const queues = Object.values((JSON.parse(Testing.synth(stack)) as Json)['resource'].aws_sqs_queue as Json) as Json[];
    const withRules = queues.filter((q) => q.lifecycle?.ignore_changes);
    expect(withRules.length).toBeGreaterThan(0);
    for (const queue of withRules) expect(queue.lifecycle).toMatchObject({ prevent_destroy: true, ignore_changes: expect.any(Array) });
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
    [
      'a gateway response',
      (s) =>
        ((s.restApi.node.findAll().find((c) => c instanceof ApiGatewayGatewayResponse) as ApiGatewayGatewayResponse).responseTemplates = {
          'application/json': '{}',
        }),
    ],
    [
      'a resource path',
      (s) => ((s.restApi.node.findAll().find((c) => c instanceof ApiGatewayResource) as ApiGatewayResource).pathPart = 'tasks'),
    ],
  ])('changes with %s, which no hand-kept route list would see', (_, change) => {
    expect(fingerprintOf(change)).not.toBe(fingerprintOf());
  });
});

describe('synth (infra/src/main.ts) and print-deploy-target, run as the workflows run them', () => {
  const root = resolve(__dirname, '../..');
  /** Runs a script of infra/src with the committed targets file, or with `targets` written to a file of its own. */
  const runScript = (script: string, args: string[], env: Record<string, string>, targets?: DeployTargetsFile) => {
    const dir = mkdtempSync(join(tmpdir(), 'synth-'));
    const outdir = join(dir, 'out');
    if (targets) writeFileSync(join(dir, 'targets.json'), JSON.stringify(targets));
    const result = spawnSync('node', ['tools/scripts/run-typescript.mjs', `infra/src/${script}`, ...args], {
      cwd: root,
      env: { ...process.env, ...env, CDKTF_OUTDIR: outdir, ...(targets ? { ASYNC_JOBS_DEPLOY_TARGETS: join(dir, 'targets.json') } : {}) },
      encoding: 'utf8',
    });
    const stacks = existsSync(join(outdir, 'stacks')) ? readdirSync(join(outdir, 'stacks')).sort() : [];
    const stackJson = (stack: string) => JSON.parse(readFileSync(join(outdir, 'stacks', stack, 'cdk.tf.json'), 'utf8')) as Json;
    const read = {
      status: result.status,
      stdout: result.stdout,
      stderr: result.stderr,
      written: existsSync(outdir) ? readdirSync(outdir) : [],
      stacks,
      stackJson,
    };
    return { ...read, done: () => rmSync(dir, { recursive: true, force: true }) };
  };
  const runSynth = (environments: string, targets?: DeployTargetsFile) =>
    runScript('main.ts', [], { ASYNC_JOBS_ENVIRONMENTS: environments }, targets);

  it('stops before writing anything when an environment has no account, naming the setting', () => {
    // The committed file names no account: a fresh clone cannot deploy anywhere by accident.
    const run = runSynth('prod');
    run.done();
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('synth stopped: infra/deploy-targets.json: environments.prod.accountId is not set');
    expect(run.written).toEqual([]);
  });

  it('stops on an unknown environment, naming the variable, and on a bootstrap of no account', () => {
    const unknown = runSynth('qa');
    unknown.done();
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toContain('synth stopped: ASYNC_JOBS_ENVIRONMENTS names an unknown stack "qa"');
    const nothing = runSynth('bootstrap');
    nothing.done();
    expect(nothing.stderr).toContain('synth stopped: infra/deploy-targets.json names no account to bootstrap');
  });

  it('checks the reservations of every configured environment sharing an account, whichever stack is asked for', () => {
    const shared = (quota: number): DeployTargetsFile => ({
      ...aTargetsFile(),
      environments: {
        dev: { accountId: '111111111111', lambdaConcurrencyQuota: quota },
        prod: { accountId: '111111111111', lambdaConcurrencyQuota: quota },
      },
    });
    const tight = runSynth('bootstrap', shared(200));
    tight.done();
    expect(tight.status).toBe(1);
    expect(tight.stderr).toContain('Reserved Lambda concurrency in 111111111111/eu-west-1 is 120 (dev 10, prod 110)');
    const roomy = runSynth('bootstrap', shared(230));
    roomy.done();
    expect(roomy.status).toBe(0);
  });

  it('bootstraps each account once, with only its own environments, its state bucket in the state region', () => {
    const targets = aTargetsFile({ stateRegion: 'us-east-2' });
    const run = runSynth('bootstrap', targets);
    try {
      expect([run.status, run.stderr]).toEqual([0, '']);
      expect(run.stacks).toEqual(['jobs-bootstrap-111111111111', 'jobs-bootstrap-222222222222', 'jobs-bootstrap-333333333333']);
      const staging = run.stackJson('jobs-bootstrap-222222222222');
      const roles = Object.values(staging['resource'].aws_iam_role as Json).map((r: Json) => r.name as string);
      expect(roles.filter((name) => name.startsWith('async-jobs-') && name !== 'async-jobs-apigateway-cloudwatch').sort()).toEqual([
        'async-jobs-staging-deploy',
        'async-jobs-staging-plan',
      ]);
      // The bucket the bootstrap makes is the one the environment's backend names.
      const bucket = (Object.values(staging['resource'].aws_s3_bucket as Json)[0] as Json).bucket;
      expect(bucket).toBe(deployTarget(targets, 'staging').state.bucket);
      expect(staging['terraform'].backend.s3.region).toBe('us-east-2');
      expect(staging['provider'].aws.map((p: Json) => p.region)).toEqual(['us-east-2', deploymentSettings('staging').region]);
      // prod: a deploy role, no plan role.
      const prodRoles = Object.values(run.stackJson('jobs-bootstrap-333333333333')['resource'].aws_iam_role as Json).map(
        (r: Json) => r.name,
      );
      expect(prodRoles).toContain('async-jobs-prod-deploy');
      expect(prodRoles).not.toContain('async-jobs-prod-plan');
    } finally {
      run.done();
    }
  });

  it('prints where an environment deploys for the workflow, and names the missing setting when it cannot', () => {
    const targets = aTargetsFile({ stateRegion: 'us-east-2' });
    const staging = runScript('print-deploy-target.ts', ['staging'], {}, targets);
    staging.done();
    expect(JSON.parse(staging.stdout)).toEqual({
      environment: 'staging',
      accountId: '222222222222',
      region: deploymentSettings('staging').region,
      stateBucket: 'async-jobs-tfstate-222222222222-us-east-2',
      stateKey: 'jobs-staging.tfstate',
      stateRegion: 'us-east-2',
      deployRoleArn: 'arn:aws:iam::222222222222:role/async-jobs-staging-deploy',
      planRoleArn: 'arn:aws:iam::222222222222:role/async-jobs-staging-plan',
    });
    const prod = runScript('print-deploy-target.ts', ['prod'], {}, targets);
    prod.done();
    expect(JSON.parse(prod.stdout)).toMatchObject({
      deployRoleArn: 'arn:aws:iam::333333333333:role/async-jobs-prod-deploy',
      planRoleArn: null,
    });
    const unset = runScript('print-deploy-target.ts', ['dev'], {});
    unset.done();
    expect([unset.status, unset.stdout, unset.stderr.trim()]).toEqual([
      1,
      '',
      'infra/deploy-targets.json: environments.dev.accountId is not set: the 12-digit AWS account dev deploys to',
    ]);
  });
});
