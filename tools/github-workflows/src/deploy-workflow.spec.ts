import { environmentOf, needsOf, readWorkflow, stepUsing, type Job } from './workflow';

const deploy = readWorkflow('.github/workflows/deploy.yml');
const ENVIRONMENTS = ['dev', 'staging', 'prod'] as const;
type Environment = (typeof ENVIRONMENTS)[number];

/**
 * What a job does for one environment, step by step, as the runner would see it: `run` scripts with the
 * job's variables filled in (`$STACK`, `${{ env.ENVIRONMENT }}`, `${{ matrix.environment }}`), actions as
 * `uses <owner/name>`.
 */
function timeline(job: Job, environment: Environment): string[] {
  const matrix = (text: string) => text.replaceAll('${{ matrix.environment }}', environment);
  const env = Object.fromEntries(Object.entries(job.env ?? {}).map(([name, value]) => [name, matrix(value)]));
  const fill = (text: string) =>
    matrix(text)
      .replace(/\$\{\{ env\.(\w+) \}\}/g, (_, name: string) => env[name] ?? `<no ${name}>`)
      .replace(/\$\{(\w+)\}|\$(\w+)/g, (whole, braced?: string, bare?: string) => env[(braced ?? bare)!] ?? whole);
  return (job.steps ?? []).map((step) => (step.uses ? `uses ${step.uses.split('@')[0]}` : fill(step.run ?? '')));
}

