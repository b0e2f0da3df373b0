import { stringify } from 'yaml';
import { lintWorkflow } from './lint-workflow';
import { readWorkflow, workflowPaths } from './workflow';

interface SampleJob {
  'runs-on': string;
  needs?: string;
  environment?: string;
  permissions?: Record<string, string>;
  outputs?: Record<string, string>;
  steps: Array<{ id?: string; uses?: string; run?: string; with?: Record<string, string | number> }>;
}

interface SampleWorkflow {
  permissions: Record<string, string>;
  jobs: Record<'build' | 'deploy', SampleJob>;
}

/** A small well-formed workflow (a build, and a deploy that needs it), as YAML, after `change`. */
function aWorkflow(change: (workflow: SampleWorkflow) => void = () => undefined): string {
  const workflow: SampleWorkflow & { name: string; on: object } = {
    name: 'sample',
    on: { push: { branches: ['main'] } },
    permissions: { contents: 'read' },
    jobs: {
      build: {
        'runs-on': 'ubuntu-24.04',
        outputs: { version: '${{ steps.version.outputs.value }}' },
        steps: [
          { uses: 'actions/checkout@v4' },
          { uses: 'actions/setup-node@v4', with: { 'node-version': 20 } },
          { id: 'version', run: 'echo "value=1" >>"$GITHUB_OUTPUT"' },
        ],
      },
      deploy: {
        needs: 'build',
        'runs-on': 'ubuntu-24.04',
        environment: 'dev',
        permissions: { contents: 'read', 'id-token': 'write' },
        steps: [{ run: 'echo "${{ needs.build.outputs.version }}"' }],
      },
    },
  };
  change(workflow);
  return stringify(workflow);
}

describe('actionlint, as these specs run it', () => {
  it('finds nothing in a well-formed workflow', async () => {
    expect(await lintWorkflow(aWorkflow(), 'sample.yml')).toEqual([]);
  });

  it.each([
    {
      problem: 'a job that needs a job the workflow lacks',
      change: (w: SampleWorkflow) => (w.jobs.deploy.needs = 'biuld'),
      kind: 'job-needs',
      says: 'needs job "biuld" which does not exist',
    },
    {
      problem: 'an expression over a context GitHub does not have',
      change: (w: SampleWorkflow) => (w.jobs.deploy.steps[0].run = 'echo "${{ foo.bar }}"'),
      kind: 'expression',
      says: 'undefined variable "foo"',
    },
    {
      problem: 'an output of a job the step does not need',
      change: (w: SampleWorkflow) => (w.jobs.deploy.steps[0].run = 'echo "${{ needs.test.outputs.version }}"'),
      kind: 'expression',
      says: 'property "test" is not defined',
    },
    {
      problem: 'a permission scope GitHub does not have',
      change: (w: SampleWorkflow) => (w.permissions = { contents: 'read', idtoken: 'write' }),
      kind: 'permissions',
      says: 'unknown permission scope "idtoken"',
    },
    {
      problem: 'an input a well-known action does not take',
      change: (w: SampleWorkflow) => (w.jobs.build.steps[1].with = { 'node-versio': 20 }),
      kind: 'action',
      says: 'input "node-versio" is not defined in action "actions/setup-node@v4"',
    },
  ])('finds $problem', async ({ change, kind, says }) => {
    const findings = await lintWorkflow(aWorkflow(change), 'sample.yml');
    expect(findings).toContainEqual(expect.objectContaining({ kind, message: expect.stringContaining(says) }));
  });

  it('finds YAML that does not parse', async () => {
    const findings = await lintWorkflow(`${aWorkflow()}\n  broken: [\n`, 'sample.yml');
    expect(findings.map((f) => f.kind)).toEqual(['syntax-check']);
  });
});

describe("the repository's workflows", () => {
  it('are all linted, CI and CD among them', () => {
    expect(workflowPaths()).toEqual(expect.arrayContaining(['.github/workflows/ci.yml', '.github/workflows/deploy.yml']));
  });

  it.each(workflowPaths())('%s has no actionlint findings', async (path) => {
    expect(await lintWorkflow(readWorkflow(path).text, path)).toEqual([]);
  });

  it('would fail on a broken one: prod needing a job deploy.yml lacks, CI asking for a permission GitHub lacks', async () => {
    const deploy = readWorkflow('.github/workflows/deploy.yml').text;
    expect(deploy).toContain('needs: staging\n');
    expect(await lintWorkflow(deploy.replace('needs: staging\n', 'needs: stagin\n'), 'deploy.yml')).toEqual([
      expect.objectContaining({ kind: 'job-needs' }),
    ]);
    const ci = readWorkflow('.github/workflows/ci.yml').text;
    expect(ci).toContain('  actions: read\n');
    expect(await lintWorkflow(ci.replace('  actions: read\n', '  action: read\n'), 'ci.yml')).toEqual([
      expect.objectContaining({ kind: 'permissions' }),
    ]);
  });
});
