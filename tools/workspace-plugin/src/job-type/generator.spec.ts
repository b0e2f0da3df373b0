import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { readJson, type Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import jobTypeGenerator from './generator';

const WORKSPACE = join(__dirname, '../../../..');

function aWorkspace(): Tree {
  const tree = createTreeWithEmptyWorkspace();
  tree.write(
    'tsconfig.base.json',
    JSON.stringify({ compilerOptions: { paths: { '@async-jobs/domain': ['./libs/domain/src/index.ts'] } } }),
  );
  tree.write('libs/job-catalog/src/teams.ts', '// One line per team library.\nexport {};\n');
  return tree;
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

  it('generates a library that type-checks and whose tests pass', async () => {
    const tree = aWorkspace();
    await jobTypeGenerator(tree, { name: 'word-count', team: 'checkteam', skipOpenApi: true });
    // At the same depth as libs/jobs/<team>, inside the git-ignored tmp/ (out of Nx's project graph).
    const root = join(WORKSPACE, 'tmp', `generator-check-${process.pid}`, 'checkteam');
    try {
      for (const file of [
        'tsconfig.json',
        'tsconfig.spec.json',
        'jest.config.ts',
        'src/index.ts',
        'src/word-count-job.ts',
        'src/word-count-job.spec.ts',
      ]) {
        const target = join(root, file);
        mkdirSync(dirname(target), { recursive: true });
        writeFileSync(target, tree.read(`libs/jobs/checkteam/${file}`, 'utf-8') ?? '');
      }
      // The workspace's tsconfig excludes tmp/; the copy must not.
      const spec = JSON.parse(tree.read('libs/jobs/checkteam/tsconfig.spec.json', 'utf-8') ?? '{}');
      writeFileSync(join(root, 'tsconfig.spec.json'), JSON.stringify({ ...spec, exclude: [] }));
      execFileSync('npx', ['tsc', '-p', join(root, 'tsconfig.spec.json'), '--noEmit'], { cwd: WORKSPACE, stdio: 'pipe' });
      const out = execFileSync('npx', ['jest', '-c', join(root, 'jest.config.ts'), '--ci'], {
        cwd: WORKSPACE,
        stdio: 'pipe',
        encoding: 'utf8',
        env: { ...process.env, FORCE_COLOR: '0' },
      });
      expect(out).toBeDefined();
    } catch (error) {
      const e = error as { stdout?: Buffer | string; stderr?: Buffer | string };
      throw new Error(`the generated library failed: ${e.stdout?.toString()}\n${e.stderr?.toString()}`);
    } finally {
      rmSync(dirname(root), { recursive: true, force: true });
    }
  });
});