/** `text` as a pattern that matches it literally. */
function literally(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** Where, in a job's timeline, each of `patterns` first matches (-1 when nothing does). */
function positions(lines: string[], patterns: RegExp[]): number[] {
  return patterns.map((pattern) => lines.findIndex((line) => pattern.test(line)));
}

/** What the job's artifact upload is called and what it holds, for one environment. */
function uploadOf(job: Job, environment: Environment) {
  const upload = stepUsing(job, 'actions/upload-artifact');
  const fill = (text: string) =>
    text.replace(/\$\{\{ env\.(\w+) \}\}/g, (_, name: string) =>
      (job.env?.[name] ?? '').replaceAll('${{ matrix.environment }}', environment),
    );
  return {
    name: fill(String(upload?.with?.name)),
    files: fill(String(upload?.with?.path)).trim().split('\n'),
    retentionDays: Number(upload?.with?.['retention-days']),
  };
}

describe('CD (.github/workflows/deploy.yml)', () => {
  it('plans on pull requests, deploys on pushes to main, and may be run by hand', () => {
    expect(Object.keys(deploy.on).sort()).toEqual(['pull_request', 'push', 'workflow_dispatch']);
    expect(deploy.on.push).toEqual({ branches: ['main'] });
    expect(deploy.permissions).toEqual({ contents: 'read' });
  });

  it('never runs the cdktf CLI against AWS: plain terraform plans and applies the synthesized stack', () => {
    expect(deploy.text).not.toMatch(/cdktf\s+deploy|infra:deploy|cdktf\s+apply/);
    for (const job of Object.values(deploy.jobs)) {
      for (const step of job.steps ?? []) expect(step.run ?? '').not.toMatch(/\bcdktf\b(?!\.out)/); // cdktf.out is only the synthesized stacks' folder
    }
  });

  describe('on main: dev, then staging, then prod', () => {
    it.each(ENVIRONMENTS)('%s runs in its GitHub environment, the only subject its deploy role trusts', (environment) => {
      expect(environmentOf(deploy.jobs[environment])).toBe(environment);
      expect(deploy.jobs[environment].env).toEqual({ ENVIRONMENT: environment, STACK: `cdktf.out/stacks/jobs-${environment}` });
    });

    it('prod needs staging, which needs dev, which runs only for main and never for a pull request', () => {
      expect(needsOf(deploy.jobs.prod)).toEqual(['staging']);
      expect(needsOf(deploy.jobs.staging)).toEqual(['dev']);
      expect(needsOf(deploy.jobs.dev)).toEqual([]);
      expect(deploy.jobs.dev.if).toBe("github.event_name != 'pull_request' && github.ref == 'refs/heads/main'");
      // staging and prod need dev, so they are skipped with it.
      expect(deploy.jobs.staging.if).toBeUndefined();
      expect(deploy.jobs.prod.if).toBeUndefined();
    });

    it.each(ENVIRONMENTS)('%s assumes its deploy role, synthesizes, plans, keeps the plan and applies exactly that plan', (environment) => {
      const job = deploy.jobs[environment];
      const stack = literally(`-chdir="cdktf.out/stacks/jobs-${environment}"`);
      const lines = timeline(job, environment);
      const steps = positions(lines, [
        new RegExp(`^npm ci$`, 'm'),
        new RegExp(`print-deploy-target\\.ts "${environment}"[\\s\\S]*\\.deployRoleArn`),
        new RegExp(`^npx nx run infra:synth --configuration="${environment}"`, 'm'),
        /^uses aws-actions\/configure-aws-credentials$/,
        new RegExp(`^terraform ${stack} init -input=false$`),
        new RegExp(`^terraform ${stack} plan -input=false -out=tfplan$`),
        new RegExp(`^terraform ${stack} show -no-color tfplan >${literally(`"cdktf.out/stacks/jobs-${environment}/plan.txt"`)}$`),
        /^uses actions\/upload-artifact$/,
        new RegExp(`^terraform ${stack} apply -input=false tfplan$`),
      ]);
      expect(steps).not.toContain(-1);
      expect(steps).toEqual([...steps].sort((a, b) => a - b));
      expect(steps.at(-1)).toBe(lines.length - 1);
      expect(stepUsing(job, 'aws-actions/configure-aws-credentials')?.with).toEqual({
        'role-to-assume': '${{ steps.target.outputs.role-arn }}',
        'aws-region': '${{ steps.target.outputs.region }}',
        'role-session-name': 'deploy-${{ env.ENVIRONMENT }}-${{ github.run_id }}',
      });
      expect(job.steps?.find((step) => step.id === 'target')?.run).toMatch(/role-arn=\$\(jq -r \.deployRoleArn /);
      expect(uploadOf(job, environment)).toEqual({
        name: `plan-${environment}`,
        files: [`cdktf.out/stacks/jobs-${environment}/tfplan`, `cdktf.out/stacks/jobs-${environment}/plan.txt`],
        retentionDays: expect.any(Number),
      });
      expect(uploadOf(job, environment).retentionDays).toBeLessThanOrEqual(7);
    });

    it('the three run the same steps: only their environment, and what depends on it, differs', () => {
      expect(deploy.jobs.staging.steps).toEqual(deploy.jobs.dev.steps);
      expect(deploy.jobs.prod.steps).toEqual(deploy.jobs.dev.steps);
    });

    it.each(ENVIRONMENTS)('%s applies one run at a time and is never cancelled half way', (environment) => {
      expect(deploy.jobs[environment].concurrency).toEqual({ group: `deploy-${environment}`, 'cancel-in-progress': false });
    });

    it('no concurrency setting above the jobs could cancel an apply', () => {
      expect(deploy.concurrency).toBeUndefined();
    });
  });

  describe('on a pull request: a plan of dev and staging, with their read-only plan roles (prod has none)', () => {
    const plan = deploy.jobs.plan;

    it('runs for pull requests from this repository only (a fork gets no OIDC token), once per environment', () => {
      expect(plan.if).toBe("github.event_name == 'pull_request' && github.event.pull_request.head.repo.full_name == github.repository");
      expect(plan.strategy?.matrix).toEqual({ environment: ['dev', 'staging'] });
      expect(plan.strategy?.['fail-fast']).toBe(false);
      expect(environmentOf(plan)).toBeUndefined(); // the plan role trusts the pull_request subject, not an environment's
    });

    it.each(['dev', 'staging'] as const)('plans %s without taking the state lock, keeps the plan and applies nothing', (environment) => {
      const stack = literally(`-chdir="cdktf.out/stacks/jobs-${environment}"`);
      const lines = timeline(plan, environment);
      const steps = positions(lines, [
        new RegExp(`print-deploy-target\\.ts "${environment}"[\\s\\S]*\\.planRoleArn`),
        new RegExp(`^npx nx run infra:synth --configuration="${environment}"`, 'm'),
        /^uses aws-actions\/configure-aws-credentials$/,
        new RegExp(`^terraform ${stack} init -input=false$`),
        new RegExp(`^terraform ${stack} plan -lock=false -input=false -out=tfplan$`),
        new RegExp(`^terraform ${stack} show -no-color tfplan >${literally(`"cdktf.out/stacks/jobs-${environment}/plan.txt"`)}$`),
        /^uses actions\/upload-artifact$/,
      ]);
      expect(steps).not.toContain(-1);
      expect(steps).toEqual([...steps].sort((a, b) => a - b));
      expect(lines.join('\n')).not.toMatch(/deployRoleArn|terraform .*apply/);
      expect(stepUsing(plan, 'aws-actions/configure-aws-credentials')?.with?.['role-to-assume']).toBe(
        '${{ steps.target.outputs.role-arn }}',
      );
      expect(uploadOf(plan, environment)).toEqual({
        name: `plan-${environment}`,
        files: [`cdktf.out/stacks/jobs-${environment}/tfplan`, `cdktf.out/stacks/jobs-${environment}/plan.txt`],
        retentionDays: expect.any(Number),
      });
      expect(uploadOf(plan, environment).retentionDays).toBeLessThanOrEqual(7);
    });
  });

  it('sets up, for synth, Node 20 and terraform ≥ 1.10 (S3 state locking) without its wrapper: no Java or moto', () => {
    for (const job of Object.values(deploy.jobs)) {
      expect(stepUsing(job, 'actions/setup-node')?.with).toMatchObject({ 'node-version': 20 });
      const terraform = stepUsing(job, 'hashicorp/setup-terraform')?.with;
      expect(terraform).toMatchObject({ terraform_wrapper: false });
      const [major, minor] = String(terraform?.terraform_version).split('.').map(Number);
      expect(major > 1 || (major === 1 && minor >= 10)).toBe(true);
      expect(stepUsing(job, 'actions/setup-java')).toBeUndefined();
    }
  });
});
