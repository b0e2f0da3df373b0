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

/** The CLI's package: its `bin` names the command and the script that `npx` runs. */
const CLI_ROOT = 'tools/jobs-cli';
const cliBins = Object.entries(
  (JSON.parse(readFileSync(join(WORKSPACE, CLI_ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string> }).bin,
);

interface Bundle {
  project: string;
  root: string;
  /** The sources that go into it: its project's and every workspace library's it depends on, transitively. */
  sources: string[];
  /** Its main file: what a runner starts. */
  file: string;
  /** Every file its entry points write (the local runtime's worker and replay besides its main). */
  files: string[];
}

/** A project's own non-spec TypeScript sources. */
function sourcesOf(project: string): string[] {
  const root = graph.nodes[project].data.root;
  return tracked.filter(
    // What the production named input keeps: not specs, test folders or Jest configs.
    (f) =>
      f.startsWith(`${root}/`) &&
      f.endsWith('.ts') &&
      !/(\.spec\.ts|\/jest(\.e2e)?\.config\.ts)$/.test(f) &&
      !/\/(e2e|tests|testing)\//.test(f),
  );
}

/** The workspace projects a project depends on, transitively, itself included. */
function withDependencies(project: string, seen = new Set<string>()): Set<string> {
  if (seen.has(project) || !graph.nodes[project]) return seen;
  seen.add(project);
  for (const { target } of graph.dependencies[project] ?? []) withDependencies(target, seen);
  return seen;
}

/** The esbuild bundles and the source files that go into each. */
function bundles(): Bundle[] {
  return Object.values(graph.nodes)
    .filter((node) => node.data.targets?.build?.executor === '@nx/esbuild:esbuild')
    .map((node) => {
      const options = node.data.targets!.build.options as { outputPath: string; main: string; additionalEntryPoints?: string[] };
      const outputOf = (entry: string) => `${options.outputPath}/${entry.split('/').pop()!.replace(/\.ts$/, '.js')}`;
      return {
        project: node.name,
        root: node.data.root,
        sources: [...withDependencies(node.name)].flatMap(sourcesOf),
        file: outputOf(options.main),
        files: [options.main, ...(options.additionalEntryPoints ?? [])].map(outputOf),
      };
    });
}

/**
 * The bundles the local system runs: the local runtime's (libs/local-services starts dist/tools/local-runtime)
 * and the apps' it loads from dist/apps (tools/local-runtime/src/main.ts). Not the CLI's: that one calls the system.
 */
function localSystemBundles(): Bundle[] {
  return bundles().filter((b) => b.project === 'local-runtime' || b.root.startsWith('apps/'));
}

/** The CLI's bundle, which its bin runs. */
function cliBundle(): Bundle {
  const bundle = bundles().find((b) => b.root === CLI_ROOT);
  if (!bundle) throw new Error(`${CLI_ROOT} is not built by @nx/esbuild:esbuild`);
  return bundle;
}

/** Every target whose specs match `marker`: `e2e` for specs under e2e/, else `test`. */
function targetsWhoseSpecsMention(marker: RegExp): string[] {
  const found = new Set<string>();
  for (const node of Object.values(graph.nodes)) {
    for (const file of tracked.filter((f) => f.startsWith(`${node.data.root}/`) && f.endsWith('.spec.ts'))) {
      if (marker.test(readFileSync(join(WORKSPACE, file), 'utf8'))) {
        found.add(`${node.name}:${file.includes('/e2e/') ? 'e2e' : 'test'}`);
      }
    }
  }
  return [...found].sort();
}

/** Every target whose specs start the local system, which runs every bundle of localSystemBundles(). */
function targetsRunningTheLocalSystem(): string[] {
  return targetsWhoseSpecsMention(/\bRunningLocalSystem\b/);
}

/**
 * Every target whose specs run the CLI as its users do: by its bin's name as a command (after `npx `, or as a
 * string of its own, as in an execFile argument list) or by the bin's path. The name within a longer word is no
 * marker: resource names and the package scope start with it. (This file mentions neither form, so it is no runner.)
 */
function targetsRunningTheCli(): string[] {
  const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  const markers = cliBins.flatMap(([name, path]) => [`(?:['"\`]|\\bnpx\\s+)${escape(name)}(?![\\w.-])`, escape(path)]);
  return targetsWhoseSpecsMention(new RegExp(markers.join('|')));
}

/** The apps' bundles, which infra packages (synth, deploy, the rehearsal) from dist/apps. */
function appBundles(): Bundle[] {
  return bundles().filter((b) => b.root.startsWith('apps/'));
}

/**
 * Targets that run bundles outside Jest, named here because no spec says so: infra zips the apps' bundles
 * (infra/src/main.ts reads dist/apps), the benchmarks and the soak start the local system.
 */
const SCRIPTED_RUNNERS: Record<string, () => Bundle[]> = {
  'infra:synth': appBundles,
  'infra:deploy': appBundles,
  'infra:rehearse': appBundles,
  'bench:bench': localSystemBundles,
  'bench:soak': localSystemBundles,
};

/** What each target that runs the local system, the CLI or the apps' bundles runs. */
function bundlesRunBy(): Map<string, Bundle[]> {
  const runs = new Map<string, Bundle[]>();
  const add = (runner: string, run: Bundle[]) => runs.set(runner, [...(runs.get(runner) ?? []), ...run]);
  for (const runner of targetsRunningTheLocalSystem()) add(runner, localSystemBundles());
  for (const runner of targetsRunningTheCli()) add(runner, [cliBundle()]);
  for (const [runner, run] of Object.entries(SCRIPTED_RUNNERS)) add(runner, run());
  return runs;
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
      expect.arrayContaining(['jobs-api', 'stream-processor', 'error-handler', 'job-sweeper', 'job-runner', 'local-runtime', 'jobs-cli']),
    );
    expect(localSystemBundles().map((b) => b.project)).toEqual(
      expect.arrayContaining(['jobs-api', 'stream-processor', 'error-handler', 'job-sweeper', 'job-runner', 'local-runtime']),
    );
    expect(localSystemBundles().map((b) => b.project)).not.toContain('jobs-cli');
    expect(targetsRunningTheLocalSystem()).toEqual(expect.arrayContaining(['client:test', 'jobs-cli:test', 'local-runtime:e2e']));
    expect(targetsRunningTheCli()).toEqual(expect.arrayContaining(['jobs-cli:test']));
    // A library's edit must reach the bundles: the apps' sources include the domain's.
    expect(bundles().find((b) => b.project === 'jobs-api')?.sources).toEqual(expect.arrayContaining(['libs/domain/src/job.ts']));
    expect(bundles().find((b) => b.project === 'local-runtime')?.files).toEqual(
      expect.arrayContaining(['dist/tools/local-runtime/main.js', 'dist/tools/local-runtime/lambda-worker.js']),
    );
  });

  it("the CLI's bin runs the bundle its build writes", () => {
    expect(cliBundle().file).toBe('dist/tools/jobs-cli/main.js');
    for (const [, bin] of cliBins) expect(readFileSync(join(WORKSPACE, CLI_ROOT, bin), 'utf8')).toContain(`'${cliBundle().file}'`);
  });

  it("changing a bundle's source changes the hash of its build and of every cached target that runs the bundle", async () => {
    for (const bundle of bundles()) {
      expect(bundle.sources.length).toBeGreaterThan(0);
      expect({ build: bundle.project, missing: await notInputs(`${bundle.project}:build`, bundle.sources) }).toEqual({
        build: bundle.project,
        missing: [],
      });
    }
    const cached = [...bundlesRunBy()].filter(([taskId]) => {
      const [project, target] = taskId.split(':');
      return graph.nodes[project].data.targets![target].cache === true; // Nx caches nothing it is not told to
    });
    expect(cached.length).toBeGreaterThan(0);
    for (const [runner, run] of cached) {
      expect({
        runner,
        missing: await notInputs(
          runner,
          run.flatMap((b) => b.files),
        ),
      }).toEqual({ runner, missing: [] });
    }
  });

  it('every target that runs a bundle (the local system, the CLI, infra, the benchmarks), cached or not, builds it first', () => {
    for (const [runner, run] of bundlesRunBy()) {
      const [project, target] = runner.split(':');
      const tasks = Object.keys(createTaskGraph(graph, {}, [project], [target], undefined, {}).tasks);
      const notBuilt = run.filter((b) => !tasks.includes(`${b.project}:build`));
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

describe('the plugins infer what every project needs', () => {
  it('lint for every project, test where a jest.config.ts is, typecheck where a tsconfig.spec.json is', () => {
    const missing: string[] = [];
    for (const node of Object.values(graph.nodes)) {
      const targets = node.data.targets ?? {};
      const has = (file: string) => tracked.includes(`${node.data.root}/${file}`);
      if (!targets['lint']) missing.push(`${node.name}:lint`);
      if (has('jest.config.ts') && !targets['test']) missing.push(`${node.name}:test`);
      if (has('tsconfig.spec.json') && !targets['typecheck']) missing.push(`${node.name}:typecheck`);
    }
    expect(Object.keys(graph.nodes).length).toBeGreaterThanOrEqual(17);
    expect(missing).toEqual([]);
  });
});
