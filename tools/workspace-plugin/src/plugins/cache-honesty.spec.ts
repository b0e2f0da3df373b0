import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { createProjectGraphAsync, type ProjectGraph } from '@nx/devkit';

/*
 * Cache honesty: a cached target must hash everything it runs, or Nx replays a pass that no longer holds.
 * The answers come from Nx's own hash plan (the code behind `nx show target inputs --check`), not from
 * our reading of nx.json, so a misspelt input, a missing `dependsOn` or a plugin that infers less than
 * we think all fail here.
 */
const taskFiles: typeof import('nx/src/hasher/check-task-files') = require('nx/src/hasher/check-task-files');
const { createTaskGraph }: typeof import('nx/src/tasks-runner/create-task-graph') = require('nx/src/tasks-runner/create-task-graph');

const WORKSPACE = resolve(__dirname, '../../../..');
const tracked = execFileSync('git', ['ls-files'], { cwd: WORKSPACE, encoding: 'utf8' }).trim().split('\n');

let graph: ProjectGraph;
beforeAll(async () => {
  graph = await createProjectGraphAsync({ exitOnError: true });
});

async function notInputs(taskId: string, files: string[]): Promise<string[]> {
  return (await taskFiles.checkFilesAreInputs(taskId, files)).unmatched;
}

/** The esbuild bundles and the source files that go into each. */
function bundles() {
  return Object.values(graph.nodes)
    .filter((node) => node.data.targets?.build?.executor === '@nx/esbuild:esbuild')
    .map((node) => ({
      project: node.name,
      sources: tracked.filter((f) => f.startsWith(`${node.data.root}/src/`) && f.endsWith('.ts') && !f.endsWith('.spec.ts')),
      file: `${node.data.targets!.build.options.outputPath}/main.js`,
    }));
}

/** Every target whose specs start the local system, which runs every bundle: `e2e` for specs under e2e/, else `test`. */
function targetsRunningTheLocalSystem(): string[] {
  const found = new Set<string>();
  for (const node of Object.values(graph.nodes)) {
    for (const file of tracked.filter((f) => f.startsWith(`${node.data.root}/`) && f.endsWith('.spec.ts'))) {
      if (/\bRunningLocalSystem\b/.test(readFileSync(join(WORKSPACE, file), 'utf8'))) {
        found.add(`${node.name}:${file.includes('/e2e/') ? 'e2e' : 'test'}`);
      }
    }
  }
  return [...found].sort();
}

/** A file and every workspace file it imports by a relative path, transitively. */
function withRelativeImports(file: string, seen = new Set<string>()): Set<string> {
  if (seen.has(file)) return seen;
  seen.add(file);
  for (const [, spec] of readFileSync(join(WORKSPACE, file), 'utf8').matchAll(/from '(\.{1,2}\/[^']+)'/g)) {
    const target = relative(WORKSPACE, resolve(WORKSPACE, dirname(file), spec));
    const candidate = [`${target}.ts`, `${target}/index.ts`, target].find((f) => existsSync(join(WORKSPACE, f)));
    if (candidate) withRelativeImports(candidate, seen);
  }
  return seen;
}

describe('what a cached target runs is among its inputs', () => {
  it('finds the bundles and the targets that run them (the checks below are not vacuous)', () => {
    expect(bundles().map((b) => b.project)).toEqual(
      expect.arrayContaining(['jobs-api', 'stream-processor', 'error-handler', 'job-sweeper', 'local-runtime']),
    );
    expect(targetsRunningTheLocalSystem()).toEqual(expect.arrayContaining(['client:test', 'jobs-cli:test', 'local-runtime:e2e']));
  });

  it("changing an app's source changes the hash of its build and of every cached target that runs its bundle", async () => {
    const runners = targetsRunningTheLocalSystem().filter((taskId) => {
      const [project, target] = taskId.split(':');
      return graph.nodes[project].data.targets![target].cache !== false;
    });
    expect(runners.length).toBeGreaterThan(0);
    for (const bundle of bundles()) {
      expect(bundle.sources.length).toBeGreaterThan(0);
      expect({ build: bundle.project, missing: await notInputs(`${bundle.project}:build`, bundle.sources) }).toEqual({
        build: bundle.project,
        missing: [],
      });
      for (const runner of runners) {
        expect({ runner, missing: await notInputs(runner, [bundle.file]) }).toEqual({ runner, missing: [] });
      }
    }
  });

  it('every target that runs the local system, cached or not, builds every bundle first', () => {
    for (const runner of targetsRunningTheLocalSystem()) {
      const [project, target] = runner.split(':');
      const tasks = Object.keys(createTaskGraph(graph, {}, [project], [target], undefined, {}).tasks);
      const notBuilt = bundles().filter((b) => !tasks.includes(`${b.project}:build`));
      expect({ runner, notBuiltFirst: notBuilt.map((b) => b.project) }).toEqual({ runner, notBuiltFirst: [] });
    }
  });

  it("a test's global setup, and what it imports, are inputs of that test", async () => {
    const withSetup = Object.values(graph.nodes).filter((node) => node.data.targets?.test);
    let checked = 0;
    for (const node of withSetup) {
      const config = join(node.data.root, 'jest.config.ts');
      if (!existsSync(join(WORKSPACE, config))) continue;
      for (const [, setup] of readFileSync(join(WORKSPACE, config), 'utf8').matchAll(/global(?:Setup|Teardown): '([^']+)'/g)) {
        const files = [...withRelativeImports(relative(WORKSPACE, resolve(WORKSPACE, node.data.root, setup)))];
        expect({ test: node.name, missing: await notInputs(`${node.name}:test`, files) }).toEqual({ test: node.name, missing: [] });
        checked += 1;
      }
    }
    expect(checked).toBeGreaterThan(0);
  });
});
