import { readWorkflow, stepUsing, type Step } from './workflow';

const ci = readWorkflow('.github/workflows/ci.yml');
const jobs = Object.values(ci.jobs);
/** The job that runs everything; CI has one. */
const [job] = jobs;
const steps: Step[] = job.steps ?? [];
const scripts = steps.map((step) => step.run ?? '');

/** The step whose script runs `command`, and where it comes among the steps. */
function stepRunning(command: RegExp): { step: Step; index: number } {
  const index = scripts.findIndex((script) => command.test(script));
  if (index < 0) throw new Error(`ci.yml runs nothing matching ${command}`);
  return { step: steps[index], index };
}

function indexUsing(action: string): number {
  return steps.findIndex((step) => step.uses?.split('@')[0] === action);
}

describe('CI (.github/workflows/ci.yml)', () => {
  it('runs on pushes to main and on pull requests', () => {
    expect(ci.on).toEqual({ push: { branches: ['main'] }, pull_request: null });
    expect(jobs).toHaveLength(1);
  });

  it('may read the code and the workflow runs (nx-set-shas), and holds no OIDC token or any write permission', () => {
    expect(ci.permissions).toEqual({ contents: 'read', actions: 'read' });
    for (const j of jobs) expect(j.permissions).toBeUndefined();
    expect(ci.text).not.toMatch(/id-token:\s*write/);
  });

  it('runs lint, typecheck, test, build, e2e and both rehearsals over what a change affects, between the SHAs nx-set-shas sets', () => {
    const { step, index } = stepRunning(/npx nx affected /);
    const command = step.run!.split('\n').find((line) => line.includes('npx nx affected '))!;
    const words = command.trim().split(/\s+/);
    const from = words.indexOf('-t') + 1;
    const targets = words.slice(from, from + words.slice(from).findIndex((word) => word.startsWith('--')));
    expect(targets).toEqual(['lint', 'typecheck', 'test', 'build', 'e2e', 'rehearse', 'rehearse-upgrade']);
    expect(command).toContain('--base="$NX_BASE" --head="$NX_HEAD"');
    expect(indexUsing('nrwl/nx-set-shas')).toBeGreaterThanOrEqual(0);
    expect(indexUsing('nrwl/nx-set-shas')).toBeLessThan(index);
  });

  it("upgrades, in rehearse-upgrade, from a pull request's base (on main from the last green commit)", () => {
    const { step } = stepRunning(/npx nx affected /);
    expect(step.env?.REHEARSE_UPGRADE_FROM).toBe('${{ github.event.pull_request.base.sha }}');
    // On a push there is no pull request: the variable is empty and falls back to NX_BASE before nx runs.
    expect(step.run).toMatch(/export REHEARSE_UPGRADE_FROM="\$\{REHEARSE_UPGRADE_FROM:-\$NX_BASE\}"\n.*npx nx affected /);
  });

  it('checks formatting, synthesizes the rehearsal stack and checks the project graph on every change', () => {
    stepRunning(/^npx nx format:check --all$/m);
    stepRunning(/^npx nx run infra:synth --configuration=rehearsal\b/m);
    stepRunning(/^node tools\/scripts\/check-project-graph\.mjs$/m);
  });

  it('sets up what the tests need before installing: full history, Node 20, Java 17, moto, terraform without its wrapper', () => {
    expect(stepUsing(job, 'actions/checkout')?.with).toEqual({ 'fetch-depth': 0 });
    expect(stepUsing(job, 'actions/setup-node')?.with).toMatchObject({ 'node-version': 20 });
    expect(stepUsing(job, 'actions/setup-java')?.with).toMatchObject({ 'java-version': 17 });
    expect(stepUsing(job, 'actions/setup-python')?.with).toEqual({ 'python-version': '3.11' });
    stepRunning(/^pip install 'moto\[server\]>=5,<6'/m);
    expect(stepUsing(job, 'hashicorp/setup-terraform')?.with).toMatchObject({ terraform_wrapper: false });
    const install = stepRunning(/^npm ci$/m).index;
    for (const action of [
      'actions/checkout',
      'actions/setup-node',
      'actions/setup-java',
      'actions/setup-python',
      'hashicorp/setup-terraform',
    ]) {
      expect({ action, before: indexUsing(action) < install }).toEqual({ action, before: true });
    }
    expect(stepRunning(/npx nx affected /).index).toBeGreaterThan(install);
  });

  it("gives the console's browser tests a Chromium before they run, and keeps their screenshots whatever the outcome", () => {
    const chromium = stepRunning(/CHROMIUM_PATH=\$\(command -v google-chrome\)" >> "\$GITHUB_ENV"/);
    expect(chromium.index).toBeLessThan(stepRunning(/npx nx affected /).index);
    const upload = stepUsing(job, 'actions/upload-artifact');
    expect(upload).toMatchObject({ if: 'always()', with: { path: 'dist/test-artifacts/console/' } });
    expect(indexUsing('actions/upload-artifact')).toBeGreaterThan(stepRunning(/npx nx affected /).index);
  });

  it('builds each ref once at a time, cancelling a superseded pull request build but never a build of main', () => {
    expect(ci.concurrency).toEqual({ group: 'ci-${{ github.ref }}', 'cancel-in-progress': "${{ github.event_name == 'pull_request' }}" });
    expect(job['timeout-minutes']).toBeGreaterThanOrEqual(30);
    expect(job['timeout-minutes']).toBeLessThanOrEqual(90);
  });
});
