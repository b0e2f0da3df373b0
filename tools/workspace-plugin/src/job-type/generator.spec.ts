import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { readJson, type ProjectConfiguration, type Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import jobTypeGenerator from './generator';

const WORKSPACE = join(__dirname, '../../../..');

function aWorkspace(): Tree {
  // No formatter: these tests read what the generator wrote; how it is formatted is checked below, in this workspace.
  const tree = createTreeWithEmptyWorkspace({ formatter: 'none' });
  tree.write(
    'tsconfig.base.json',
    JSON.stringify({ compilerOptions: { paths: { '@async-jobs/domain': ['./libs/domain/src/index.ts'] } } }),
  );
  tree.write('libs/job-catalog/src/teams.ts', '// One line per team library.\nexport {};\n');
  return tree;
}

/** Runs a helper of tests/ in its own Node process (see each helper for why), from the workspace root. */
function runHelper(helper: string, args: string[], input?: string): string {
  return execFileSync(process.execPath, ['--require', '@swc-node/register', `tools/workspace-plugin/tests/${helper}`, ...args], {
    cwd: WORKSPACE,
    encoding: 'utf8',
    input,
    maxBuffer: 16 * 1024 * 1024,
  });
}

describe('the job-type generator', () => {
  it("creates the team's library on its first type: tags, alias, catalog line, owners, and a working example", async () => {
    const tree = aWorkspace();

    await jobTypeGenerator(tree, { name: 'word-count', team: 'media', skipOpenApi: true });

    expect(readJson(tree, 'libs/jobs/media/project.json')).toMatchObject({ name: 'jobs-media', tags: ['type:jobs', 'scope:media'] });
    expect(readJson(tree, 'tsconfig.base.json').compilerOptions.paths['@async-jobs/jobs-media']).toEqual([
      './libs/jobs/media/src/index.ts',
    ]);
    expect(tree.read('libs/job-catalog/src/teams.ts', 'utf-8')).toContain("export { jobTypes as media } from '@async-jobs/jobs-media';");
    expect(tree.read('libs/job-catalog/src/teams.ts', 'utf-8')).not.toContain('export {};');
    expect(tree.read('.github/CODEOWNERS', 'utf-8')).toBe('/libs/jobs/media/ @media\n');
    expect(tree.read('libs/jobs/media/src/word-count-job.ts', 'utf-8')).toContain("name: 'word-count'");
    expect(tree.read('libs/jobs/media/src/index.ts', 'utf-8')).toContain('[wordCountJob]');
  });

  it('adds a second type to the same library without touching the catalog or the owners again', async () => {
    const tree = aWorkspace();
    await jobTypeGenerator(tree, { name: 'word-count', team: 'media', owner: '@acme/media-team', skipOpenApi: true });
    const catalog = tree.read('libs/job-catalog/src/teams.ts', 'utf-8');

    await jobTypeGenerator(tree, { name: 'thumbnail', team: 'media', skipOpenApi: true });

    expect(tree.read('libs/jobs/media/src/index.ts', 'utf-8')).toContain('[thumbnailJob, wordCountJob]');
    expect(tree.read('libs/job-catalog/src/teams.ts', 'utf-8')).toBe(catalog);
    expect(tree.read('.github/CODEOWNERS', 'utf-8')).toBe('/libs/jobs/media/ @acme/media-team\n');
  });

  it('refuses a name that is taken (built in or by any team) and names that are not kebab-case', async () => {
    const tree = aWorkspace();
    await jobTypeGenerator(tree, { name: 'word-count', team: 'media', skipOpenApi: true });
    await expect(jobTypeGenerator(tree, { name: 'word-count', team: 'search', skipOpenApi: true })).rejects.toThrow(
      /exists already \(team media\)/,
    );
    await expect(jobTypeGenerator(tree, { name: 'sleep', team: 'search', skipOpenApi: true })).rejects.toThrow(/built-in/);
    await expect(jobTypeGenerator(tree, { name: 'WordCount', team: 'media', skipOpenApi: true })).rejects.toThrow(/kebab-case/);
  });
});

describe('a job type generated in this workspace, as `nx g` generates it (the tree is never written to disk)', () => {
  const team = 'generator-check';
  const root = `libs/jobs/${team}`;
  let files: Record<string, string>;

  beforeAll(() => {
    files = JSON.parse(runHelper('print-generated-job-type.ts', ['word-tally', team]));
  });

  it('declares a library whose targets are all inferred by the nx.json plugins', () => {
    const project = JSON.parse(files[`${root}/project.json`]) as ProjectConfiguration;

    expect(project).toMatchObject({
      name: `jobs-${team}`,
      sourceRoot: `${root}/src`,
      projectType: 'library',
      tags: ['type:jobs', `scope:${team}`],
    });
    const declared = Object.entries(project.targets ?? {}).filter(([, target]) => target.executor || target.command);
    expect(declared).toEqual([]);
  });

  it('writes every file as Prettier formats it with the repository config', () => {
    const { checked, unformatted } = JSON.parse(runHelper('print-unformatted-files.ts', [], JSON.stringify(files)));

    expect(checked).toEqual(
      expect.arrayContaining([
        `${root}/project.json`,
        `${root}/jest.config.ts`,
        `${root}/tsconfig.spec.json`,
        `${root}/src/index.ts`,
        `${root}/src/word-tally-job.ts`,
        `${root}/src/word-tally-job.spec.ts`,
        'tsconfig.base.json',
        'libs/job-catalog/src/teams.ts',
      ]),
    );
    expect(unformatted).toEqual([]);
  });

  it('generates a library that type-checks and whose tests pass', () => {
    // At the same depth as libs/jobs/<team>, inside the git-ignored tmp/ (out of Nx's project graph).
    const scratch = join(WORKSPACE, 'tmp', `generator-check-${process.pid}`);
    const copy = join(scratch, team);
    const results = join(scratch, 'jest-results.json');
    try {
      for (const [file, content] of Object.entries(files)) {
        if (!file.startsWith(`${root}/`) || file.endsWith('/project.json')) continue;
        const target = join(copy, file.slice(root.length + 1));
        mkdirSync(dirname(target), { recursive: true });
        writeFileSync(target, content);
      }
      // The workspace's tsconfig excludes tmp/; the copy must not.
      const spec = JSON.parse(files[`${root}/tsconfig.spec.json`]);
      writeFileSync(join(copy, 'tsconfig.spec.json'), JSON.stringify({ ...spec, exclude: [] }));

      const tsc = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(copy, 'tsconfig.spec.json'), '--noEmit'], {
        cwd: WORKSPACE,
        encoding: 'utf8',
      });
      expect({ exitCode: tsc.status, output: `${tsc.stdout}${tsc.stderr}` }).toEqual({ exitCode: 0, output: '' });

      const jest = spawnSync(
        process.execPath,
        [require.resolve('jest/bin/jest'), '-c', join(copy, 'jest.config.ts'), '--ci', '--json', `--outputFile=${results}`],
        { cwd: WORKSPACE, encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0' } },
      );
      if (!existsSync(results)) throw new Error(`jest reported nothing (exit ${jest.status}):\n${jest.stderr}`);
      const report = JSON.parse(readFileSync(results, 'utf8'));
      // Jest's own account of every failure first, so a failing run shows why.
      expect(report.testResults.map((suite: { message: string }) => suite.message).filter(Boolean)).toEqual([]);
      expect(report.numTotalTestSuites).toBeGreaterThanOrEqual(1);
      expect(report.numFailedTestSuites).toBe(0);
      expect(report.numFailedTests).toBe(0);
      expect(report.numPassedTests).toBeGreaterThanOrEqual(1);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });
});
