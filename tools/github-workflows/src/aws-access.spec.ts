import { readWorkflow, stepUsing, workflowPaths, type Job, type Workflow } from './workflow';

/*
 * AWS is reached only through GitHub's OIDC provider: no workflow holds a long-lived key, every job that
 * assumes a role has the token to do it, and no other job has that token. Each check is a function over a
 * parsed workflow, run on the repository's workflows (nothing found) and on a broken copy (found), so a
 * check that could not fail would show.
 */

const CONFIGURE_AWS_CREDENTIALS = 'aws-actions/configure-aws-credentials';

/** What a job may do: its own permissions, else the workflow's. */
function permissionsOf(workflow: Workflow, job: Job) {
  return job.permissions ?? workflow.permissions;
}

function hasIdToken(workflow: Workflow, job: Job): boolean {
  const permissions = permissionsOf(workflow, job);
  return permissions === 'write-all' || (typeof permissions === 'object' && permissions['id-token'] === 'write');
}

/** Everything GitHub reads from a workflow, without its comments. */
function content(workflow: Workflow): string {
  const { on, permissions, env, concurrency, jobs } = workflow;
  return JSON.stringify({ on, permissions, env, concurrency, jobs });
}

/** Where a workflow passes AWS a long-lived access key (a secret, an environment variable or an action input). */
function longLivedKeys(workflow: Workflow): string[] {
  return content(workflow).match(/AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY|aws-access-key-id|aws-secret-access-key/gi) ?? [];
}

/** Jobs that assume an AWS role without the OIDC token to assume it with. */
function rolesWithoutToken(workflow: Workflow): string[] {
  return Object.entries(workflow.jobs)
    .filter(([, job]) => stepUsing(job, CONFIGURE_AWS_CREDENTIALS) && !hasIdToken(workflow, job))
    .map(([name]) => name);
}

/** Jobs that assume an AWS role by anything but OIDC (no role-to-assume, or keys). */
function rolesNotByOidc(workflow: Workflow): string[] {
  return Object.entries(workflow.jobs)
    .filter(([, job]) => {
      const inputs = stepUsing(job, CONFIGURE_AWS_CREDENTIALS)?.with;
      return inputs && (!inputs['role-to-assume'] || Object.keys(inputs).some((input) => /key|token/i.test(input)));
    })
    .map(([name]) => name);
}

/** Jobs given an OIDC token they do not use to assume a role. */
function tokensWithoutRole(workflow: Workflow): string[] {
  return Object.entries(workflow.jobs)
    .filter(([, job]) => hasIdToken(workflow, job) && !stepUsing(job, CONFIGURE_AWS_CREDENTIALS))
    .map(([name]) => name);
}

/** Actions not pinned to a major version tag such as `@v4` (local actions aside). */
function unpinnedActions(workflow: Workflow): string[] {
  return Object.values(workflow.jobs)
    .flatMap((job) => job.steps ?? [])
    .map((step) => step.uses)
    .filter((uses): uses is string => uses !== undefined && !uses.startsWith('./') && !/^[\w.-]+\/[\w.-]+@v\d+$/.test(uses));
}

/** A copy of a workflow to break. */
function copyOf(path: string): Workflow {
  return structuredClone(readWorkflow(path));
}

const workflows = workflowPaths().map(readWorkflow);

describe('AWS through OIDC only, in every workflow', () => {
  it('finds the jobs that assume roles (the checks below are not vacuous)', () => {
    const assuming = workflows.flatMap((w) =>
      Object.entries(w.jobs)
        .filter(([, job]) => stepUsing(job, CONFIGURE_AWS_CREDENTIALS))
        .map(([name]) => `${w.path}:${name}`),
    );
    expect(assuming.sort()).toEqual(['dev', 'plan', 'prod', 'staging'].map((job) => `.github/workflows/deploy.yml:${job}`));
  });

  it.each(workflowPaths())('%s: no long-lived AWS key anywhere', (path) => {
    expect(longLivedKeys(readWorkflow(path))).toEqual([]);
  });

  it.each(workflowPaths())('%s: every job that assumes a role has id-token: write, and assumes it by OIDC', (path) => {
    expect(rolesWithoutToken(readWorkflow(path))).toEqual([]);
    expect(rolesNotByOidc(readWorkflow(path))).toEqual([]);
  });

  it.each(workflowPaths())('%s: no other job, nor the workflow as a whole, has an OIDC token', (path) => {
    const workflow = readWorkflow(path);
    expect(tokensWithoutRole(workflow)).toEqual([]);
    expect(workflow.permissions).not.toEqual(expect.objectContaining({ 'id-token': 'write' }));
    expect(workflow.permissions).not.toBe('write-all');
  });

  it('the checks find what they look for in a broken copy', () => {
    const keys = copyOf('.github/workflows/deploy.yml');
    stepUsing(keys.jobs.prod, CONFIGURE_AWS_CREDENTIALS)!.with = {
      'aws-access-key-id': '${{ secrets.AWS_ACCESS_KEY_ID }}',
      'aws-secret-access-key': '${{ secrets.AWS_SECRET_ACCESS_KEY }}',
      'aws-region': 'eu-west-1',
    };
    expect(longLivedKeys(keys).length).toBeGreaterThan(0);
    expect(rolesNotByOidc(keys)).toEqual(['prod']);

    const noToken = copyOf('.github/workflows/deploy.yml');
    delete noToken.jobs.staging.permissions; // falls back to the workflow's contents: read
    expect(rolesWithoutToken(noToken)).toEqual(['staging']);

    const tokenForAll = copyOf('.github/workflows/ci.yml');
    tokenForAll.permissions = { contents: 'read', actions: 'read', 'id-token': 'write' };
    expect(tokensWithoutRole(tokenForAll)).toEqual(['affected']);

    const floating = copyOf('.github/workflows/ci.yml');
    floating.jobs.affected.steps![0].uses = 'actions/checkout@main';
    expect(unpinnedActions(floating)).toEqual(['actions/checkout@main']);
  });
});

describe('actions, in every workflow', () => {
  it.each(workflowPaths())('%s pins each action to a major version tag', (path) => {
    expect(unpinnedActions(readWorkflow(path))).toEqual([]);
  });

  it('use one version of each action across the workflows', () => {
    const versions = new Map<string, Set<string>>();
    for (const uses of workflows.flatMap((w) =>
      Object.values(w.jobs).flatMap((job) => (job.steps ?? []).flatMap((step) => step.uses ?? [])),
    )) {
      const [action, version] = uses.split('@');
      versions.set(action, new Set([...(versions.get(action) ?? []), version]));
    }
    const mixed = [...versions].filter(([, used]) => used.size > 1).map(([action, used]) => `${action}@${[...used].join(',')}`);
    expect(versions.size).toBeGreaterThan(5);
    expect(mixed).toEqual([]);
  });
});
